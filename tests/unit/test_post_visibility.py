"""Closed, withdrawn and deleted posts stop being public: one rule (posts.readable_by) decides who
still reads a post's name, text and photo, for its page, /c/<code>, its photo, feeds and sheets."""

from __future__ import annotations

from datetime import date

import pytest

from buuv_app.errors import NotFound, PermissionDenied
from buuv_app.models import BoardLocation, BoardNeighbourhood, Neighbour, Post, utcnow
from buuv_app.services import ambassador, boards, posts
from tests.factories import make_conversation, make_member, make_municipality, make_neighbourhood, make_post

VIEWERS = ("visitor", "stranger", "author", "ambassador", "professional_here", "professional_elsewhere")
# Who still reads a post that is no longer open: its author, the neighbour's ambassador and the
# professionals of the post's municipality. A deleted post: nobody, there is nothing left of it.
INSIDERS = {"author", "ambassador", "professional_here"}


@pytest.fixture
def world(session):
    town, elsewhere = make_municipality(session), make_municipality(session)
    wijk = make_neighbourhood(session, town, slug="merenwijk", name="Merenwijk")
    other_wijk = make_neighbourhood(session, elsewhere)
    guide = make_member(session, wijk, role="ambassador")
    people = {
        "visitor": None,
        "stranger": make_member(session, wijk),
        "ambassador": guide,
        "professional_here": make_member(session, wijk, role="professional", municipality_id=town.id),
        "professional_elsewhere": make_member(session, other_wijk, role="professional",
                                              municipality_id=elsewhere.id),
    }
    return {"wijk": wijk, "people": people, "guide": guide}


def _neighbour(session, world, *, joined_as=None) -> Neighbour:
    now = utcnow()
    neighbour = Neighbour(ambassador_id=world["guide"].id, first_name="Riet", neighbourhood_id=world["wijk"].id,
                          consent_method="verbal", consent_given_on=date.today(), consent_recorded_at=now,
                          consent_recorded_by_id=world["guide"].id,
                          account_id=joined_as.id if joined_as else None, joined_at=now if joined_as else None)
    session.add(neighbour)
    session.commit()
    session.refresh(neighbour)
    return neighbour


def _post_in_state(session, world, state: str) -> tuple[Post, dict]:
    """A post placed by the ambassador for a neighbour, brought into `state`; and who is who."""
    people = dict(world["people"])
    if state == "withdrawn":
        # Still managed by the ambassador (its author): a matched post stays matched when consent
        # is withdrawn, so only the consent part of the rule hides it.
        neighbour = _neighbour(session, world)
        post = make_post(session, author=world["guide"], neighbourhood=world["wijk"], neighbour_id=neighbour.id,
                         ambassador_id=world["guide"].id, status="matched", title="Riet zoekt een wandelmaatje")
        ambassador.update_neighbour(session=session, actor=world["guide"], neighbour_id=neighbour.id,
                                    first_name="Riet", neighbourhood_slug="merenwijk", contact_method="ambassador",
                                    consent_method="")
        people["author"] = world["guide"]
    else:
        # Taken over by the neighbour, who has an account now: author and ambassador differ.
        author = make_member(session, world["wijk"])
        neighbour = _neighbour(session, world, joined_as=author)
        post = make_post(session, author=author, neighbourhood=world["wijk"], neighbour_id=neighbour.id,
                         ambassador_id=world["guide"].id, title="Riet zoekt een wandelmaatje")
        people["author"] = author
        if state == "closed":
            posts.close_post(session=session, actor=author, post_id=post.id)
        elif state == "deleted":
            make_conversation(session, post, people["stranger"])  # so the row stays, emptied
            posts.delete_post(session=session, actor=author, post_id=post.id)
    session.expire_all()
    return session.get(Post, post.id), people


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_open_post_is_read_by_everyone(session, world, viewer):
    post, people = _post_in_state(session, world, "open")
    assert posts.can_read_post(session=session, viewer=people[viewer], post_id=post.id)
    assert posts.get_post_detail(session=session, post_id=post.id, viewer=people[viewer]) is not None


@pytest.mark.parametrize("state", ["closed", "withdrawn", "deleted"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_post_no_longer_open_is_read_only_by_its_insiders(session, world, state, viewer):
    post, people = _post_in_state(session, world, state)
    expected = state != "deleted" and viewer in INSIDERS
    who = people[viewer]
    assert posts.can_read_post(session=session, viewer=who, post_id=post.id) is expected
    detail = posts.get_post_detail(session=session, post_id=post.id, viewer=who)
    assert (detail is not None) is expected
    by_code = posts.get_post_by_code(session=session, code=post.short_code, viewer=who)
    assert (by_code is not None) is expected
    if expected:
        posts.check_can_read_post(session=session, viewer=who, post_id=post.id)
    else:
        with pytest.raises(PermissionDenied):
            posts.check_can_read_post(session=session, viewer=who, post_id=post.id)
    # Everyone learns that it is no longer open, and nothing more.
    assert posts.gone_post_id(session=session, post_id=post.id) == post.id
    assert posts.gone_post_id(session=session, code=post.short_code) == post.id


@pytest.mark.parametrize("state", ["closed", "withdrawn", "deleted"])
def test_a_post_no_longer_open_leaves_feeds_and_printed_sheets(session, world, state):
    post, people = _post_in_state(session, world, state)
    for who in people.values():
        assert post.id not in {p.id for p in posts.browse(session=session, viewer=who).items}
    assert post.id not in {p.id for p in posts.list_open_posts(session=session)}
    board = BoardLocation(slug="bibliotheek", name="Bibliotheek", address="Plein 1",
                          municipality_id=world["wijk"].municipality_id)
    session.add(board)
    session.commit()
    session.add(BoardNeighbourhood(board_id=board.id, neighbourhood_id=world["wijk"].id))
    session.commit()
    still_open = make_post(session, author=people["stranger"], neighbourhood=world["wijk"])
    sheet = boards.get_sheet(session=session, slug="bibliotheek")
    assert [p.id for p in sheet.posts] == [still_open.id]


@pytest.mark.parametrize("state", ["closed", "withdrawn"])
def test_the_photo_of_a_post_no_longer_open_is_not_public(session, world, state):
    post, people = _post_in_state(session, world, state)
    post.photo_key = "k" * 43
    session.add(post)
    session.commit()
    for viewer in VIEWERS:
        reach = posts.photo_access(session=session, key=post.photo_key, viewer=people[viewer])
        assert reach == (posts.PHOTO_PRIVATE if viewer in INSIDERS else None)


def test_the_photo_of_an_open_post_is_public(session, world):
    post = make_post(session, author=world["people"]["stranger"], neighbourhood=world["wijk"], photo_key="p" * 43)
    assert posts.photo_access(session=session, key=post.photo_key, viewer=None) == posts.PHOTO_PUBLIC
    shy = make_post(session, author=world["people"]["stranger"], neighbourhood=world["wijk"], photo_key="m" * 43,
                    visibility="members")
    assert posts.photo_access(session=session, key=shy.photo_key, viewer=None) is None
    assert posts.photo_access(session=session, key=shy.photo_key, viewer=world["guide"]) == posts.PHOTO_MEMBERS


def test_an_unknown_post_is_not_found_rather_than_refused(session, world):
    with pytest.raises(NotFound):
        posts.check_can_read_post(session=session, viewer=None, post_id=123456)
    assert posts.gone_post_id(session=session, post_id=123456) is None
    assert posts.gone_post_id(session=session, code="BUUV-XXXXX") is None


def test_an_open_post_is_not_gone(session, world):
    post = make_post(session, author=world["people"]["stranger"], neighbourhood=world["wijk"])
    assert posts.gone_post_id(session=session, post_id=post.id) is None

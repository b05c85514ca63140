"""The facts stored for the back office's figures (services/stats_facts.py) stay equal to a live
recomputation from the source rows through every write that touches them: reactions online and
on paper, a post moved, matched, closed or deleted, consent withdrawn, an account deleted (SQLite,
and PostgreSQL with BUUV_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    FirstContact,
    Neighbour,
    Post,
    utcnow,
)
from buuv_app.models.stats import EVERYWHERE, MUNICIPALITY, WIJK
from buuv_app.services import accounts, ambassador, boards, messaging, posts, stats_facts
from tests.factories import make_category, make_member, make_municipality, make_neighbourhood, make_post

PASSWORD = "een lange zin om te onthouden"


def stored(session) -> tuple[list, list]:
    session.expire_all()
    contacts = sorted(tuple(row) for row in session.exec(
        select(FirstContact.level, FirstContact.area_id, FirstContact.a, FirstContact.b, FirstContact.first_at)).all())
    firsts = sorted(tuple(row) for row in session.exec(select(Post.id, Post.first_reaction_at)).all())
    return contacts, firsts


def assert_live(session) -> tuple[list, list]:
    """The stored facts are what recomputing them from the source rows gives."""
    before = stored(session)
    stats_facts.rebuild(session=session)
    session.commit()
    assert stored(session) == before
    return before


def pairs(session, level: int, area_id: int) -> set[tuple[int, int]]:
    return {(a, b) for a, b in session.exec(select(FirstContact.a, FirstContact.b).where(
        FirstContact.level == level, FirstContact.area_id == area_id)).all()}


@pytest.fixture
def town(session):
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    merenwijk = make_neighbourhood(session, leiden, slug="merenwijk", name="Merenwijk")
    stevenshof = make_neighbourhood(session, leiden, slug="stevenshof", name="Stevenshof")
    category = make_category(session, slug="tuin")
    anna = make_member(session, merenwijk, display_name="Anna", role="ambassador", password=PASSWORD)
    ann = make_member(session, merenwijk, display_name="Ann", password=PASSWORD)
    bob = make_member(session, stevenshof, display_name="Bob", password=PASSWORD)
    cas = make_member(session, merenwijk, display_name="Cas", password=PASSWORD)
    gerda = Neighbour(ambassador_id=anna.id, first_name="Gerda", neighbourhood_id=merenwijk.id,
                      consent_method="verbal", consent_given_on=date(2026, 1, 1))
    board = BoardLocation(slug="bieb", name="Bieb Merenwijk", address="a", municipality_id=leiden.id)
    session.add_all([gerda, board])
    session.flush()
    session.add_all([BoardNeighbourhood(board_id=board.id, neighbourhood_id=merenwijk.id),
                     BoardAmbassador(board_id=board.id, user_id=anna.id)])
    session.commit()

    def post(author, wijk, kind="request", **extra):
        return make_post(session, author=author, neighbourhood=wijk, category=category, kind=kind, **extra)

    return {
        "leiden": leiden, "merenwijk": merenwijk, "stevenshof": stevenshof, "anna": anna, "ann": ann, "bob": bob,
        "cas": cas, "gerda": gerda, "board": board,
        "p1": post(ann, merenwijk), "p2": post(bob, stevenshof, "offer"), "p3": post(ann, merenwijk, "offer"),
        "for_gerda": post(anna, merenwijk, neighbour_id=gerda.id, ambassador_id=anna.id),
        "demo": post(ann, merenwijk, is_demo=True),
    }


def test_reactions_online_and_on_paper_are_stored_as_they_come_in(session, town):
    t = town
    assert assert_live(session) == ([], sorted((p.id, None) for p in session.exec(select(Post)).all()))
    first = messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["p1"].id)
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["for_gerda"].id)
    messaging.start_conversation(session=session, user=t["ann"], post_id=t["p2"].id)
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["demo"].id)  # demo: no tie
    boards.record_paper_reaction(session=session, actor=t["anna"], board_slug="bieb", code=t["p3"].short_code)
    session.expunge(t["p1"]), session.expunge(t["p3"])  # as when a handler's session ends: ...
    assert t["p1"].first_reaction_at == first.created_at and t["p3"].first_reaction_at is not None  # ... readable
    session.add_all([t["p1"], t["p3"]])
    assert_live(session)

    assert session.get(Post, t["p1"].id).first_reaction_at == first.created_at
    assert session.get(Post, t["p3"].id).first_reaction_at is not None  # on paper
    assert session.get(Post, t["demo"].id).first_reaction_at is not None
    ann, bob, cas, gerda = t["ann"].id, t["bob"].id, t["cas"].id, -t["gerda"].id
    ann_bob = tuple(sorted((ann, bob)))
    everywhere = {ann_bob, tuple(sorted((ann, cas))), (gerda, cas)}  # Cas meets Gerda, not Anna
    assert pairs(session, EVERYWHERE, 0) == everywhere
    assert pairs(session, MUNICIPALITY, t["leiden"].id) == everywhere
    assert pairs(session, WIJK, t["merenwijk"].id) == everywhere  # Ann and Bob first about p1 ...
    assert pairs(session, WIJK, t["stevenshof"].id) == {ann_bob}  # ... and again about p2


def test_a_post_moved_matched_closed_or_deleted_keeps_the_facts_live(session, town):
    t = town
    messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    boards.record_paper_reaction(session=session, actor=t["anna"], board_slug="bieb", code=t["p3"].short_code)
    posts.update_post(session=session, actor=t["ann"], post_id=t["p1"].id, title="Wie helpt met de heg?",
                      body="Een uurtje snoeien.", neighbourhood_slug="stevenshof")
    assert_live(session)
    assert pairs(session, WIJK, t["merenwijk"].id) == set()
    assert pairs(session, WIJK, t["stevenshof"].id) == {tuple(sorted((t["ann"].id, t["bob"].id)))}

    posts.mark_matched(session=session, actor=t["ann"], post_id=t["p1"].id)
    posts.close_post(session=session, actor=t["bob"], post_id=t["p2"].id)
    assert_live(session)

    posts.delete_post(session=session, actor=t["ann"], post_id=t["p3"].id)  # its paper reaction goes too
    assert_live(session)
    assert session.get(Post, t["p1"].id).first_reaction_at is not None


def test_consent_withdrawn_and_accounts_deleted_keep_the_facts_live(session, town):
    t = town
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["for_gerda"].id)
    messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    ambassador.update_neighbour(session=session, actor=t["anna"], neighbour_id=t["gerda"].id, first_name="Gerda",
                                neighbourhood_slug="merenwijk", contact_method="ambassador", consent_method="")
    assert_live(session)
    assert (-t["gerda"].id, t["cas"].id) in pairs(session, EVERYWHERE, 0)

    # Gerda took her post over with an account of her own (as ambassador.accept_invitation does),
    # then leaves: what Anna recorded about her goes, and Cas's tie is with Anna from then on.
    dora = make_member(session, t["merenwijk"], display_name="Gerda", password=PASSWORD)
    gerda = session.get(Neighbour, t["gerda"].id)
    gerda.account_id, gerda.joined_at = dora.id, utcnow()
    session.add(gerda)
    session.commit()
    accounts.delete_account(session=session, user=dora, password=PASSWORD)
    session.commit()
    assert_live(session)
    assert pairs(session, EVERYWHERE, 0) == {tuple(sorted((t["anna"].id, t["cas"].id))),
                                              tuple(sorted((t["ann"].id, t["bob"].id)))}

    accounts.delete_account(session=session, user=session.get(type(t["ann"]), t["ann"].id), password=PASSWORD)
    session.commit()
    assert_live(session)


def test_a_wijk_moved_to_another_municipality_by_the_reference_data_takes_its_first_contacts_along(session):
    from buuv_app.models import Municipality
    from buuv_app.services import seed

    elsewhere = make_municipality(session, slug="elders", name="Elders")
    wijk = make_neighbourhood(session, elsewhere, slug="merenwijk", name="Merenwijk")  # Leiden's, in places.toml
    asker, helper = make_member(session, wijk), make_member(session, wijk)
    request = make_post(session, author=asker, neighbourhood=wijk, category=make_category(session))
    messaging.start_conversation(session=session, user=helper, post_id=request.id)
    assert pairs(session, MUNICIPALITY, elsewhere.id)
    seed.load_reference_data(session=session)
    leiden = session.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    assert_live(session)
    assert pairs(session, MUNICIPALITY, elsewhere.id) == set()
    assert pairs(session, MUNICIPALITY, leiden.id) == {tuple(sorted((asker.id, helper.id)))}

"""Neighbours without an account: registered by an ambassador, who posts for them with their consent;
contact details stay with that ambassador and the municipality's professionals; an account later."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from buuv_app.errors import InvalidToken, NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.models import Neighbour, Post, User, utcnow
from buuv_app.services import accounts, ambassador, mail, messaging, posts, throttle
from buuv_app.services.permissions import Action, allowed
from tests.factories import count_rows, make_category, make_member, make_municipality, make_neighbourhood

PHONE = "071 512 34 56"
PHONE_DIGITS = "0715123456"
PASSWORD = "een lange zin om te onthouden"


@pytest.fixture
def place(session):
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    leiderdorp = make_municipality(session, slug="leiderdorp", name="Leiderdorp")
    make_category(session, slug="boodschappen")
    return {
        "leiden": leiden, "leiderdorp": leiderdorp,
        "merenwijk": make_neighbourhood(session, leiden, slug="merenwijk", name="Merenwijk"),
        "oude-dorp": make_neighbourhood(session, leiderdorp, slug="oude-dorp", name="Oude Dorp"),
    }


@pytest.fixture
def people(session, place):
    long_ago = utcnow() - timedelta(days=30)
    home = place["merenwijk"]
    return {
        "anna": make_member(session, home, display_name="Anna", role="ambassador", created_at=long_ago),
        "bert": make_member(session, home, display_name="Bert", role="ambassador", created_at=long_ago),
        "resident": make_member(session, home, display_name="Henk", created_at=long_ago),
        "professional": make_member(session, home, display_name="Petra", role="professional",
                                    municipality_id=place["leiden"].id),
        "far_professional": make_member(session, home, display_name="Paul", role="professional",
                                        municipality_id=place["leiderdorp"].id),
        "admin": make_member(session, home, display_name="Ada", role="admin"),
    }


def register(session, actor, **overrides) -> int:
    values = dict(first_name="Truus", neighbourhood_slug="merenwijk", contact_method="phone",
                  phone=" 071  512 34 56 ", consent_method="verbal")
    return ambassador.create_neighbour(session=session, actor=actor, **(values | overrides)).neighbour_id


def post_for(session, actor, neighbour_id, **overrides) -> Post:
    values = dict(kind="request", title="Wie doet boodschappen voor Truus?", body="Op vrijdag, graag.",
                  category_slug="boodschappen", neighbourhood_slug="merenwijk")
    return ambassador.create_post_for_neighbour(session=session, actor=actor, neighbour_id=neighbour_id,
                                                **(values | overrides))


def snapshot(session) -> list:
    session.expire_all()
    rows = session.exec(select(Neighbour).order_by(Neighbour.id)).all()
    return ([(n.first_name, n.phone, n.contact_method, n.consent_method, n.account_id) for n in rows],
            [(p.id, p.title, p.status, p.author_id) for p in session.exec(select(Post)).all()])


# --- the rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [("resident", False), ("ambassador", True), ("professional", True),
                                                 ("admin", True)])
def test_acting_as_ambassador_is_for_ambassadors_professionals_and_admins(session, place, role, expected):
    extra = {"municipality_id": place["leiden"].id} if role == "professional" else {}
    assert allowed(make_member(session, place["merenwijk"], role=role, **extra), Action.ACT_AS_AMBASSADOR) is expected


def test_an_unconfirmed_or_deleted_ambassador_may_not_act(session, place):
    unconfirmed = make_member(session, place["merenwijk"], role="ambassador", email_verified_at=None)
    deleted = make_member(session, place["merenwijk"], role="ambassador", deleted_at=utcnow())
    assert not allowed(unconfirmed, Action.ACT_AS_AMBASSADOR) and not allowed(deleted, Action.ACT_AS_AMBASSADOR)


# --- registering ----------------------------------------------------------------------------

def test_an_ambassador_registers_a_neighbour_with_consent(session, people):
    neighbour = session.get(Neighbour, register(session, people["anna"], consent_given_on=date.today() - timedelta(days=2)))
    assert (neighbour.first_name, neighbour.phone, neighbour.ambassador_id) == ("Truus", PHONE, people["anna"].id)
    assert neighbour.consent_method == "verbal" and neighbour.consent_given_on == date.today() - timedelta(days=2)
    assert neighbour.consent_recorded_by_id == people["anna"].id and neighbour.consent_recorded_at is not None


def test_only_the_detail_the_chosen_way_of_contact_needs_is_kept(session, people):
    neighbour_id = register(session, people["anna"], contact_method="ambassador", board_location="Bieb")
    neighbour = session.get(Neighbour, neighbour_id)
    assert (neighbour.phone, neighbour.board_location) == (None, None)
    board = session.get(Neighbour, register(session, people["anna"], contact_method="board",
                                            board_location="  Bibliotheek   Merenwijk "))
    assert (board.phone, board.board_location) == (None, "Bibliotheek Merenwijk")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"first_name": "  "}, "first_name"),
    ({"first_name": "x" * 61}, "first_name"),
    ({"first_name": "<script>"}, "first_name"),
    ({"neighbourhood_slug": "atlantis"}, "neighbourhood"),
    ({"contact_method": "duif"}, "contact_method"),
    ({"phone": "bel me"}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"phone": "071 512 34 56 71 512 34"}, "phone"),
    ({"contact_method": "board", "board_location": ""}, "board_location"),
    ({"consent_method": "handdruk"}, "consent_method"),
    ({"consent_given_on": date.today() + timedelta(days=2)}, "consent_given_on"),  # two: the list is made at collection, maybe before midnight
])
def test_bad_neighbour_input_names_the_field_and_saves_nothing(session, people, overrides, field):
    with pytest.raises(ValidationError) as error:
        register(session, people["anna"], **overrides)
    assert error.value.field == field
    assert count_rows(session, Neighbour) == 0


def test_a_resident_cannot_register_or_list_neighbours(session, people, caplog):
    with caplog.at_level(logging.WARNING, logger="buuv.security"):
        with pytest.raises(PermissionDenied):
            register(session, people["resident"])
        with pytest.raises(PermissionDenied):
            ambassador.list_my_neighbours(session=session, actor=people["resident"])
        with pytest.raises(PermissionDenied):
            ambassador.dashboard(session=session, actor=people["resident"])
    assert count_rows(session, Neighbour) == 0
    assert f"user={people['resident'].id}" in caplog.text


def test_withdrawn_consent_closes_the_neighbours_open_posts(session, people):
    neighbour_id = register(session, people["anna"])
    post = post_for(session, people["anna"], neighbour_id)
    saved = ambassador.update_neighbour(session=session, actor=people["anna"], neighbour_id=neighbour_id,
                                        first_name="Truus", neighbourhood_slug="merenwijk",
                                        contact_method="ambassador", consent_method="")
    assert saved.closed_posts == 1
    session.expire_all()
    assert session.get(Post, post.id).status == "closed"
    assert not session.get(Neighbour, neighbour_id).has_consent


# --- another ambassador's neighbour ---------------------------------------------------------

def test_an_ambassador_cannot_act_on_another_ambassadors_neighbour(session, people, caplog):
    neighbour_id = register(session, people["anna"])
    post = post_for(session, people["anna"], neighbour_id)
    before = snapshot(session)
    bert = people["bert"]
    with caplog.at_level(logging.WARNING, logger="buuv.security"):
        with pytest.raises(PermissionDenied):
            ambassador.get_neighbour(session=session, actor=bert, neighbour_id=neighbour_id)
        with pytest.raises(PermissionDenied):
            ambassador.update_neighbour(session=session, actor=bert, neighbour_id=neighbour_id, first_name="Gekaapt",
                                        neighbourhood_slug="merenwijk", contact_method="ambassador")
        with pytest.raises(PermissionDenied):
            post_for(session, bert, neighbour_id)
        with pytest.raises(PermissionDenied):
            ambassador.invite_neighbour(session=session, actor=bert, neighbour_id=neighbour_id, email="t@example.org")
        with pytest.raises(PermissionDenied):
            posts.mark_matched(session=session, actor=bert, post_id=post.id)
        with pytest.raises(PermissionDenied):
            posts.close_post(session=session, actor=bert, post_id=post.id)
    assert snapshot(session) == before
    assert ambassador.list_my_neighbours(session=session, actor=bert) == []
    assert f"neighbour={neighbour_id}" in caplog.text


def test_a_neighbour_that_does_not_exist_is_not_found(session, people):
    with pytest.raises(NotFound):
        ambassador.get_neighbour(session=session, actor=people["anna"], neighbour_id=424242)
    with pytest.raises(NotFound):
        post_for(session, people["anna"], 424242)


def test_contact_details_are_for_the_ambassador_and_the_municipalitys_professionals_only(session, people):
    neighbour_id = register(session, people["anna"])
    assert ambassador.get_neighbour(session=session, actor=people["anna"], neighbour_id=neighbour_id).phone == PHONE
    seen = ambassador.get_neighbour(session=session, actor=people["professional"], neighbour_id=neighbour_id)
    assert (seen.phone, seen.ambassador_name) == (PHONE, "Anna")
    assert [n.phone for n in ambassador.list_municipality_neighbours(session=session, actor=people["professional"])] == [PHONE]
    for outsider in ("far_professional", "admin", "bert", "resident"):
        with pytest.raises(PermissionDenied):
            ambassador.get_neighbour(session=session, actor=people[outsider], neighbour_id=neighbour_id)
    assert ambassador.list_municipality_neighbours(session=session, actor=people["far_professional"]) == []
    with pytest.raises(PermissionDenied):
        ambassador.list_municipality_neighbours(session=session, actor=people["anna"])


# --- posting for a neighbour ----------------------------------------------------------------

def test_posting_for_a_neighbour_records_neighbour_and_ambassador_and_shows_the_first_name(session, people):
    neighbour_id = register(session, people["anna"])
    post = post_for(session, people["anna"], neighbour_id)
    assert (post.neighbour_id, post.ambassador_id, post.author_id) == (neighbour_id, people["anna"].id, people["anna"].id)
    detail = posts.get_post_detail(session=session, post_id=post.id)
    assert (detail.author_name, detail.via_ambassador) == ("Truus", "Anna")
    [card] = posts.list_open_posts(session=session)
    assert (card.author_name, card.via_ambassador) == ("Truus", "Anna")
    assert PHONE not in repr(detail) and PHONE not in repr(card)


def test_a_neighbour_without_an_account_has_no_profile_link_but_the_ambassador_has(session, people):
    post = post_for(session, people["anna"], register(session, people["anna"]))
    detail = posts.get_post_detail(session=session, post_id=post.id)
    assert (detail.author_profile_id, detail.ambassador_profile_id) == (None, people["anna"].id)
    ordinary = posts.create_post(session=session, author=people["resident"], kind="offer", title="Ladder te leen",
                                 body="Drie meter.", category_slug="boodschappen", neighbourhood_slug="merenwijk")
    detail = posts.get_post_detail(session=session, post_id=ordinary.id)
    assert (detail.author_profile_id, detail.ambassador_profile_id) == (people["resident"].id, None)


def test_an_ordinary_post_has_no_ambassador(session, people):
    post = posts.create_post(session=session, author=people["resident"], kind="offer", title="Ladder te leen",
                             body="Drie meter.", category_slug="boodschappen", neighbourhood_slug="merenwijk")
    detail = posts.get_post_detail(session=session, post_id=post.id)
    assert (detail.author_name, detail.via_ambassador, post.neighbour_id) == ("Henk", "", None)


def test_posting_for_a_neighbour_without_recorded_consent_is_refused(session, people):
    neighbour_id = register(session, people["anna"], consent_method="")
    with pytest.raises(ValidationError) as error:
        post_for(session, people["anna"], neighbour_id)
    assert error.value.field == "for_whom" and "toestemming" in error.value.message
    assert count_rows(session, Post) == 0
    assert ambassador.neighbour_choices(session=session, actor=people["anna"]) == []


def test_a_resident_cannot_post_for_a_neighbour(session, people):
    neighbour_id = register(session, people["anna"])
    with pytest.raises(PermissionDenied):
        post_for(session, people["resident"], neighbour_id)
    assert count_rows(session, Post) == 0
    assert ambassador.neighbour_choices(session=session, actor=people["resident"]) == []


def test_the_choices_hold_consenting_neighbours_without_contact_details(session, people):
    register(session, people["anna"], first_name="Truus")
    register(session, people["anna"], first_name="Wim", consent_method="")
    register(session, people["bert"], first_name="Greet")
    [choice] = ambassador.neighbour_choices(session=session, actor=people["anna"])
    assert (choice.first_name, choice.neighbourhood_slug) == ("Truus", "merenwijk")
    assert not hasattr(choice, "phone")


def test_replies_reach_the_ambassador_labelled_with_the_neighbour_who_records_the_outcome(session, people):
    anna, henk = people["anna"], people["resident"]
    post = post_for(session, anna, register(session, anna))
    conversation = messaging.start_conversation(session=session, user=henk, post_id=post.id)
    assert conversation.contact_id == anna.id
    messaging.send_message(session=session, user=henk, conversation_id=conversation.id, client_id="henk-device-0001",
                           body="Ik kan vrijdag voor Truus gaan.")
    [item] = messaging.list_inbox(session=session, user=anna)
    assert (item.other_name, item.neighbour_name, item.unread) == ("Henk", "Truus", 1)
    assert messaging.open_conversation(session=session, user=anna, conversation_id=conversation.id).neighbour_name == "Truus"
    # The responder is not shown the label (nor anything else about the neighbour).
    assert messaging.list_inbox(session=session, user=henk)[0].neighbour_name == ""
    [waiting] = ambassador.list_waiting_conversations(session=session, actor=anna)
    assert (waiting.neighbour_name, waiting.other_name, waiting.last_message) == (
        "Truus", "Henk", "Ik kan vrijdag voor Truus gaan.")
    messaging.send_message(session=session, user=anna, conversation_id=conversation.id, client_id="anna-device-0001",
                           body="Fijn, ik laat het Truus weten.")
    assert ambassador.list_waiting_conversations(session=session, actor=anna) == []
    posts.mark_matched(session=session, actor=anna, post_id=post.id, helped_by="Henk")
    assert session.get(Post, post.id).status == "matched"


def test_the_dashboard_lists_open_and_expiring_posts_for_my_neighbours(session, people):
    anna = people["anna"]
    neighbour_id = register(session, anna)
    fresh = post_for(session, anna, neighbour_id, title="Vers")
    old = post_for(session, anna, neighbour_id, title="Bijna weg")
    old.expires_at = utcnow() + timedelta(days=1)
    session.add(old)
    session.commit()
    post_for(session, people["bert"], register(session, people["bert"], first_name="Greet"), title="Van Bert")
    board = ambassador.dashboard(session=session, actor=anna)
    assert [p.title for p in board.open_posts] == ["Bijna weg", "Vers"]
    assert [p.title for p in board.expiring] == ["Bijna weg"]
    assert [(n.first_name, n.open_posts) for n in board.neighbours] == [("Truus", 2)]
    assert board.board_posts == [] and board.municipality_neighbours == []
    assert fresh.id in {p.id for p in board.open_posts}
    assert len(ambassador.dashboard(session=session, actor=people["professional"]).municipality_neighbours) == 2


def test_the_dashboard_shows_the_open_posts_on_the_boards_i_keep(session, people, place):
    from buuv_app.models import BoardAmbassador, BoardLocation, BoardNeighbourhood

    board = BoardLocation(slug="bieb-merenwijk", name="Bibliotheek Merenwijk", address="Kaarsenmakerstraat 1",
                          municipality_id=place["leiden"].id)
    session.add(board)
    session.commit()
    session.add_all([BoardNeighbourhood(board_id=board.id, neighbourhood_id=place["merenwijk"].id),
                     BoardAmbassador(board_id=board.id, user_id=people["anna"].id)])
    session.commit()
    on_board = posts.create_post(session=session, author=people["resident"], kind="offer", title="Ik lees voor",
                                 body="Op dinsdag.", category_slug="boodschappen", neighbourhood_slug="merenwijk")
    posts.create_post(session=session, author=people["resident"], kind="offer", title="Elders",
                      body="In Leiderdorp.", category_slug="boodschappen", neighbourhood_slug="oude-dorp")
    assert [p.id for p in ambassador.dashboard(session=session, actor=people["anna"]).board_posts] == [on_board.id]
    assert ambassador.dashboard(session=session, actor=people["bert"]).board_posts == []  # keeps no board


# --- an account of their own ----------------------------------------------------------------

def _invitation_token(session, to: str) -> str:
    body = mail.list_outbox(session=session, to=to)[0].body
    assert "/uitnodiging?token=" in body
    return re.search(r"token=([\w-]+)", body).group(1)


def test_a_neighbour_gets_an_account_and_keeps_their_posts(session, people):
    anna = people["anna"]
    neighbour_id = register(session, anna)
    post = post_for(session, anna, neighbour_id)
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="Truus@Example.org")
    assert ambassador.get_neighbour(session=session, actor=anna, neighbour_id=neighbour_id).account_status == "invited"
    token = _invitation_token(session, "truus@example.org")
    info = ambassador.check_invitation(session=session, token=token)
    assert (info.first_name, info.ambassador_name, info.has_account) == ("Truus", "Anna", False)

    with pytest.raises(ValidationError) as error:
        ambassador.accept_invitation(session=session, token=token, password=PASSWORD, accepted_terms=False,
                                     confirmed_16_plus=True)
    assert error.value.field == "accepted_terms"
    result = ambassador.accept_invitation(session=session, token=token, password=PASSWORD, accepted_terms=True,
                                          confirmed_16_plus=True)
    truus = result.user
    assert truus.is_active and truus.email == "truus@example.org" and truus.display_name == "Truus"
    session.expire_all()
    assert session.get(Post, post.id).author_id == truus.id
    detail = posts.get_post_detail(session=session, post_id=post.id)
    assert (detail.author_name, detail.via_ambassador) == ("Truus", "Anna")
    assert accounts.log_in(session=session, email="truus@example.org", password=PASSWORD, ip=None).user.id == truus.id
    # The link works once; the ambassador no longer posts for her.
    with pytest.raises(InvalidToken):
        ambassador.check_invitation(session=session, token=token)
    with pytest.raises(ValidationError):
        post_for(session, anna, neighbour_id)
    assert ambassador.get_neighbour(session=session, actor=anna, neighbour_id=neighbour_id).account_status == "joined"
    # Her own export holds what the ambassador recorded about her.
    export = accounts.export_data(session=session, user=session.get(User, truus.id))
    [record] = export["registered_by_an_ambassador"]
    assert (record["phone"], record["ambassador"], record["consent_given_how"]) == (PHONE, "Anna", "verbal")


def test_accepting_an_invitation_is_throttled_before_the_password_is_checked(session, people, place):
    anna = people["anna"]
    make_member(session, place["merenwijk"], email="truus@example.org", password=PASSWORD)
    neighbour_id = register(session, anna)
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="truus@example.org")
    token = _invitation_token(session, "truus@example.org")
    for _ in range(throttle.PASSWORD_LIMIT):
        with pytest.raises(ValidationError):
            ambassador.accept_invitation(session=session, token=token, password="raden maar", ip="6.6.6.6")
    with pytest.raises(Throttled):  # even the right password is not checked now
        ambassador.accept_invitation(session=session, token=token, password=PASSWORD, ip="7.7.7.7")
    assert ambassador.check_invitation(session=session, token=token).has_account  # still open


def test_an_existing_member_takes_the_posts_over_with_their_own_password(session, people, place):
    anna = people["anna"]
    member = make_member(session, place["merenwijk"], email="truus@example.org", display_name="Truus B.")
    neighbour_id = register(session, anna)
    post = post_for(session, anna, neighbour_id)
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="truus@example.org")
    token = _invitation_token(session, "truus@example.org")
    assert ambassador.check_invitation(session=session, token=token).has_account
    with pytest.raises(ValidationError):
        ambassador.accept_invitation(session=session, token=token, password="verkeerd wachtwoord")
    assert session.get(Post, post.id).author_id == anna.id
    ambassador.accept_invitation(session=session, token=token, password=PASSWORD)
    session.expire_all()
    assert session.get(Post, post.id).author_id == member.id
    assert count_rows(session, User) == len(people) + 1  # nobody new


def test_an_invitation_needs_consent_a_real_address_and_not_your_own(session, people):
    anna = people["anna"]
    without = register(session, anna, consent_method="")
    with pytest.raises(ValidationError):
        ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=without, email="t@example.org")
    with_consent = register(session, anna)
    for address in ("geen-adres", anna.email):
        with pytest.raises(ValidationError):
            ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=with_consent, email=address)
    assert mail.list_outbox(session=session) == []
    with pytest.raises(PermissionDenied):
        ambassador.invite_neighbour(session=session, actor=people["resident"], neighbour_id=with_consent,
                                    email="t@example.org")


def test_a_forged_or_withdrawn_invitation_is_refused(session, people):
    anna = people["anna"]
    neighbour_id = register(session, anna)
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="oud@example.org")
    old_token = _invitation_token(session, "oud@example.org")
    # A second invitation to another address: the first link no longer takes anything over.
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="nieuw@example.org")
    for token in (old_token, "verzonnen", ""):
        with pytest.raises(InvalidToken):
            ambassador.accept_invitation(session=session, token=token, password=PASSWORD, accepted_terms=True,
                                         confirmed_16_plus=True)


# --- nowhere else -----------------------------------------------------------------------------

def test_contact_details_are_in_nobody_elses_data_export(session, people):
    anna, henk = people["anna"], people["resident"]
    post = post_for(session, anna, register(session, anna))
    conversation = messaging.start_conversation(session=session, user=henk, post_id=post.id)
    messaging.send_message(session=session, user=henk, conversation_id=conversation.id, client_id="henk-device-0002",
                           body="Ik help graag.")
    for person in people.values():
        exported = json.dumps(accounts.export_data(session=session, user=person))
        assert PHONE not in exported and PHONE_DIGITS not in exported
    ambassador_export = accounts.export_data(session=session, user=anna)
    assert ambassador_export["posts"][0]["placed_through_an_ambassador_for"] == "Truus"
    assert ambassador_export["registered_by_an_ambassador"] == []


def test_leaving_buuv_erases_what_the_ambassador_recorded(session, people):
    anna = people["anna"]
    neighbour_id = register(session, anna)
    post_for(session, anna, neighbour_id)
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="truus@example.org")
    result = ambassador.accept_invitation(session=session, token=_invitation_token(session, "truus@example.org"),
                                          password=PASSWORD, accepted_terms=True, confirmed_16_plus=True)
    accounts.delete_account(session=session, user=session.get(User, result.user.id), password=PASSWORD)
    session.expire_all()
    assert session.get(Neighbour, neighbour_id) is None
    assert count_rows(session, Post) == 0


# --- the handlers -----------------------------------------------------------------------------

def _own_handlers(state) -> dict:
    from buuv_app.state.base import AppState

    inherited = set(AppState.event_handlers)
    return {name: h.fn for name, h in state.event_handlers.items()
            if name not in inherited and name not in ("setvar",)}


def test_every_ambassador_handler_is_guarded_by_act_as_ambassador():
    from buuv_app.state.access import access_of
    from buuv_app.state.ambassador import AmbassadorState, InvitationState, NeighbourFormState
    from buuv_app.state.post import NewPostState

    handlers = {**{f"AmbassadorState.{n}": fn for n, fn in _own_handlers(AmbassadorState).items()},
                **{f"NeighbourFormState.{n}": fn for n, fn in _own_handlers(NeighbourFormState).items()},
                "NewPostState.choose_for_whom": NewPostState.event_handlers["choose_for_whom"].fn}
    assert set(handlers) == {"AmbassadorState.load_dashboard", "NeighbourFormState.load_neighbour_form",
                             "NeighbourFormState.choose_contact_method", "NeighbourFormState.save_neighbour",
                             "NeighbourFormState.invite_neighbour", "NewPostState.choose_for_whom"}
    assert {name: access_of(fn) for name, fn in handlers.items()} == dict.fromkeys(handlers, Action.ACT_AS_AMBASSADOR)
    # The invitation is opened by someone without an account yet: public, and the mailed token decides.
    assert {access_of(fn) for fn in _own_handlers(InvitationState).values()} == {"public"}


def test_a_neighbour_taking_their_posts_over_keeps_the_figures_day_facts_live(session, people):
    """Their posts become their own deeds on their days (and no longer the ambassador's): the day
    facts of the back office's figures equal a rebuild (services/stats_facts.py)."""
    from buuv_app.services import stats_facts
    from tests.unit.test_stats_facts import stored_days

    anna = people["anna"]
    neighbour_id = register(session, anna)
    post_for(session, anna, neighbour_id)
    ambassador.invite_neighbour(session=session, actor=anna, neighbour_id=neighbour_id, email="Truus@Example.org")
    ambassador.accept_invitation(session=session, token=_invitation_token(session, "truus@example.org"),
                                 password=PASSWORD, accepted_terms=True, confirmed_16_plus=True)
    kept = stored_days(session)
    stats_facts.rebuild(session=session)
    session.commit()
    assert stored_days(session) == kept

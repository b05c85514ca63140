"""Neighbours without an account, attacked over the websocket and HTTP.

A resident calling ambassador handlers, or an ambassador calling them on another ambassador's
neighbour, is refused and changes nothing; a neighbour's phone number reaches no resident: not in
public pages, not in the state sent to their browser, not through /api, not in their export.
Each refusal has a positive control (the neighbour's own ambassador does see and change it).
"""

from __future__ import annotations

import base64
import re

import httpx
import pytest
from sqlmodel import Session, select

from buuv_app.models import Neighbour, OutboxMail, Post, User, UserToken
from buuv_app.services import ambassador, codes, messaging
from buuv_app.state.account import AccountState
from buuv_app.state.ambassador import AmbassadorState, InvitationState, NeighbourFormState
from buuv_app.state.browse import HomeState
from buuv_app.state.feed import FeedState
from buuv_app.state.messaging import ConversationState, InboxState, ReplyState
from buuv_app.state.post import NewPostState, PostState
from tests.e2e.auth import create_member, unique_email
from tests.security.client import HostileClient, delta_value
from tests.security import hostile
from tests.security.hostile import connect, handler

pytestmark = pytest.mark.security

PHONE = "06 1234 5678"
PHONE_DIGITS = "0612345678"
TITLE = "Wie helpt Truus met de vuilniszakken?"

# Every handler an ambassador uses, with a payload that would do harm if it were obeyed.
AMBASSADOR_CALLS = [
    (AmbassadorState, "load_dashboard", {}),
    (NeighbourFormState, "load_neighbour_form", {}),
    (NeighbourFormState, "choose_contact_method", {"method": "phone"}),
    (NeighbourFormState, "save_neighbour", {"form": {"first_name": "Gekaapt", "neighbourhood": "merenwijk",
                                                     "consent_method": "verbal"}}),
    (NeighbourFormState, "invite_neighbour", {"form": {"email": "kaper@example.org"}}),
    (NewPostState, "choose_for_whom", {"neighbour_id": 0}),
]


def snapshot(db: Session) -> dict:
    db.rollback()
    return {
        "neighbours": [(n.id, n.first_name, n.phone, n.contact_method, n.consent_method, n.account_id, n.ambassador_id)
                       for n in db.exec(select(Neighbour).order_by(Neighbour.id)).all()],
        "posts": [(p.id, p.title, p.status, p.author_id, p.neighbour_id)
                  for p in db.exec(select(Post).order_by(Post.id)).all()],
        "users": [(u.id, u.email, u.role) for u in db.exec(select(User).order_by(User.id)).all()],
        "tokens": len(db.exec(select(UserToken)).all()),
        "mails": len(db.exec(select(OutboxMail)).all()),
    }


@pytest.fixture
def ward(app_db):
    """Anna, an ambassador, with her neighbour Truus (phone, consent) and a request for her that
    Henk, a resident, has replied to; Bert is another ambassador; Mallory a resident."""
    anna = create_member(app_db, email=unique_email("anna"), display_name="Anna", role="ambassador")
    bert = create_member(app_db, email=unique_email("bert"), display_name="Bert", role="ambassador")
    mallory = create_member(app_db, email=unique_email("mallory"), display_name="Mallory")
    truus = ambassador.create_neighbour(
        session=app_db, actor=anna, first_name="Truus", neighbourhood_slug="merenwijk", contact_method="phone",
        phone=PHONE, consent_method="verbal").neighbour_id
    post = ambassador.create_post_for_neighbour(
        session=app_db, actor=anna, neighbour_id=truus, kind="request", title=TITLE,
        body="Elke dinsdag naar de container.", category_slug="klussen", neighbourhood_slug="merenwijk")
    conversation = messaging.start_conversation(session=app_db, user=mallory, post_id=post.id)
    messaging.send_message(session=app_db, user=mallory, conversation_id=conversation.id,
                           client_id="mallory-device-77", body="Ik kan dinsdag!")
    return {"anna": anna, "bert": bert, "mallory": mallory, "truus": truus, "post": post,
            "conversation": conversation}


def logged_in(app_url: str, user: User) -> HostileClient:
    return hostile.logged_in(app_url, user.email)


def neighbour_page(neighbour_id: int) -> dict:
    return {"path": f"/ambassadeur/buur/{neighbour_id}", "query": {"neighbour_id": str(neighbour_id)}}


def saw_phone(client: HostileClient) -> bool:
    return client.saw(PHONE) or client.saw(PHONE_DIGITS)


def exported(updates) -> str:
    """The JSON of a data download (rx.download sends it base64-encoded in a data: URL)."""
    found = re.search(r"data:application/json;base64,([A-Za-z0-9+/=]+)", "".join(u.text for u in updates))
    assert found, "no download in the answer"
    return base64.b64decode(found.group(1)).decode("utf-8")


def _attack(client: HostileClient, neighbour_id: int) -> list[str]:
    """Call every ambassador handler aimed at `neighbour_id`; returns what the server said."""
    said = []
    for state, name, payload in AMBASSADOR_CALLS:
        payload = {"neighbour_id": neighbour_id} if name == "choose_for_whom" else payload
        updates = client.call(handler(state, name), payload, **neighbour_page(neighbour_id))
        said.append("".join(u.text for u in updates))
    # Forge the state's ids through setvar (refused: there is no setter) and place posts "for" Truus.
    client.call(handler(NeighbourFormState, "setvar"), {"var_name": "neighbour_id", "value": neighbour_id})
    client.call(handler(NeighbourFormState, "save_neighbour"),
                {"form": {"first_name": "Gekaapt", "neighbourhood": "merenwijk", "consent_method": ""}},
                **neighbour_page(neighbour_id))
    client.call(handler(NewPostState, "start"), path="/hulp/nieuw", query={"voor": str(neighbour_id)})
    client.call(handler(NewPostState, "setvar"), {"var_name": "for_whom", "value": neighbour_id})
    client.call(handler(NewPostState, "choose_category"), {"slug": "klussen"}, path="/hulp/nieuw")
    return said


def test_a_resident_calling_ambassador_handlers_is_refused_and_nothing_changes(app_url, ward, app_db):
    before = snapshot(app_db)
    mallory = logged_in(app_url, ward["mallory"])
    try:
        said = _attack(mallory, ward["truus"])
        for (state, name, _), text in zip(AMBASSADOR_CALLS, said):
            assert "Dat mag je niet doen" in text, f"{state.__name__}.{name} did not refuse a resident"
        mallory.call(handler(NewPostState, "create"), {"form": {"title": "Nep", "body": "Voor Truus?",
                                                                "neighbourhood": "merenwijk"}}, path="/hulp/nieuw")
        assert not saw_phone(mallory)
        refused = mallory.call(handler(AmbassadorState, "load_dashboard"))
        assert "Dat mag je niet doen" in "".join(u.text for u in refused)
        assert not delta_value(refused, "neighbours")
    finally:
        mallory.close()
    after = snapshot(app_db)
    # Her "create" placed an ordinary post of her own (that is allowed); nothing for Truus.
    new_posts = [p for p in after["posts"] if p not in before["posts"]]
    assert all(author == ward["mallory"].id and neighbour is None for _, _, _, author, neighbour in new_posts)
    assert {k: v for k, v in after.items() if k != "posts"} == {k: v for k, v in before.items() if k != "posts"}
    assert [p for p in after["posts"] if p in before["posts"]] == before["posts"]


def test_an_anonymous_client_calling_ambassador_handlers_changes_nothing(app_url, ward, app_db):
    before = snapshot(app_db)
    client = connect(app_url)
    try:
        _attack(client, ward["truus"])
        assert not saw_phone(client)
    finally:
        client.close()
    assert snapshot(app_db) == before


def test_an_ambassador_cannot_act_on_another_ambassadors_neighbour(app_url, ward, app_db):
    before = snapshot(app_db)
    bert = logged_in(app_url, ward["bert"])
    try:
        _attack(bert, ward["truus"])
        updates = bert.call(handler(NeighbourFormState, "load_neighbour_form"), **neighbour_page(ward["truus"]))
        assert delta_value(updates, "found") is False
        bert.call(handler(NewPostState, "create"), {"form": {"title": "Nep", "body": "Voor Truus?",
                                                             "neighbourhood": "merenwijk"}}, path="/hulp/nieuw")
        dashboard = bert.call(handler(AmbassadorState, "load_dashboard"), path="/ambassadeur")
        assert delta_value(dashboard, "neighbours") == []
        assert not saw_phone(bert) and not bert.saw("Truus")
    finally:
        bert.close()
    after = snapshot(app_db)
    assert after["neighbours"] == before["neighbours"] and after["tokens"] == before["tokens"]
    assert after["mails"] == before["mails"]
    assert all(neighbour is None for *_, neighbour in after["posts"][len(before["posts"]):])


def test_the_neighbours_own_ambassador_does_see_and_change_them(app_url, ward, app_db):
    """The positive control for the refusals above: the same calls work for Anna."""
    anna = logged_in(app_url, ward["anna"])
    try:
        anna.call(handler(AmbassadorState, "load_dashboard"), path="/ambassadeur")
        assert anna.saw(PHONE)
        page = neighbour_page(ward["truus"])
        updates = anna.call(handler(NeighbourFormState, "load_neighbour_form"), **page)
        assert delta_value(updates, "phone") == PHONE
        anna.call(handler(NeighbourFormState, "choose_contact_method"), {"method": "ambassador"}, **page)
        anna.call(handler(NeighbourFormState, "save_neighbour"),
                  {"form": {"first_name": "Truus", "neighbourhood": "merenwijk", "consent_method": "verbal",
                            "consent_given_on": ""}}, **page)
    finally:
        anna.close()
    app_db.rollback()
    neighbour = app_db.get(Neighbour, ward["truus"])
    assert (neighbour.contact_method, neighbour.phone) == ("ambassador", None)


def test_a_neighbours_phone_number_reaches_no_resident(app_url, ward, app_db):
    post, conversation = ward["post"], ward["conversation"]
    post_page = {"path": f"/hulp/{post.id}", "query": {"post_id": str(post.id)}}
    conversation_page = {"path": f"/berichten/{conversation.id}", "query": {"conversation_id": str(conversation.id)}}
    code = codes.display(post.short_code)

    # Public pages, as HTML (the app shell) and through every parameterless /api route.
    with httpx.Client(base_url=app_url, timeout=20) as http:
        for path in ("/", "/hulp", f"/hulp/{post.id}", "/buurt/merenwijk", f"/c/{code}", "/ambassadeur",
                     f"/ambassadeur/buur/{ward['truus']}"):
            body = http.get(path, follow_redirects=True).text
            assert PHONE not in body and PHONE_DIGITS not in body, path
        from buuv_app.api import create_api

        for route in create_api().routes:
            if "{" not in route.path:
                body = http.get(route.path).text
                assert PHONE not in body and PHONE_DIGITS not in body, route.path

    # The state deltas a resident (who replied to the post) and a visitor receive.
    for who in ("mallory", "visitor"):
        client = logged_in(app_url, ward["mallory"]) if who == "mallory" else connect(app_url)
        try:
            client.call(handler(HomeState, "load_home"))
            client.call(handler(FeedState, "load_browse"), path="/hulp", query={"q": "vuilniszakken"})
            client.call(handler(FeedState, "load_neighbourhood"), path="/buurt/merenwijk", query={"buurt": "merenwijk"})
            client.call(handler(PostState, "load_post"), **post_page)
            client.call(handler(PostState, "open_code"), path=f"/c/{code}", query={"code": code})
            client.call(handler(InvitationState, "check_invitation"), path="/uitnodiging", query={"token": "x"})
            if who == "mallory":
                client.call(handler(ReplyState, "reply"), {"post_id": post.id}, **post_page)
                client.call(handler(InboxState, "load_inbox"), path="/berichten")
                client.call(handler(ConversationState, "load_conversation"), **conversation_page)
                client.call(handler(AccountState, "load_account"), path="/account")
                export = exported(client.call(handler(AccountState, "download_data"), path="/account"))
                assert ward["mallory"].email in export  # the export did arrive: not a vacuous pass
                assert PHONE not in export and PHONE_DIGITS not in export
                client.call(handler(NewPostState, "start"), path="/hulp/nieuw",
                            query={"voor": str(ward["truus"])})
                assert client.saw("Ik kan dinsdag!")  # the conversation did load: not a vacuous pass
            assert client.saw(TITLE) and client.saw("Anna")  # the post, "geplaatst via ambassadeur Anna"
            assert not saw_phone(client), f"{who} received Truus's phone number"
        finally:
            client.close()

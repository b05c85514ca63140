"""Shared devices over the wire: when a session ends (logout, expiry, revocation) the tab's state on
the server keeps nothing of the member and nothing more is pushed to it; outbox items queued by
one member are never placed under another.

The hostile client here plays the browser of a shared computer: one websocket (one client token)
used first by Vera, then by whoever comes next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import delete, select

from buuv_app.models import AuthSession, LiveView, Message, Post, utcnow
from buuv_app.services import sessions
from buuv_app.state.account import AccountState, LoginState
from buuv_app.state.base import AppState
from buuv_app.state.messaging import ConversationState, InboxState
from buuv_app.state.outbox import PostOutboxState
from tests.e2e.auth import PASSWORD
from tests.security.client import HostileClient, delta_value, reconnect
from tests.security.hostile import handler, logged_in, offline_post, with_token

pytestmark = pytest.mark.security

SECRET = "Zonnebloemstraat"


def _as_vera(app_url, people, private_talk) -> tuple[HostileClient, str, dict]:
    """Vera logs in on the shared browser and reads her conversation and account page."""
    client = logged_in(app_url, people["victim"].email)
    token = client.session_token
    conversation = {"path": f"/berichten/{private_talk.id}", "query": {"conversation_id": str(private_talk.id)}}
    client.call(handler(AppState, "load_viewer"), **conversation)
    client.call(handler(ConversationState, "load_conversation"), **conversation)
    client.call(handler(AccountState, "load_account"), path="/account")
    client.call(handler(InboxState, "load_inbox"), path="/berichten")
    # The positive control: what must disappear was really there.
    assert client.saw(SECRET) and client.saw(people["victim"].email)
    return client, token, conversation


def _next_visitor_sees_nothing(client: HostileClient, people, conversation: dict, since: int) -> None:
    client.call(handler(AppState, "load_viewer"), path="/")
    client.call(handler(AppState, "load_viewer"), **conversation)
    client.call(handler(ConversationState, "load_conversation"), **conversation)
    client.call(handler(AccountState, "load_account"), path="/account")
    client.call(handler(InboxState, "load_inbox"), path="/berichten")
    later = "".join(client.received[since:])
    assert SECRET not in later and people["victim"].email not in later
    assert "Vera zoekt hulp" not in later


def _live_views(app_db, client_token: str) -> list:
    app_db.rollback()
    return app_db.exec(select(LiveView).where(LiveView.client_token == client_token)).all()


def test_after_logout_the_tab_keeps_nothing_of_the_member_on_the_server(app_url, people, private_talk, app_db):
    client, _, conversation = _as_vera(app_url, people, private_talk)
    try:
        assert _live_views(app_db, client.token)  # the tab was where new messages were pushed
        since = len(client.received)
        updates = client.call(handler(AppState, "log_out"), **conversation)
        # The logout's own answer empties the features' states (and says so to the browser).
        assert delta_value(updates, "messages") == [] and delta_value(updates, "email") == ""
        assert not _live_views(app_db, client.token)
        _next_visitor_sees_nothing(client, people, conversation, since)
    finally:
        client.close()


def _login_redirects(updates) -> list[str]:
    return [event["payload"]["path"] for update in updates for event in update.events
            if event.get("name") == "_redirect" and "/inloggen" in str(event["payload"].get("path"))]


def test_loads_a_logout_overtook_go_home_quietly_and_later_ones_ask_to_log_in(app_url, people, private_talk,
                                                                            app_db):
    """A tap on "Uitloggen" can reach the server before the page's own load events (the page was
    drawn from the state of an earlier visit). Those stale loads find nobody logged in: they must
    not send the visitor, just sent home, on to the login page (CI saw /inloggen?next=/account).
    A later visit to a members' page still asks to log in."""
    client, _, _ = _as_vera(app_url, people, private_talk)
    try:
        client.call(handler(AppState, "log_out"), path="/account")
        stale = client.call(handler(AccountState, "load_account"), path="/account")
        assert _login_redirects(stale) == [] and not client.saw("Log eerst in") and delta_value(stale, "email") in (None, "")
        client.call(handler(AppState, "load_viewer"), path="/")  # the home page the logout went to
        later = client.call(handler(AccountState, "load_account"), path="/account")
        assert _login_redirects(later) == ["/inloggen?next=%2Faccount"]
    finally:
        client.close()


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_a_session_that_ended_on_the_server_leaves_nothing_in_the_tab(app_url, people, private_talk, app_db,
                                                                      how):
    client, token, conversation = _as_vera(app_url, people, private_talk)
    try:
        app_db.rollback()
        auth = app_db.exec(select(AuthSession).where(AuthSession.token_hash == sessions.hash_token(token))).one()
        if how == "expired":
            auth.expires_at = auth.created_at  # long past
            app_db.add(auth)
        else:  # "log out everywhere", a password reset elsewhere
            app_db.exec(delete(AuthSession).where(AuthSession.id == auth.id))
        app_db.commit()
        since = len(client.received)
        # Any guarded handler finds out; the state it and every other feature held is emptied.
        client.call(handler(InboxState, "load_inbox"), path="/berichten")
        assert not _live_views(app_db, client.token)
        assert SECRET not in "".join(client.received[since:])
        _next_visitor_sees_nothing(client, people, conversation, since)
    finally:
        client.close()


def test_nothing_is_pushed_into_a_tab_after_its_member_logged_out(app_url, people, private_talk, app_db):
    client, _, conversation = _as_vera(app_url, people, private_talk)
    professional = HostileClient(app_url)
    try:
        client.call(handler(AppState, "log_out"), **conversation)
        since = len(client.received)
        sender = people["professional"]
        sender.created_at = utcnow() - timedelta(days=30)  # past the new-account limits
        app_db.add(sender)
        app_db.commit()
        updates = professional.call(handler(LoginState, "log_in"),
                                    {"form": {"email": people["professional"].email, "password": PASSWORD}},
                                    path="/inloggen")
        professional.session_token = delta_value(updates, "auth_token")
        professional.call(handler(ConversationState, "load_conversation"), **conversation)
        professional.call(handler(ConversationState, "send"),
                          {"form": {"client_id": "prof-device-0002", "message": "Nieuw geheim: Tulpstraat 9",
                                    "conversation_id": private_talk.id}}, **conversation)
        app_db.rollback()
        assert app_db.exec(select(Message).where(Message.body == "Nieuw geheim: Tulpstraat 9",
                                                 Message.conversation_id == private_talk.id)).one()
        # Vera's old tab is no longer where her messages go; whatever it receives has none of it.
        assert [t for t, _ in _vera_views(app_db, people)] == []
        client.call(handler(AppState, "ping"), {"marker": "after"}, path="/")
        assert "Tulpstraat" not in "".join(client.received[since:])
    finally:
        professional.close()
        client.close()


def _vera_views(app_db, people):
    from buuv_app.services import messaging

    app_db.rollback()
    return messaging.live_views(session=app_db, user_id=people["victim"].id)


def test_outbox_items_another_member_queued_are_never_sent_under_the_caller(mallory, people, private_talk, app_db):
    victim = people["victim"]
    vera_marker = sessions.device_marker(victim.id)
    mallory_marker = sessions.device_marker(people["mallory"].id)
    assert vera_marker != mallory_marker

    app_db.rollback()
    posts_before = len(app_db.exec(select(Post)).all())
    messages_before = len(app_db.exec(select(Message)).all())
    # Items Vera queued on the shared device, handed over while Mallory is logged in there.
    mallory.call(handler(PostOutboxState, "place"),
                 {"items": [offline_post("vera-post-0001", member=vera_marker),
                            offline_post("junk-marker-01", member={"id": victim.id}),
                            offline_post("junk-marker-02", member=""),]})
    mallory.call(handler(ConversationState, "resend"),
                 {"items": [{"client_id": "vera-device-0009", "message": "Van Vera", "conversation_id": private_talk.id,
                             "member": vera_marker}]})
    mallory.call(handler(ConversationState, "send"),
                 {"form": {"client_id": "vera-device-0010", "message": "Van Vera", "member": vera_marker}})
    app_db.rollback()
    assert len(app_db.exec(select(Post)).all()) == posts_before
    assert len(app_db.exec(select(Message)).all()) == messages_before
    assert not mallory.saw("confirmPosts") and not mallory.saw("failPost")

    # The positive control: her own item, with her own marker, is placed.
    mallory.call(handler(PostOutboxState, "place"), {"items": [offline_post("mallory-post-0009",
                                                                              member=mallory_marker)]})
    app_db.rollback()
    new = app_db.exec(select(Post).where(Post.client_id == "mallory-post-0009",
                                         Post.author_id == people["mallory"].id)).all()
    assert len(new) == 1


def test_logging_in_over_another_member_starts_from_an_empty_state(app_url, people, private_talk, app_db):
    client, _, conversation = _as_vera(app_url, people, private_talk)
    try:
        # Mallory logs in on the tab Vera left logged in (the login page is public).
        since = len(client.received)
        updates = client.call(handler(LoginState, "log_in"),
                              {"form": {"email": people["mallory"].email, "password": PASSWORD}}, path="/inloggen")
        client.session_token = delta_value(updates, "auth_token")
        assert client.session_token
        assert not _live_views(app_db, client.token)  # Vera's pushes no longer come here
        client.call(handler(AppState, "load_viewer"), path="/")
        client.call(handler(AppState, "load_viewer"), **conversation)
        client.call(handler(AccountState, "load_account"), path="/account")
        later = "".join(client.received[since:])
        assert SECRET not in later and people["victim"].email not in later
        assert people["mallory"].email in later  # the positive control: her own account page loaded
    finally:
        client.close()


def _hydrate(client: HostileClient, session_token: str | None, path: str = "/geen-pagina") -> None:
    """What a browser sends when its tab (re)connects: the cookie values it holds, then a ping.
    The snapshot carries the whole state whatever the page; an address without a page runs no
    on_load events after it, which could still be running when the next connection comes."""
    from reflex.state import State

    name = State.event_handlers["hydrate_and_load"]
    full = f"{State.get_full_name()}.{name.fn.__name__}"
    cookies = {f"{AppState.get_full_name()}.auth_token": session_token} if session_token else {}
    # Right after a reconnect with the same token the snapshot can go to the closed connection;
    # the browser then hydrates again, and so does this (until a snapshot has arrived).
    for attempt in range(10):
        since = len(client.received)
        client.send(full, {"vars": cookies}, path=path)
        client.call(handler(AppState, "ping"), {"marker": f"hydrated-{attempt}"}, path=path)
        if any("is_hydrated" in frame for frame in client.received[since:]):
            return
    raise AssertionError("no state snapshot arrived")


@pytest.mark.parametrize("ending", ["revoked", "cookie gone"])
def test_a_tab_that_reconnects_after_the_session_ended_is_sent_an_empty_state(app_url, people, private_talk,
                                                                              app_db, ending):
    vera, token, conversation = _as_vera(app_url, people, private_talk)
    vera.close()
    # The positive control: reconnecting with a live session brings her conversation back.
    again = reconnect(app_url, vera.token)
    try:
        _hydrate(again, token)
        assert again.saw(SECRET)
    finally:
        again.close()

    if ending == "revoked":
        app_db.rollback()
        app_db.exec(delete(AuthSession).where(AuthSession.token_hash == sessions.hash_token(token)))
        app_db.commit()
    next_visitor = reconnect(app_url, vera.token)
    try:
        _hydrate(next_visitor, token if ending == "revoked" else None)
        assert not next_visitor.saw(SECRET) and not next_visitor.saw(people["victim"].email)
        assert not _live_views(app_db, vera.token)
    finally:
        next_visitor.close()


def test_a_second_tab_gets_nothing_more_once_the_member_logged_out_in_the_first(app_url, people, private_talk,
                                                                                app_db):
    tab_one, token, conversation = _as_vera(app_url, people, private_talk)
    tab_two = with_token(app_url, token)  # the same browser (the same cookie), another tab
    phone = HostileClient(app_url)  # Vera's own phone, still logged in: the positive control
    professional = HostileClient(app_url)
    try:
        tab_two.call(handler(ConversationState, "load_conversation"), **conversation)
        assert tab_two.saw(SECRET)
        updates = phone.call(handler(LoginState, "log_in"),
                             {"form": {"email": people["victim"].email, "password": PASSWORD}}, path="/inloggen")
        phone.session_token = delta_value(updates, "auth_token")
        phone.call(handler(ConversationState, "load_conversation"), **conversation)

        tab_one.call(handler(AppState, "log_out"), **conversation)
        since = len(tab_two.received)
        sender = people["professional"]
        sender.created_at = utcnow() - timedelta(days=30)  # past the new-account limits
        app_db.add(sender)
        app_db.commit()
        updates = professional.call(handler(LoginState, "log_in"),
                                    {"form": {"email": sender.email, "password": PASSWORD}}, path="/inloggen")
        professional.session_token = delta_value(updates, "auth_token")
        professional.call(handler(ConversationState, "load_conversation"), **conversation)
        professional.call(handler(ConversationState, "send"),
                          {"form": {"client_id": "prof-device-0003", "message": "Nieuw geheim: Tulpstraat 9",
                                    "conversation_id": private_talk.id}}, **conversation)
        # The phone gets it pushed (the push ran); the logged-out browser's other tab does not.
        for attempt in range(50):
            phone.call(handler(AppState, "ping"), {"marker": f"phone-{attempt}"}, **conversation)
            if phone.saw("Tulpstraat"):
                break
        assert phone.saw("Tulpstraat")
        tab_two.call(handler(AppState, "ping"), {"marker": "after"}, **conversation)
        assert "Tulpstraat" not in "".join(tab_two.received[since:])
        # Its next event finds the session gone and empties the tab.
        tab_two.call(handler(InboxState, "load_inbox"), path="/berichten")
        assert delta_value_since(tab_two, since, "messages") == []
    finally:
        for client in (professional, phone, tab_two, tab_one):
            client.close()


def delta_value_since(client: HostileClient, since: int, var: str):
    from tests.security.client import parse_update

    updates = [u for u in (parse_update(frame) for frame in client.received[since:]) if u is not None]
    return delta_value(updates, var)

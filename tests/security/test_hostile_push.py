"""Push and digest handlers under a hostile client: the settings handler over the websocket, the push
subscription routes over plain HTTP, and the no-login unsubscribe link with forged tokens."""

from __future__ import annotations

import base64
import os

import httpx
import pytest
from sqlmodel import select

from buuv_app.models import PushSubscription, User
from buuv_app.services import notifications, sessions
from buuv_app.state.account import AccountState
from tests.e2e.auth import create_member, unique_email
from tests.security.client import HostileClient
from tests.security.hostile import handler, logged_in

pytestmark = pytest.mark.security


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def subscription(endpoint: str) -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"endpoint": endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}}


@pytest.fixture
def cast(app_db):
    victim = create_member(app_db, email=unique_email("victim"), display_name="Vera")
    mallory = create_member(app_db, email=unique_email("mallory"), display_name="Mallory")
    return {"victim": victim, "mallory": mallory,
            "victim_cookie": sessions.create_session(session=app_db, user=victim),
            "mallory_cookie": sessions.create_session(session=app_db, user=mallory)}


def fresh(app_db, user) -> User:
    app_db.expire_all()
    return app_db.get(User, user.id)


def test_a_visitor_cannot_change_anyones_notification_settings(app_url, app_db, cast):
    client = HostileClient(app_url)
    try:
        for setting in ("digest_mail", "push_message", "message_mail", "push_moderation"):
            client.call(handler(AccountState, "set_notification"), {"setting": setting, "enabled": False},
                        path="/account")
    finally:
        client.close()
    victim = fresh(app_db, cast["victim"])
    assert (victim.digest_mail, victim.push_message, victim.message_mail, victim.push_moderation) == (True,) * 4


@pytest.mark.parametrize("setting, value", [
    ("role", "admin"), ("email", "x@evil.example"), ("is_demo", True), ("password_hash", None),
    ("deleted_at", None), ("__class__", None), (["digest_mail"], False), ({"a": 1}, False), ("", False),
])
def test_a_member_can_change_only_the_notification_settings_and_only_their_own(app_url, app_db, cast, setting, value):
    client = logged_in(app_url, cast["mallory"].email)
    try:
        client.call(handler(AccountState, "set_notification"), {"setting": setting, "enabled": value}, path="/account")
        client.call(handler(AccountState, "set_notification"), {"setting": "digest_mail", "enabled": "false"},
                    path="/account")  # not True: off
        client.call(handler(AccountState, "set_notification"), {"setting": "push_moderation", "enabled": False},
                    path="/account")
    finally:
        client.close()
    mallory = fresh(app_db, cast["mallory"])
    assert (mallory.role, mallory.email, mallory.is_demo) == ("resident", cast["mallory"].email, False)
    assert mallory.password_hash is not None and mallory.deleted_at is None
    assert mallory.digest_mail is False and mallory.push_moderation is False
    victim = fresh(app_db, cast["victim"])
    assert victim.digest_mail is True and victim.push_moderation is True


def post(app_url, path, cookie: str | None, **kwargs):
    cookies = {"buuv_session": cookie} if cookie else {}
    return httpx.post(f"{app_url}{path}", cookies=cookies, timeout=10, **kwargs)


def test_push_subscriptions_need_a_session_and_belong_to_whoever_holds_it(app_url, app_db, cast):
    body = subscription("https://push.example/victim-device") | {"user_id": cast["victim"].id}
    assert post(app_url, "/api/push/subscribe", None, json=body).status_code == 403
    assert post(app_url, "/api/push/subscribe", "forged-token", json=body).status_code == 403
    assert post(app_url, "/api/push/subscribe", cast["mallory_cookie"], content=b"not json",
                headers={"Content-Type": "application/json"}).status_code == 400
    assert post(app_url, "/api/push/subscribe", cast["mallory_cookie"],
                data={"endpoint": "x"}).status_code == 400  # a cross-site form cannot post JSON
    assert post(app_url, "/api/push/subscribe", cast["mallory_cookie"],
                json={"endpoint": "https://push.example/" + "x" * 5000}).status_code == 400
    bad = post(app_url, "/api/push/subscribe", cast["mallory_cookie"],
               json=subscription("https://push.example/m") | {"keys": {"p256dh": "x", "auth": "y"}})
    assert bad.status_code == 400 and "Meldingen aanzetten lukte niet" in bad.json()["error"]
    ours = (cast["victim"].id, cast["mallory"].id)
    assert app_db.exec(select(PushSubscription).where(PushSubscription.user_id.in_(ours))).all() == []

    # The victim's own device; Mallory then claims to own it and tries to drop it.
    assert post(app_url, "/api/push/subscribe", cast["victim_cookie"], json=body).status_code == 200
    app_db.expire_all()
    row = app_db.exec(select(PushSubscription).where(PushSubscription.endpoint == body["endpoint"])).one()
    assert row.user_id == cast["victim"].id and row.auth_session_id is not None
    assert post(app_url, "/api/push/unsubscribe", cast["mallory_cookie"],
                json={"endpoint": body["endpoint"]}).status_code == 200
    assert post(app_url, "/api/push/unsubscribe", None, json={"endpoint": body["endpoint"]}).status_code == 403
    app_db.expire_all()
    assert app_db.exec(select(PushSubscription.user_id).where(PushSubscription.user_id.in_(ours))).all() == [
        cast["victim"].id]

    key = httpx.get(f"{app_url}/api/push/key", timeout=10).json()["publicKey"]
    assert len(key) == 87  # 65 bytes, base64url: the public key only


@pytest.mark.parametrize("token", ["", "abc", "1.", "99999999.0000", "../../etc", "1." + "f" * 32, "x" * 5000])
def test_the_unsubscribe_link_refuses_forged_tokens(app_url, token):
    for kind in ("digest", "berichten", "alles"):
        response = httpx.post(f"{app_url}/api/uitschrijven", params={"soort": kind, "token": token}, timeout=10)
        assert response.status_code == 400


def test_a_token_for_one_kind_or_member_does_not_work_for_another(app_url, app_db, cast):
    victim = cast["victim"]
    message_token = notifications.unsubscribe_token("berichten", victim.id)
    assert httpx.post(f"{app_url}/api/uitschrijven", params={"soort": "digest", "token": message_token},
                      timeout=10).status_code == 400
    mallory_token = notifications.unsubscribe_token("digest", cast["mallory"].id)
    forged = f"{victim.id}.{mallory_token.split('.')[1]}"
    assert httpx.post(f"{app_url}/api/uitschrijven", params={"soort": "digest", "token": forged},
                      timeout=10).status_code == 400
    # A GET (a link scanner) changes nothing, even with a good token.
    good = notifications.unsubscribe_token("digest", victim.id)
    assert httpx.get(f"{app_url}/api/uitschrijven", params={"soort": "digest", "token": good},
                     timeout=10).status_code == 200
    assert fresh(app_db, victim).digest_mail is True
    assert httpx.post(f"{app_url}/api/uitschrijven", params={"soort": "digest", "token": good},
                      content="List-Unsubscribe=One-Click", timeout=10).status_code == 200
    assert fresh(app_db, victim).digest_mail is False
    assert fresh(app_db, cast["mallory"]).digest_mail is True


def test_nearby_wijken_are_saved_only_for_the_caller_and_only_real_wijken(app_url, app_db, cast):
    from buuv_app.models import DigestNeighbourhood

    anonymous = HostileClient(app_url)
    try:
        anonymous.call(handler(AccountState, "save_nearby"), {"form": {"wijk-slaaghwijk": "on"}}, path="/account")
    finally:
        anonymous.close()
    client = logged_in(app_url, cast["mallory"].email)
    try:
        for form in ({"wijk-' OR 1=1 --": "on", "wijk-" + "x" * 10_000: "on"}, ["wijk-slaaghwijk"], "x",
                     {"wijk-slaaghwijk": "on", "user_id": cast["victim"].id, "wijk-merenwijk": "on"}):
            client.call(handler(AccountState, "save_nearby"), {"form": form}, path="/account")
    finally:
        client.close()
    app_db.expire_all()
    rows = app_db.exec(select(DigestNeighbourhood.user_id)).all()
    assert cast["victim"].id not in rows
    assert rows.count(cast["mallory"].id) == 1  # slaaghwijk; merenwijk is her own wijk


def test_the_push_offer_in_a_conversation_is_only_dismissed_and_never_made_by_a_caller(app_url, app_db, cast):
    from buuv_app.state.messaging import ConversationState
    from tests.security.client import delta_value

    for member in (None, cast["mallory"]):
        client = logged_in(app_url, member.email) if member else HostileClient(app_url)
        try:
            updates = client.call(handler(ConversationState, "dismiss_push_offer"), {"user_id": cast["victim"].id},
                                  path="/berichten/1")
            assert delta_value(updates, "offer_push") in (None, False)
        finally:
            client.close()
    # Nothing was noted for anyone: the offer is made by the server after a stored first message only.
    assert fresh(app_db, cast["victim"]).push_offered_at is None
    assert fresh(app_db, cast["mallory"]).push_offered_at is None

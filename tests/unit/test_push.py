"""Web Push without the internet: a fake push service in the test receives the server's real request,
decrypts it with the subscriber's keys (aes128gcm), checks the VAPID JWT, and can answer 410."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlmodel import select

from buuv_app.errors import ValidationError
from buuv_app.models import AuthSession, OutboxMail, PushSubscription, utcnow
from buuv_app.services import accounts, mail, messaging, moderation, notifications, push, sessions
from buuv_app.settings import get_settings
from tests.factories import count_rows, make_member, make_municipality, make_neighbourhood, make_post

PASSWORD = "een lange zin om te onthouden"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A browser's side of a subscription: its own key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.p256dh = b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
        self.auth_secret = os.urandom(16)
        self.auth = b64url(self.auth_secret)
        self.endpoint = endpoint

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret,
                                           version="aes128gcm"))


class FakePushService:
    """An HTTP push service on 127.0.0.1 that records what it receives and answers `status`."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def device(self, name: str) -> Device:
        return Device(f"{self.origin}/push/{name}")


def check_vapid(headers: dict, audience: str) -> dict:
    """Verify the VAPID header (RFC 8292) as a push service does; returns the JWT's claims."""
    scheme, _, params = headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.strip().split("=", 1) for part in params.split(","))
    assert parts["k"] == push.public_key()
    signing_input, _, signature = parts["t"].rpartition(".")
    header = json.loads(unb64url(signing_input.split(".")[0]))
    assert header["alg"] == "ES256"
    raw = unb64url(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))  # raises when forged
    claims = json.loads(unb64url(signing_input.split(".")[1]))
    assert claims["aud"] == audience
    assert claims["sub"] == get_settings().vapid_subject
    assert claims["exp"] > time.time()
    return claims


@pytest.fixture(autouse=True)
def vapid_key(tmp_path, monkeypatch):
    monkeypatch.setenv("BUUV_VAPID_KEY_FILE", str(tmp_path / "vapid_private.pem"))
    get_settings.cache_clear()
    monkeypatch.setattr(push, "_vapid", None)
    yield tmp_path / "vapid_private.pem"
    get_settings.cache_clear()


@pytest.fixture
def service():
    with FakePushService() as fake:
        yield fake


def subscribe(session, user, device: Device, **kw):
    return push.subscribe(session=session, user=user, endpoint=device.endpoint, p256dh=device.p256dh,
                          auth=device.auth, **kw)


def test_the_vapid_key_is_made_once_and_kept(vapid_key, monkeypatch):
    first = push.public_key()
    assert vapid_key.exists() and (vapid_key.stat().st_mode & 0o077) == 0
    monkeypatch.setattr(push, "_vapid", None)  # a restart reads the same file
    assert push.public_key() == first
    assert len(unb64url(first)) == 65


def test_a_push_arrives_encrypted_signed_and_readable_only_with_the_devices_keys(session, service):
    member = make_member(session)
    device = service.device("a")
    subscription = subscribe(session, member, device)
    payload = {"id": "message-1", "title": "Nieuw bericht van Henk", "url": "/berichten/1"}

    assert push.deliver(subscription, payload, ttl=3600) == push.PushResult.SENT

    request = service.received[0]
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["ttl"] == "3600"
    assert b"Henk" not in request["body"]  # encrypted on the wire
    assert device.decrypt(request["body"]) == payload
    check_vapid(request["headers"], service.origin)
    with pytest.raises(Exception):  # noqa: B017 (any decryption error: another device cannot read it)
        service.device("b").decrypt(request["body"])


def test_a_new_message_is_queued_then_sent_by_the_sender_with_a_title_and_link_but_no_text(session, service):
    place = make_neighbourhood(session)
    long_ago = utcnow() - timedelta(days=30)
    author = make_member(session, place, display_name="Truus", created_at=long_ago)
    helper = make_member(session, place, display_name="Henk", created_at=long_ago)
    post = make_post(session, author=author, neighbourhood=place)
    device = service.device("truus")
    subscribe(session, author, device, locale="en")
    conversation = messaging.start_conversation(session=session, user=helper, post_id=post.id)

    messaging.send_message(session=session, user=helper, conversation_id=conversation.id,
                           client_id="device-00000001", body="Ik kan vrijdag om tien uur")
    assert service.received == []  # nothing is sent inside the handler: it waits in the queue
    mail.send_due(session=session)

    first = device.decrypt(service.received[0]["body"])
    assert first["title"] == "Henk replied to your post"  # the first message is a reaction, in the device's language
    assert first["url"] == f"/berichten/{conversation.id}"
    assert "body" not in first  # no text on the lock screen unless asked for
    assert int(service.received[0]["headers"]["ttl"]) > 0

    notifications.set_notification(session=session, user=author, setting="push_show_text", enabled=True)
    messaging.send_message(session=session, user=helper, conversation_id=conversation.id,
                           client_id="device-00000002", body="Of zaterdag?")
    mail.send_due(session=session)
    second = device.decrypt(service.received[1]["body"])
    assert second["title"] == "New message from Henk" and second["body"] == "Of zaterdag?"
    assert session.get(PushSubscription, device_row_id(session, device)).last_success_at is not None


def queued_pushes(session) -> int:
    return len(session.exec(select(OutboxMail).where(OutboxMail.kind == "push")).all())


def device_row_id(session, device: Device) -> int:
    return session.exec(select(PushSubscription.id).where(PushSubscription.endpoint == device.endpoint)).one()


def test_no_push_while_the_conversation_is_in_view_on_a_device_or_the_kind_is_turned_off(session, service):
    place = make_neighbourhood(session)
    long_ago = utcnow() - timedelta(days=30)
    author = make_member(session, place, created_at=long_ago)
    helper = make_member(session, place, created_at=long_ago)
    post = make_post(session, author=author, neighbourhood=place)
    subscribe(session, author, service.device("a"))
    conversation = messaging.start_conversation(session=session, user=helper, post_id=post.id)
    messaging.note_live_view(session=session, user=author, client_token="tab-1", conversation_id=conversation.id)
    messaging.note_visibility(session=session, user=author, client_token="tab-1", visible=False)
    messaging.send_message(session=session, user=helper, conversation_id=conversation.id,
                           client_id="device-00000000", body="Ben je er?")
    assert queued_pushes(session) == 1  # open, but in a hidden tab or on a locked phone: nobody sees it

    messaging.note_visibility(session=session, user=author, client_token="tab-1", visible=True)
    messaging.send_message(session=session, user=helper, conversation_id=conversation.id,
                           client_id="device-00000001", body="Hallo")
    assert queued_pushes(session) == 1  # in view: no push

    messaging.note_live_view(session=session, user=author, client_token="tab-1", conversation_id=None)
    notifications.set_notification(session=session, user=author, setting="push_message", enabled=False)
    messaging.send_message(session=session, user=helper, conversation_id=conversation.id,
                           client_id="device-00000002", body="Nog een")
    assert queued_pushes(session) == 1


def test_a_410_removes_the_subscription_and_a_500_is_retried_with_backoff_until_dead(session, service):
    member = make_member(session)
    gone, flaky = service.device("gone"), service.device("flaky")
    subscribe(session, member, gone)
    service.status = 410
    notifications.notify(session=session, user=member, kind="reminder", ref=1, title="Nog nodig?", url="/hulp/1")
    assert mail.send_due(session=session) == 0
    assert count_rows(session, PushSubscription) == 0
    gone_row = session.exec(select(OutboxMail).where(OutboxMail.kind == "push")).one()
    session.refresh(gone_row)
    assert gone_row.status == "dead" and "410" in gone_row.last_error

    subscribe(session, member, flaky)
    service.status = 503
    notifications.notify(session=session, user=member, kind="reminder", ref=2, title="Nog nodig?", url="/hulp/2")
    now = utcnow()
    for attempt in range(mail.MAX_ATTEMPTS):
        mail.send_due(session=session, now=now)
        row = session.exec(select(OutboxMail).order_by(OutboxMail.id.desc())).first()
        session.refresh(row)
        assert row.attempts == attempt + 1
        now = row.next_attempt_at
    assert row.status == "dead" and mail.list_dead(session=session)[0].id == row.id
    assert count_rows(session, PushSubscription) == 1  # a busy service is no reason to drop the device


def test_two_senders_never_send_one_push_twice(session, service, engine):
    from sqlmodel import Session

    member = make_member(session)
    subscribe(session, member, service.device("a"))
    for ref in range(6):
        notifications.notify(session=session, user=member, kind="reminder", ref=ref, title="Nog nodig?", url="/")

    def sender():
        with Session(engine, expire_on_commit=False) as own:
            while mail.send_due(session=own, limit=2):
                pass

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(service.received) == 6


def test_devices_are_forgotten_at_logout_on_that_device_at_account_deletion_and_after_30_quiet_days(session, service):
    member = make_member(session)
    phone_token = sessions.create_session(session=session, user=member)
    laptop_token = sessions.create_session(session=session, user=member)
    phone, laptop, tablet = service.device("phone"), service.device("laptop"), service.device("tablet")
    for device, token in ((phone, phone_token), (laptop, laptop_token)):
        login = sessions.find_session(session=session, raw_token=token)
        subscribe(session, member, device, auth_session_id=login.id)

    accounts.log_out(session=session, token=phone_token)
    assert [d.endpoint for d in push.list_devices(session=session, user_id=member.id)] == [laptop.endpoint]

    old = subscribe(session, member, tablet)
    old.created_at = utcnow() - timedelta(days=31)
    session.add(old)
    session.commit()
    assert push.prune(session=session) == 1
    assert [d.endpoint for d in push.list_devices(session=session, user_id=member.id)] == [laptop.endpoint]

    accounts.delete_account(session=session, user=member, password=PASSWORD)
    assert count_rows(session, PushSubscription) == 0
    assert count_rows(session, AuthSession) == 0


@pytest.mark.parametrize("endpoint, p256dh, auth", [
    ("javascript:alert(1)", None, None),
    ("https://user:pw@push.example/x", None, None),
    ("https://push.example/" + "x" * 1000, None, None),
    (None, "not-a-key", None),
    (None, None, b64url(b"short")),
    (12, None, None),
])
def test_a_malformed_subscription_is_refused_with_a_message(session, endpoint, p256dh, auth):
    member = make_member(session)
    good = Device("https://push.example/abc")
    with pytest.raises(ValidationError):
        push.subscribe(session=session, user=member, endpoint=good.endpoint if endpoint is None else endpoint,
                       p256dh=p256dh or good.p256dh, auth=auth or good.auth)
    assert count_rows(session, PushSubscription) == 0


def test_a_browser_that_changes_hands_belongs_to_the_member_who_subscribed_last(session):
    first, second = make_member(session), make_member(session)
    device = Device("https://push.example/shared")
    subscribe(session, first, device)
    subscribe(session, second, device)
    assert push.list_devices(session=session, user_id=first.id) == []
    assert len(push.list_devices(session=session, user_id=second.id)) == 1
    assert not push.unsubscribe(session=session, user=first, endpoint=device.endpoint)  # not theirs any more


def test_a_handled_report_and_appeal_reach_the_members_devices_without_what_was_reported(session, service):
    municipality = make_municipality(session)
    place = make_neighbourhood(session, municipality)
    long_ago = utcnow() - timedelta(days=30)
    author = make_member(session, place, created_at=long_ago)
    reporter = make_member(session, place, created_at=long_ago)
    professional = make_member(session, place, role="professional", municipality_id=municipality.id)
    post = make_post(session, author=author, neighbourhood=place, title="Geheime fietsenverkoop")
    reporter_device, author_device = service.device("reporter"), service.device("author")
    subscribe(session, reporter, reporter_device, locale="en")
    subscribe(session, author, author_device)
    reported = moderation.report_post(session=session, user=reporter, post_id=post.id, reason="spam",
                                      note="Dit is reclame")
    moderation.hide_post(session=session, actor=professional, report_id=reported.id, reason="Reclame")
    mail.send_due(session=session)
    [sent] = service.received
    told = reporter_device.decrypt(sent["body"])
    assert told["title"] == "Your report has been handled" and told["url"] == "/account"
    assert "body" not in told and "fietsen" not in json.dumps(told) and "reclame" not in json.dumps(told).lower()

    appeal = moderation.appeal(session=session, user=author, post_id=post.id, text="Het is geen reclame.")
    moderation.restore(session=session, actor=professional, report_id=appeal.id, reason="Klopt")
    mail.send_due(session=session)
    heard = author_device.decrypt(service.received[1]["body"])
    assert heard["title"] == "Je bezwaar is behandeld" and heard["url"] == "/account"


def test_no_push_about_a_handled_report_when_the_member_turned_it_off(session, service):
    municipality = make_municipality(session)
    place = make_neighbourhood(session, municipality)
    long_ago = utcnow() - timedelta(days=30)
    author = make_member(session, place, created_at=long_ago)
    reporter = make_member(session, place, created_at=long_ago)
    professional = make_member(session, place, role="professional", municipality_id=municipality.id)
    post = make_post(session, author=author, neighbourhood=place)
    subscribe(session, reporter, service.device("reporter"))
    notifications.set_notification(session=session, user=reporter, setting="push_moderation", enabled=False)
    reported = moderation.report_post(session=session, user=reporter, post_id=post.id, reason="spam")
    moderation.dismiss(session=session, actor=professional, report_id=reported.id, reason="Niets aan de hand")
    assert queued_pushes(session) == 0
    assert moderation.list_notices(session=session, user=reporter)  # still told in the app


def test_notifications_are_offered_once_to_the_author_of_a_first_post(session):
    place = make_neighbourhood(session)
    author = make_member(session, place)
    neighbour = make_member(session, place)
    first = make_post(session, author=author, neighbourhood=place)
    assert not notifications.offer_push(session=session, user_id=neighbour.id, post_id=first.id)  # not theirs
    assert notifications.offer_push(session=session, user_id=author.id, post_id=first.id)
    assert author.push_offered_at is not None
    assert not notifications.offer_push(session=session, user_id=author.id, post_id=first.id)  # once
    second = make_post(session, author=neighbour, neighbourhood=place)
    make_post(session, author=neighbour, neighbourhood=place)
    assert not notifications.offer_push(session=session, user_id=neighbour.id, post_id=second.id)  # not a first post


def test_notifications_are_offered_once_after_a_first_message_or_a_first_post_whichever_comes_first(session):
    place = make_neighbourhood(session)
    author = make_member(session, place)
    helper = make_member(session, place)
    post = make_post(session, author=author, neighbourhood=place)
    conversation = messaging.start_conversation(session=session, user=helper, post_id=post.id)
    assert not notifications.offer_push_after_message(session=session, user_id=helper.id)  # nothing sent yet
    messaging.send_message(session=session, user=helper, conversation_id=conversation.id, client_id="helper-device-0001",
                           body="Ik kan vrijdag.")
    assert notifications.offer_push_after_message(session=session, user_id=helper.id)
    assert helper.push_offered_at is not None
    assert not notifications.offer_push_after_message(session=session, user_id=helper.id)  # once
    # The author was offered after their post already: their first message offers nothing more.
    assert notifications.offer_push(session=session, user_id=author.id, post_id=post.id)
    messaging.send_message(session=session, user=author, conversation_id=conversation.id, client_id="author-device-0001",
                           body="Fijn, tot vrijdag!")
    assert not notifications.offer_push_after_message(session=session, user_id=author.id)
    # And a helper offered after a message is not offered again after a first post.
    own = make_post(session, author=helper, neighbourhood=place)
    assert not notifications.offer_push(session=session, user_id=helper.id, post_id=own.id)

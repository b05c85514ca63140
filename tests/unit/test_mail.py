"""Mail: a request only writes to the outbox; the sender claims due mail once, sends it (and its
body is not kept), retries with growing pauses and gives up after MAX_ATTEMPTS. Without SMTP the
mail is kept in the outbox with its body."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session

from buuv_app.models import utcnow
from buuv_app.services import mail
from buuv_app.settings import Settings
from tests.aio import run_async


class FakeSMTP:
    sent: list = []
    fail = False
    connections = 0

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port
        FakeSMTP.connections += 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        if FakeSMTP.fail:
            raise smtplib.SMTPException("server said no")
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail, FakeSMTP.connections = [], False, 0
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    settings = Settings(_env_file=None, SMTP_HOST="smtp.example.org", SMTP_USER="buuv", SMTP_PASSWORD="x")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    return FakeSMTP


def test_without_smtp_mail_waits_in_the_outbox_with_its_body(session, caplog):
    with caplog.at_level("INFO", logger="buuv.mail"):
        mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="Link: https://x/y?token=abc")
    [stored] = mail.list_outbox(session=session, to="a@example.org")
    assert (stored.status, stored.body) == ("stored", "Link: https://x/y?token=abc")
    assert "token=abc" in caplog.text  # testers read links from the log
    assert mail.send_due(session=session) == 0


def test_a_request_only_writes_the_mail_and_never_talks_to_the_server(session, smtp):
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="geheime link")
    assert smtp.connections == 0
    [waiting] = mail.list_outbox(session=session, to="a@example.org")
    assert (waiting.status, waiting.body) == ("pending", "geheime link")


def test_the_sender_sends_and_does_not_keep_the_body(session, smtp):
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="geheime link")
    assert mail.send_due(session=session) == 1
    [message] = smtp.sent
    assert message["To"] == "a@example.org" and "geheime link" in message.get_content()
    [stored] = mail.list_outbox(session=session, to="a@example.org")
    assert (stored.status, stored.body, stored.attempts) == ("sent", "", 1)
    assert mail.send_due(session=session) == 0  # sent once
    assert len(smtp.sent) == 1


def test_a_failing_server_means_a_retry_later_and_in_the_end_a_dead_mail(session, smtp):
    smtp.fail = True
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="x")
    now = utcnow()
    pauses = []
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        assert mail.send_due(session=session, now=now) == 0
        [stored] = mail.list_outbox(session=session, to="a@example.org")
        assert stored.attempts == attempt and "server said no" in stored.last_error
        if attempt < mail.MAX_ATTEMPTS:
            assert stored.status == "pending"
            pauses.append(stored.next_attempt_at - now)
            # Not due before its time.
            assert mail.claim_due(session=session, now=stored.next_attempt_at - timedelta(seconds=5)) == []
            now = stored.next_attempt_at
    assert pauses == sorted(pauses) and pauses[0] >= mail.FIRST_RETRY - timedelta(seconds=5)
    assert (stored.status, stored.body) == ("dead", "")
    smtp.fail = False
    assert mail.send_due(session=session, now=now + timedelta(days=1)) == 0  # given up


def test_a_retry_succeeds_when_the_server_is_back(session, smtp):
    smtp.fail = True
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="x")
    mail.send_due(session=session)
    smtp.fail = False
    [stored] = mail.list_outbox(session=session, to="a@example.org")
    assert mail.send_due(session=session, now=stored.next_attempt_at) == 1
    session.refresh(stored)
    assert (stored.status, stored.attempts) == ("sent", 2)


def test_a_mail_claimed_by_a_sender_that_died_is_sent_by_another(session, smtp):
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="x")
    [claimed] = mail.claim_due(session=session)  # ... and that sender never finished
    assert mail.claim_due(session=session) == []
    later = utcnow() + mail.CLAIM_EXPIRES + timedelta(minutes=1)
    assert mail.send_due(session=session, now=later) == 1
    assert len(smtp.sent) == 1


def test_several_senders_at_once_send_every_mail_exactly_once(engine, session, smtp):
    for n in range(30):
        mail.send_mail(session=session, to=f"buur{n}@example.org", subject="Hallo", body=f"bericht {n}")
    barrier = threading.Barrier(4)
    errors = []

    def sender():
        try:
            with Session(engine, expire_on_commit=False) as own:
                barrier.wait()
                while mail.send_due(session=own, limit=3):
                    pass
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(m["To"] for m in smtp.sent) == sorted(f"buur{n}@example.org" for n in range(30))
    session.expire_all()
    assert {m.status for m in mail.list_outbox(session=session)} == {"sent"}


def test_the_sender_keeps_running_until_told_to_stop(session, smtp, monkeypatch, engine):
    monkeypatch.setattr(mail, "session_scope", lambda: Session(engine, expire_on_commit=False))
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="x")
    stop = threading.Event()
    thread = threading.Thread(target=mail.run_sender, kwargs={"stop": stop, "poll_seconds": 0.01})
    thread.start()
    try:
        deadline = utcnow() + timedelta(seconds=20)
        while not smtp.sent and utcnow() < deadline:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive() and len(smtp.sent) == 1


def test_the_sender_beside_the_app_sends_what_requests_wrote(session, smtp, monkeypatch, engine):
    import asyncio

    monkeypatch.setattr(mail, "session_scope", lambda: Session(engine, expire_on_commit=False))
    monkeypatch.setattr(mail, "POLL_SECONDS", 0.01)
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="x")

    async def run_beside_the_app():
        task = asyncio.create_task(mail.sender_loop())
        try:
            for _ in range(2000):
                if smtp.sent:
                    break
                await asyncio.sleep(0.01)
        finally:
            task.cancel()

    run_async(run_beside_the_app())
    assert len(smtp.sent) == 1

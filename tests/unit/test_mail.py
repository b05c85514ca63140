"""Mail: kept in the outbox without SMTP; sent (and its body not kept) with SMTP."""

from __future__ import annotations

import smtplib

import pytest

from buuv_app.services import mail
from buuv_app.settings import Settings


class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

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
    FakeSMTP.sent, FakeSMTP.fail = [], False
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


def test_with_smtp_the_mail_is_sent_and_its_body_not_kept(session, smtp):
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="geheime link")
    [message] = smtp.sent
    assert message["To"] == "a@example.org" and "geheime link" in message.get_content()
    [stored] = mail.list_outbox(session=session, to="a@example.org")
    assert (stored.status, stored.body) == ("sent", "")


def test_a_failing_smtp_server_is_recorded_not_raised(session, smtp):
    smtp.fail = True
    mail.send_mail(session=session, to="a@example.org", subject="Hallo", body="x")
    [stored] = mail.list_outbox(session=session, to="a@example.org")
    assert stored.status == "failed"

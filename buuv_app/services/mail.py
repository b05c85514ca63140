"""Outgoing mail: over SMTP when SMTP_HOST is set, otherwise into the outbox table and the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlmodel import Session, col, select

from buuv_app.models import OutboxMail, utcnow
from buuv_app.settings import get_settings

log = logging.getLogger("buuv.mail")


def send_mail(*, session: Session, to: str, subject: str, body: str,
              headers: dict[str, str] | None = None) -> OutboxMail:
    """Send (or keep) one plain-text mail. The caller's transaction is committed. `headers` are
    extra header lines (List-Unsubscribe...); the outbox keeps only the mail, the log shows them."""
    settings = get_settings()
    if not settings.smtp_configured:
        mail = OutboxMail(to_address=to, subject=subject, body=body, status="stored")
        session.add(mail)
        session.commit()
        log.info("mail kept in the outbox (no SMTP_HOST) to=%s subject=%r headers=%r\n%s", to, subject,
                 headers or {}, body)
        return mail
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    # With a real server the body (which may hold a one-time link) is not kept.
    mail = OutboxMail(to_address=to, subject=subject, body="", status="sent", sent_at=utcnow())
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError):
        log.exception("sending mail to %s failed", to)
        mail.status, mail.sent_at = "failed", None
    session.add(mail)
    session.commit()
    return mail


def list_outbox(*, session: Session, to: str | None = None) -> list[OutboxMail]:
    """Stored mail, newest first (for testers and the browser tests)."""
    query = select(OutboxMail).order_by(col(OutboxMail.id).desc())
    if to is not None:
        query = query.where(OutboxMail.to_address == to.lower())
    return list(session.exec(query).all())

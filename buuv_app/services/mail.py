"""Outgoing mail and pushes. A request only writes to the outbox table; a background sender
(`sender_loop` beside the app, or `python -m buuv_app.cli run-sender`) claims due rows and sends
them (mail over SMTP, pushes through services/push.py), retrying with growing pauses and giving up
("dead") after MAX_ATTEMPTS. So no request waits on an SMTP server or a push service, and an
address that has an account answers as fast as one that has not. Without SMTP_HOST a mail is kept
in the outbox with its body, and logged; pushes are sent all the same.

A push row has kind "push", no address, and as body the JSON the sender needs
({"subscription_id", "data", "ttl", "urgency"}); it is one push to one device."""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from buuv_app.db import session_scope
from buuv_app.models import OutboxMail, PushSubscription, utcnow
from buuv_app.services import push
from buuv_app.settings import get_settings

log = logging.getLogger("buuv.mail")

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
# A row claimed this long ago by a sender that never finished (the process died) is due again.
CLAIM_EXPIRES = timedelta(minutes=10)
BATCH = 20
POLL_SECONDS = 5.0


def queue_mail(session: Session, *, to: str, subject: str, body: str,
               headers: dict[str, str] | None = None) -> OutboxMail:
    """Add one plain-text mail to the outbox in the caller's transaction (not committed: a digest
    is queued together with the row that says it was made). `headers` are extra header lines
    (List-Unsubscribe...)."""
    extra = json.dumps(headers, ensure_ascii=False) if headers else None
    if not get_settings().smtp_configured:
        mail = OutboxMail(to_address=to, subject=subject, body=body, status="stored", headers=extra)
        log.info("mail kept in the outbox (no SMTP_HOST) to=%s subject=%r headers=%r\n%s", to, subject,
                 headers or {}, body)
    else:
        mail = OutboxMail(to_address=to, subject=subject, body=body, status="pending", next_attempt_at=utcnow(),
                          headers=extra)
    session.add(mail)
    return mail


def send_mail(*, session: Session, to: str, subject: str, body: str,
              headers: dict[str, str] | None = None) -> OutboxMail:
    """Put one plain-text mail in the outbox; the sender sends it. The caller's transaction is
    committed. Nothing here talks to a mail server."""
    mail = queue_mail(session, to=to, subject=subject, body=body, headers=headers)
    session.commit()
    return mail


def queue_push(session: Session, *, subscription_id: int, payload: dict, ttl: int, urgency: str = "normal") -> None:
    """Add one push to one device to the outbox in the caller's transaction (not committed)."""
    session.add(OutboxMail(kind="push", to_address="", subject="push", status="pending", next_attempt_at=utcnow(),
                           body=json.dumps({"subscription_id": subscription_id, "data": payload, "ttl": ttl,
                                            "urgency": urgency}, ensure_ascii=False)))


def retry_delay(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed try: 1, 2, 4, 8 ... minutes, at most two hours."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)


def claim_due(*, session: Session, now: datetime | None = None, limit: int = BATCH) -> list[OutboxMail]:
    """Claim up to `limit` due mails for this sender. Each row is taken with an UPDATE that only
    succeeds while it is still unclaimed (status and claim as they were read), so of several
    senders (threads, workers, the CLI beside the app) exactly one gets each mail."""
    now = now or utcnow()
    stale = now - CLAIM_EXPIRES
    # Without SMTP only pushes can go (mail is "stored" then anyway).
    kinds = ("mail", "push") if get_settings().smtp_configured else ("push",)
    due = session.exec(
        select(OutboxMail.id, OutboxMail.status, OutboxMail.claimed_at)
        .where(or_(
            sa.and_(OutboxMail.status == "pending", col(OutboxMail.next_attempt_at) <= now),
            sa.and_(OutboxMail.status == "sending", col(OutboxMail.claimed_at) < stale),
        ), col(OutboxMail.kind).in_(kinds))
        .order_by(col(OutboxMail.next_attempt_at), col(OutboxMail.id))
        .limit(limit)
    ).all()
    session.commit()  # end the read before claiming
    claimed: list[int] = []
    for mail_id, status, claimed_at in due:
        still_free = OutboxMail.claimed_at.is_(None) if claimed_at is None else OutboxMail.claimed_at == claimed_at
        won = session.exec(
            sa.update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.status == status, still_free)
            .values(status="sending", claimed_at=now, attempts=OutboxMail.attempts + 1)
        ).rowcount
        session.commit()
        if won == 1:
            claimed.append(mail_id)
    if not claimed:
        return []
    return list(session.exec(select(OutboxMail).where(col(OutboxMail.id).in_(claimed))
                             .order_by(col(OutboxMail.id))).all())


def _deliver(mail: OutboxMail) -> None:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    for name, value in json.loads(mail.headers or "{}").items():
        message[name] = value
    message.set_content(mail.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


class PushNotSent(Exception):
    """The push service is unreachable or busy: try again later."""


class PushDropped(Exception):
    """Nothing to retry: the device is gone (404/410, and then forgotten) or the push was refused."""


def _deliver_push(session: Session, row: OutboxMail, now: datetime) -> None:
    data = json.loads(row.body)
    device = session.get(PushSubscription, data.get("subscription_id"))
    if device is None:
        raise PushDropped("the device is no longer subscribed")
    result = push.deliver(device, data["data"], ttl=data["ttl"], urgency=data.get("urgency", "normal"))
    if result == push.PushResult.SENT:
        device.last_success_at = now
        session.add(device)
    elif result == push.PushResult.GONE:
        session.delete(device)
        raise PushDropped("the device unsubscribed (404/410): forgotten")
    elif result == push.PushResult.FAILED:
        raise PushDropped("refused by the push service")
    else:
        raise PushNotSent("push service unreachable or busy")


def send_due(*, session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """Claim and send what is due; returns how many were sent. A failure is kept for a retry
    after `retry_delay`, and after MAX_ATTEMPTS the mail (or push) is dead (kept, with its error).
    A push to a device that is gone is dead at once, and the device forgotten."""
    now = now or utcnow()
    sent = 0
    for mail in claim_due(session=session, now=now, limit=limit):
        try:
            if mail.kind == "push":
                _deliver_push(session, mail, now)
            else:
                _deliver(mail)
        except PushDropped as error:
            mail.status, mail.body, mail.claimed_at, mail.next_attempt_at = "dead", "", None, None
            mail.last_error = str(error)[:300]
        except (smtplib.SMTPException, OSError, PushNotSent) as error:
            mail.last_error = f"{type(error).__name__}: {error}"[:300]
            mail.claimed_at = None
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = "dead"
                # A dead mail is not sent any more: its one-time link need not be kept either.
                mail.body, mail.next_attempt_at = "", None
                log.error("giving up on mail %s to %s after %d tries: %s", mail.id, mail.to_address,
                          mail.attempts, mail.last_error)
            else:
                mail.status, mail.next_attempt_at = "pending", now + retry_delay(mail.attempts)
                log.warning("mail %s to %s failed (try %d), again at %s: %s", mail.id, mail.to_address,
                            mail.attempts, mail.next_attempt_at.isoformat(), mail.last_error)
        else:
            # With a real server the body (which may hold a one-time link) is not kept.
            mail.status, mail.sent_at, mail.body = "sent", utcnow(), ""
            mail.claimed_at, mail.next_attempt_at, mail.last_error = None, None, None
            sent += 1
        session.add(mail)
        session.commit()
    return sent


def run_sender(*, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
    """Send due mail until `stop` is set: `python -m buuv_app.cli run-sender`."""
    while not stop.is_set():
        try:
            with session_scope() as session:
                busy = send_due(session=session) > 0
        except Exception:  # noqa: BLE001 (a bad round must not end the sender; the next one retries)
            log.exception("the mail sender's round failed")
            busy = False
        if not busy:
            stop.wait(poll_seconds)


async def sender_loop() -> None:
    """The sender beside the app (a Reflex lifespan task), unless MAIL_SENDER_IN_APP=0 (then run
    `python -m buuv_app.cli run-sender` as a process of its own). It runs without SMTP too: pushes."""
    settings = get_settings()
    if not settings.mail_sender_in_app:
        log.info("no sender in the app: MAIL_SENDER_IN_APP=0")
        return

    def round_() -> int:
        with session_scope() as session:
            return send_due(session=session)

    while True:
        try:
            sent = await asyncio.to_thread(round_)
        except Exception:  # noqa: BLE001 (see run_sender)
            log.exception("the mail sender's round failed")
            sent = 0
        if not sent:
            await asyncio.sleep(POLL_SECONDS)


def list_dead(*, session: Session, limit: int = 100) -> list[OutboxMail]:
    """Mail and pushes given up on, newest first (for admins: `python -m buuv_app.cli dead-letters`)."""
    return list(session.exec(select(OutboxMail).where(OutboxMail.status == "dead")
                             .order_by(col(OutboxMail.id).desc()).limit(limit)).all())


def prune_sent_pushes(*, session: Session, now: datetime | None = None, keep: timedelta = timedelta(days=7)) -> int:
    """Housekeeping: pushes that went out (or were given up) go after a week."""
    result = session.exec(sa.delete(OutboxMail).where(
        OutboxMail.kind == "push", col(OutboxMail.status).in_(("sent", "dead")),
        OutboxMail.created_at < (now or utcnow()) - keep))
    session.commit()
    return result.rowcount or 0


def list_outbox(*, session: Session, to: str | None = None) -> list[OutboxMail]:
    """Stored mail, newest first (for testers and the browser tests)."""
    query = select(OutboxMail).where(OutboxMail.kind == "mail").order_by(col(OutboxMail.id).desc())
    if to is not None:
        query = query.where(OutboxMail.to_address == to.lower())
    return list(session.exec(query).all())

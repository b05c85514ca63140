"""The background sender's queue: pushes and mails wait in `delivery` and go out with retries.

`enqueue_push` and `enqueue_mail` add a row in the caller's transaction (so a digest is queued
exactly when its digest_sent row is written). `run_due` claims due rows one by one with a
conditional UPDATE, so two senders (two workers, or the app plus `python -m buuv_app.cli
run-sender`) never send one row twice; a failure is retried after 1 min, 5 min, 30 min, 2 h and
6 h, after which the row is dead (listed by `list_dead`, for admins). A row left in `sending` by
a sender that crashed is taken up again after CLAIM_TIMEOUT.

This is deliberately small and behind these few functions: the project's general mail outbox
(issue 11) can replace it by changing only this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from buuv_app.models import Delivery, PushSubscription, utcnow
from buuv_app.services import mail, push

log = logging.getLogger("buuv.delivery")

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_TIMEOUT = timedelta(minutes=10)
INTERVAL_SECONDS = 15


def enqueue_push(session: Session, *, subscription_id: int, payload: dict, ttl: int, urgency: str = "normal") -> None:
    """Queue one push to one device (the caller commits)."""
    session.add(Delivery(kind="push", payload=json.dumps(
        {"subscription_id": subscription_id, "data": payload, "ttl": ttl, "urgency": urgency}, ensure_ascii=False)))


def enqueue_mail(session: Session, *, to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Queue one mail (the caller commits)."""
    session.add(Delivery(kind="mail", payload=json.dumps(
        {"to": to, "subject": subject, "body": body, "headers": headers or {}}, ensure_ascii=False)))


def mail_rows(session: Session) -> list[Delivery]:
    return list(session.exec(select(Delivery).where(Delivery.kind == "mail").order_by(col(Delivery.id))).all())


@dataclass
class SenderRun:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    gone: list[int] = field(default_factory=list)  # subscriptions removed after 404/410


def _claim(session: Session, delivery_id: int, now: datetime) -> bool:
    claimed = session.exec(sa.update(Delivery).where(
        Delivery.id == delivery_id,
        sa.or_(Delivery.status == "queued",
               sa.and_(Delivery.status == "sending", col(Delivery.claimed_at) < now - CLAIM_TIMEOUT)),
    ).values(status="sending", claimed_at=now, attempts=Delivery.attempts + 1)).rowcount
    session.commit()
    return claimed == 1


def _send_push(session: Session, data: dict, now: datetime, run: SenderRun) -> tuple[bool, str | None]:
    """(done, error): done means no retry (sent, or nothing left to send to)."""
    subscription = session.get(PushSubscription, data.get("subscription_id"))
    if subscription is None:
        return True, "device no longer subscribed"
    result = push.deliver(subscription, data["data"], ttl=data["ttl"], urgency=data.get("urgency", "normal"))
    if result == push.PushResult.SENT:
        subscription.last_success_at = now
        session.add(subscription)
        return True, None
    if result == push.PushResult.GONE:
        run.gone.append(subscription.id)
        session.delete(subscription)
        return True, "device unsubscribed (404/410): removed"
    if result == push.PushResult.FAILED:
        return True, "refused by the push service"
    return False, "push service unreachable or busy"


def _send_mail(session: Session, data: dict) -> tuple[bool, str | None]:
    sent = mail.send_mail(session=session, to=data["to"], subject=data["subject"], body=data["body"],
                          headers=data.get("headers") or None)
    return (sent.status != "failed"), (None if sent.status != "failed" else "SMTP failed")


def run_due(*, session: Session, now: datetime | None = None, limit: int = 200) -> SenderRun:
    """Send what is due now; returns what happened."""
    now = now or utcnow()
    run = SenderRun()
    due = session.exec(select(Delivery.id).where(
        sa.or_(sa.and_(Delivery.status == "queued", Delivery.next_attempt_at <= now),
               sa.and_(Delivery.status == "sending", col(Delivery.claimed_at) < now - CLAIM_TIMEOUT)))
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id)).limit(limit)).all()
    for delivery_id in due:
        if not _claim(session, delivery_id, now):
            continue  # another sender took it
        row = session.get(Delivery, delivery_id)
        session.refresh(row)
        data = json.loads(row.payload)
        try:
            done, error = _send_push(session, data, now, run) if row.kind == "push" else _send_mail(session, data)
        except Exception as exc:  # noqa: BLE001 (one bad row must not stop the others)
            log.exception("delivery %s failed", delivery_id)
            done, error = False, f"{type(exc).__name__}"
        if done and (error is None or row.kind == "push"):
            row.status = "sent" if error is None else "dead"
            run.sent += error is None
            run.dead += error is not None
        elif row.attempts >= MAX_ATTEMPTS:
            row.status = "dead"
            run.dead += 1
        else:
            row.status = "queued"
            row.next_attempt_at = now + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
            run.retried += 1
        row.last_error = error[:300] if error else None
        session.add(row)
        session.commit()
    return run


def list_dead(*, session: Session, limit: int = 100) -> list[Delivery]:
    """What could not be delivered after every retry, newest first (for admins)."""
    return list(session.exec(select(Delivery).where(Delivery.status == "dead")
                             .order_by(col(Delivery.id).desc()).limit(limit)).all())


def prune_sent(*, session: Session, now: datetime | None = None, keep: timedelta = timedelta(days=7)) -> int:
    """Housekeeping: sent rows (their payload may hold a message's text) go after a week."""
    result = session.exec(sa.delete(Delivery).where(Delivery.status == "sent",
                                                    Delivery.created_at < (now or utcnow()) - keep))
    session.commit()
    return result.rowcount or 0


def run_once() -> SenderRun:
    from buuv_app.db import session_scope

    with session_scope() as session:
        return run_due(session=session)


async def sender_loop() -> None:
    """Runs beside the app (a Reflex lifespan task), and alone via `python -m buuv_app.cli run-sender`."""
    while True:
        try:
            await asyncio.to_thread(run_once)
        except Exception:  # noqa: BLE001 (a bad run must not end the loop; the next one retries)
            log.exception("the sender failed")
        await asyncio.sleep(INTERVAL_SECONDS)

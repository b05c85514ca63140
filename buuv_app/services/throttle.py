"""Counting attempts in a sliding window, in the database so that every worker sees the same count."""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil

from sqlmodel import Session, col, delete, func, select

from buuv_app.errors import Throttled
from buuv_app.models import AuthAttempt, utcnow

LOGIN_LIMIT = 5
LOGIN_WINDOW = timedelta(minutes=15)
SIGNUP_LIMIT = 5
SIGNUP_WINDOW = timedelta(minutes=30)
RESET_LIMIT = 5
RESET_WINDOW = timedelta(hours=1)
KEEP_FOR = timedelta(days=1)


def email_key(email: str) -> str:
    return f"email:{email.strip().lower()[:254]}"


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"


def check(
    *, session: Session, kind: str, keys: list[str], limit: int, window: timedelta,
    now: datetime | None = None,
) -> None:
    """Raise Throttled when any key has `limit` attempts of `kind` within `window`."""
    now = now or utcnow()
    retry_after = 0
    for key in keys:
        attempts = session.exec(
            select(AuthAttempt.created_at)
            .where(AuthAttempt.kind == kind, AuthAttempt.key == key, AuthAttempt.created_at > now - window)
            .order_by(col(AuthAttempt.created_at).desc())
            .limit(limit)
        ).all()
        if len(attempts) >= limit:
            # Allowed again when the oldest of the last `limit` attempts leaves the window.
            retry_after = max(retry_after, ceil((attempts[-1] + window - now).total_seconds()))
    if retry_after > 0:
        raise Throttled(retry_after)


def record(*, session: Session, kind: str, keys: list[str], now: datetime | None = None) -> None:
    now = now or utcnow()
    for key in keys:
        session.add(AuthAttempt(kind=kind, key=key, created_at=now))
    session.exec(delete(AuthAttempt).where(col(AuthAttempt.created_at) < now - KEEP_FOR))
    session.commit()


def clear(*, session: Session, kind: str, key: str) -> None:
    session.exec(delete(AuthAttempt).where(AuthAttempt.kind == kind, AuthAttempt.key == key))
    session.commit()


def count(*, session: Session, kind: str, key: str) -> int:
    return session.exec(
        select(func.count()).select_from(AuthAttempt).where(AuthAttempt.kind == kind, AuthAttempt.key == key)
    ).one()

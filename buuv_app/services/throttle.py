"""Counting attempts in a sliding window, in the database so that every worker sees the same count.

`reserve` is called before anything is tried: it records the attempt first and counts after, so
parallel attempts (threads, workers, a script) cannot all pass a check that none of them has been
counted in yet.
"""

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
CONFIRM_LIMIT = 5
CONFIRM_WINDOW = timedelta(hours=1)
PASSWORD_LIMIT = 5
PASSWORD_WINDOW = timedelta(minutes=15)
KEEP_FOR = timedelta(days=1)


def email_key(email: str) -> str:
    return f"email:{email.strip().lower()[:254]}"


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"


def user_key(user_id: int | None) -> str:
    return f"user:{user_id}"


def clear(*, session: Session, kind: str, key: str) -> None:
    session.exec(delete(AuthAttempt).where(AuthAttempt.kind == kind, AuthAttempt.key == key))
    session.commit()


def count(*, session: Session, kind: str, key: str) -> int:
    return session.exec(
        select(func.count()).select_from(AuthAttempt).where(AuthAttempt.kind == kind, AuthAttempt.key == key)
    ).one()


def reserve(
    *, session: Session, kind: str, keys: list[str], limit: int, window: timedelta,
    now: datetime | None = None,
) -> list[int]:
    """Count one attempt of `kind` for every key, or raise Throttled when a key already has `limit`.

    The attempt is committed before the count: of any number of parallel attempts, the k-th to
    commit sees at least k rows, so at most `limit` pass however they interleave (on SQLite and
    on PostgreSQL alike, without locks). A refused attempt takes its rows back. Returns the ids of
    the rows, for `release` when the attempt turned out right (a correct password)."""
    now = now or utcnow()
    rows = [AuthAttempt(kind=kind, key=key, created_at=now) for key in keys]
    session.add_all(rows)
    session.exec(delete(AuthAttempt).where(col(AuthAttempt.created_at) < now - KEEP_FOR))
    session.flush()
    ids = [row.id for row in rows]
    session.commit()
    retry_after = 0
    for key in keys:
        attempts = session.exec(
            select(AuthAttempt.created_at)
            .where(AuthAttempt.kind == kind, AuthAttempt.key == key, AuthAttempt.created_at > now - window)
            .order_by(col(AuthAttempt.created_at).desc())
            .limit(limit + 1)
        ).all()
        if len(attempts) > limit:
            retry_after = max(retry_after, ceil((attempts[-1] + window - now).total_seconds()), 1)
    if retry_after > 0:
        release(session=session, ids=ids)
        raise Throttled(retry_after)
    return ids


def release(*, session: Session, ids: list[int]) -> None:
    """Take back reserved attempts (the password was right; a refused attempt)."""
    if ids:
        session.exec(delete(AuthAttempt).where(col(AuthAttempt.id).in_(ids)))
        session.commit()

"""Login sessions: a random token in the browser, only its hash in the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, delete, select

from buuv_app.models import AuthSession, User, utcnow
from buuv_app.settings import get_settings

IDLE_TIMEOUT = timedelta(days=14)
ABSOLUTE_TIMEOUT = timedelta(days=90)
# Writing last_seen_at on every event would turn each click into a write; once a few minutes is enough.
TOUCH_INTERVAL = timedelta(minutes=5)
TOKEN_BYTES = 32  # 256 bits


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def device_marker(user_id: int) -> str:
    """Whose data a device holds (assets/pwa.js keeps it; offline copies and outbox items carry it).
    Opaque: it names the account to this server only, and cannot be guessed for another account."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"buuv-device-member:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def new_token() -> tuple[str, str]:
    """(raw, hashed): the raw one goes to the browser or a mail, the hash to the database."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, hash_token(raw)


def create_session(*, session: Session, user: User, ip: str | None = None) -> str:
    """Start a session for `user`; returns the raw token (shown nowhere else, stored nowhere)."""
    raw, hashed = new_token()
    now = utcnow()
    session.add(AuthSession(
        user_id=user.id, token_hash=hashed, created_at=now, last_seen_at=now,
        expires_at=now + ABSOLUTE_TIMEOUT, ip=(ip or None) and ip[:45],
    ))
    session.commit()
    return raw


# Every event of a logged-in member asks this: built once (SQLAlchemy then keeps its cache key).
_BY_TOKEN = (select(AuthSession, User).join(User, AuthSession.user_id == User.id)
             .where(AuthSession.token_hash == sa.bindparam("token_hash")))


def resolve_session(*, session: Session, raw_token: str | None, now: datetime | None = None) -> User | None:
    """The active user behind a token, or None (unknown, expired, idle too long, user gone)."""
    if not raw_token or len(raw_token) > 200:
        return None
    now = now or utcnow()
    row = session.exec(_BY_TOKEN, params={"token_hash": hash_token(raw_token)}).first()
    if row is None:
        return None
    auth_session, user = row
    if now >= auth_session.expires_at or now - auth_session.last_seen_at >= IDLE_TIMEOUT or not user.is_active:
        session.delete(auth_session)
        session.commit()
        return None
    if now - auth_session.last_seen_at >= TOUCH_INTERVAL:
        auth_session.last_seen_at = now
        session.add(auth_session)
        session.commit()
    return user


def find_session(*, session: Session, raw_token: str | None) -> AuthSession | None:
    """The session row behind a token, whatever its state (for what hangs on one login, like push)."""
    if not raw_token or len(raw_token) > 200:
        return None
    return session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(raw_token))).first()


def revoke_session(*, session: Session, raw_token: str | None) -> None:
    if raw_token:
        session.exec(delete(AuthSession).where(AuthSession.token_hash == hash_token(raw_token)))
        session.commit()


def revoke_all_sessions(*, session: Session, user_id: int) -> None:
    session.exec(delete(AuthSession).where(AuthSession.user_id == user_id))
    session.commit()

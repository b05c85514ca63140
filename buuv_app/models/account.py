"""What keeps accounts safe: login sessions, one-time tokens and the record of attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    """A logged-in browser. Only the SHA-256 of its token is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    token_hash: str = Field(max_length=64, unique=True, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ip: str | None = Field(default=None, max_length=45, nullable=True)


class TokenPurpose(StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"
    INVITE_NEIGHBOUR = "invite_neighbour"  # a neighbour registered by an ambassador gets an account


class UserToken(SQLModel, table=True):
    """A single-use link sent by mail (confirm the address, reset the password, accept an invitation)."""

    __tablename__ = "user_token"
    __table_args__ = (
        sa.CheckConstraint("purpose IN ('confirm_email', 'reset_password', 'invite_neighbour')", name="purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    purpose: str = Field(max_length=20, nullable=False)
    token_hash: str = Field(max_length=64, unique=True, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class AuthAttempt(SQLModel, table=True):
    """One attempt to be counted for throttling, keyed by "email:...", "ip:..." or "user:...":
    a login or password check (reserved before the password is checked, removed when it was
    right), a sign-up, a reset or confirmation mail; and per member a post, a professional's
    member look-up (so that no one client can flood the others).

    Kept for a day at most (see services.throttle.reserve).
    """

    __tablename__ = "auth_attempt"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('login_failed', 'signup', 'reset', 'confirm', 'password', 'post',"
                           " 'member_lookup', 'wijk_code')", name="kind"),
        sa.Index("ix_auth_attempt_lookup", "kind", "key", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, nullable=False)
    key: str = Field(max_length=300, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

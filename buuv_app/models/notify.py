"""Reaching members outside the app: push subscriptions and weekly digests (the outbox is models/mail.py)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow


class PushSubscription(SQLModel, table=True):
    """One device (browser) of a member that accepted notifications: where to send a Web Push.

    `auth_session_id` is the login session that subscribed, so logging out on that device removes
    it. `locale` is the device's language, in which titles are written.
    """

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    endpoint: str = Field(max_length=1000, unique=True, nullable=False)
    p256dh: str = Field(max_length=200, nullable=False)
    auth: str = Field(max_length=100, nullable=False)
    locale: str = Field(default="nl", max_length=5, nullable=False)
    auth_session_id: int | None = Field(default=None, index=True, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class DigestSent(SQLModel, table=True):
    """The weekly digest of one member for one week (its Monday): the row that makes it once."""

    __tablename__ = "digest_sent"
    __table_args__ = (sa.UniqueConstraint("user_id", "week", name="uq_digest_sent_user_week"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", nullable=False)
    week: date = Field(nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class DigestNeighbourhood(SQLModel, table=True):
    """A nearby wijk a member also wants in their weekly digest (besides their own)."""

    __tablename__ = "digest_neighbourhood"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    neighbourhood_id: int = Field(foreign_key="neighbourhood.id", primary_key=True)

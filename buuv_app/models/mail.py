"""Outgoing mail, kept in an outbox when no SMTP server is configured."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow


class OutboxMail(SQLModel, table=True):
    __tablename__ = "outbox_mail"
    __table_args__ = (
        sa.CheckConstraint("status IN ('stored', 'sent', 'failed')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254, index=True, nullable=False)
    subject: str = Field(max_length=200, nullable=False)
    body: str = Field(sa_type=sa.Text, nullable=False)
    status: str = Field(default="stored", max_length=10, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)

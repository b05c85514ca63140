"""Outgoing mail: the outbox a request writes to and the background sender reads from."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow

# stored: no SMTP server configured, kept (with its body) for testers and the browser tests.
# pending: waiting for the sender (again, after a failed try, from next_attempt_at).
# sending: claimed by one sender. sent: delivered, body emptied. dead: given up after retries.
# failed: written by versions before the sender; nothing writes it any more.
MAIL_STATUSES = ("stored", "pending", "sending", "sent", "dead", "failed")


class OutboxMail(SQLModel, table=True):
    __tablename__ = "outbox_mail"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({', '.join(repr(s) for s in MAIL_STATUSES)})", name="status"),
        sa.Index("ix_outbox_mail_due", "status", "next_attempt_at"),
        sa.CheckConstraint("kind IN ('mail', 'push')", name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254, index=True, nullable=False)
    subject: str = Field(max_length=200, nullable=False)
    body: str = Field(sa_type=sa.Text, nullable=False)
    status: str = Field(default="stored", max_length=10, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    attempts: int = Field(default=0, nullable=False, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_error: str | None = Field(default=None, max_length=300, nullable=True)
    # "push": one Web Push to one device (body: what the sender needs, see services/mail.py).
    kind: str = Field(default="mail", max_length=10, nullable=False, sa_column_kwargs={"server_default": "mail"})
    # Extra mail headers as JSON (the digest's List-Unsubscribe and List-Unsubscribe-Post).
    headers: str | None = Field(default=None, sa_type=sa.Text, nullable=True)

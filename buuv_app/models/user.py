"""People who use BUUV: residents, ambassadors, professionals and admins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    RESIDENT = "resident"
    AMBASSADOR = "ambassador"
    PROFESSIONAL = "professional"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A resident, ambassador, professional or admin."""

    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('resident', 'ambassador', 'professional', 'admin')", name="role"
        ),
        # The few professionals and admins: every post write's recount of its days asks who they are
        # (stats_facts.placer), and found them by reading every member.
        sa.Index("ix_user_role", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=60, nullable=False)
    # Stored lower-cased. Unique when present; demo people and deleted accounts have none.
    email: str | None = Field(default=None, max_length=254, unique=True, nullable=True)
    # argon2id; None for demo people and deleted accounts, who cannot log in.
    password_hash: str | None = Field(default=None, max_length=255, nullable=True)
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    role: str = Field(default=Role.RESIDENT.value, max_length=20, nullable=False)
    home_neighbourhood_id: int | None = Field(
        default=None, foreign_key="neighbourhood.id", index=True, nullable=True
    )
    # Where a professional works: they manage the ambassadors of this municipality.
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", nullable=True)
    accepted_terms_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    confirmed_16_plus_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    is_demo: bool = Field(default=False, nullable=False)
    # Mail me about new messages while I am not online (at most one mail per conversation an hour).
    message_mail: bool = Field(default=True, nullable=False)
    # Web Push per kind (on the devices that accepted notifications), and the weekly digest mail.
    push_message: bool = Field(default=True, nullable=False)
    push_reaction: bool = Field(default=True, nullable=False)
    push_reminder: bool = Field(default=True, nullable=False)
    # A push when a report or appeal of one's own has been handled.
    push_moderation: bool = Field(default=True, nullable=False)
    # Show a message's text in its notification (on the lock screen): off unless chosen.
    push_show_text: bool = Field(default=False, nullable=False)
    digest_mail: bool = Field(default=True, nullable=False)
    # Only verified neighbours may start a conversation with me (models/verification.py).
    messages_verified_only: bool = Field(default=False, nullable=False)
    # When "Meldingen aanzetten" was offered after the first post (offered once).
    push_offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # When a page of the app last told the server this person was there (updated about once a minute).
    # The member profile (/buur/<id>, services/profiles.py): a short plain-text introduction and
    # the key of a photo cleaned by services/photos.py; both optional, seen by members only.
    intro: str | None = Field(default=None, max_length=500, nullable=True)
    photo_key: str | None = Field(default=None, max_length=64, nullable=True)
    last_online_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # A deleted account stays as an empty row, so messages it sent can say "verwijderde gebruiker".
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # Suspended by a moderator (services/moderation.py): until `suspended_until`, or for good when
    # that is None. A suspended account is not active: it cannot log in, post, react or message.
    suspended_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    suspended_until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None and (self.suspended_until is None or self.suspended_until > utcnow())

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None and self.email_verified_at is not None and not self.is_suspended

"""Neighbours without an account: registered by an ambassador, who posts requests and offers for them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow

FIRST_NAME_MAX = 60
PHONE_MAX = 20
BOARD_LOCATION_MAX = 120


class ContactMethod(StrEnum):
    """How BUUV reaches the neighbour when someone reacts."""

    AMBASSADOR = "ambassador"  # through the ambassador
    PHONE = "phone"
    BOARD = "board"  # at a board location (free text until the boards table is linked)


class ConsentMethod(StrEnum):
    """How the neighbour said yes to being on BUUV."""

    VERBAL = "verbal"  # mondeling
    PAPER = "paper"  # op papier
    PHONE = "phone"  # telefonisch


class Neighbour(SQLModel, table=True):
    """Someone who takes part through an ambassador: a first name, a neighbourhood, how to reach
    them and their recorded consent.

    The contact details (phone, board location) are private: only `ambassador` and the
    professionals of the neighbourhood's municipality see them (services/permissions.py). When the
    neighbour gets an account of their own, `account_id` points at it (set when invited,
    `joined_at` when they accepted) and their posts move to that account.
    """

    __table_args__ = (
        sa.CheckConstraint("contact_method IN ('ambassador', 'phone', 'board')", name="contact_method"),
        sa.CheckConstraint("consent_method IS NULL OR consent_method IN ('verbal', 'paper', 'phone')",
                           name="consent_method"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ambassador_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    first_name: str = Field(max_length=FIRST_NAME_MAX, nullable=False)
    neighbourhood_id: int = Field(foreign_key="neighbourhood.id", index=True, nullable=False)
    contact_method: str = Field(default=ContactMethod.AMBASSADOR.value, max_length=12, nullable=False)
    phone: str | None = Field(default=None, max_length=PHONE_MAX, nullable=True)
    board_location: str | None = Field(default=None, max_length=BOARD_LOCATION_MAX, nullable=True)
    # Consent: how and on which day it was given, and who recorded it when. All empty: not (yet) given.
    consent_method: str | None = Field(default=None, max_length=10, nullable=True)
    consent_given_on: date | None = Field(default=None, nullable=True)
    consent_recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    consent_recorded_by_id: int | None = Field(default=None, foreign_key="user.id", nullable=True)
    # Their own account: set when invited, joined_at once they accepted the invitation.
    account_id: int | None = Field(default=None, foreign_key="user.id", index=True, nullable=True)
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    joined_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

    @property
    def has_consent(self) -> bool:
        return self.consent_method is not None and self.consent_given_on is not None

    @property
    def has_joined(self) -> bool:
        return self.joined_at is not None

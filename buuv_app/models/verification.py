"""Verified neighbours ("Buur geverifieerd"): who is known to live in their wijk, how and by whom."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow


class VerificationMethod(StrEnum):
    BOARD_CODE = "board_code"  # the wijk code printed on the current sheet of a board of the wijk
    IN_PERSON = "in_person"  # an ambassador or professional met them


class MeetingKind(StrEnum):
    """How an ambassador or professional met the member (like a neighbour's consent method)."""

    HOME_VISIT = "home_visit"  # thuis bezocht
    MEETING = "meeting"  # ontmoet (spreekuur, activiteit, bij het prikbord)
    KNOWN = "known"  # ken ik persoonlijk als buurtbewoner


class LapseCause(StrEnum):
    MOVED = "moved"  # the member chose another wijk on /account
    REVOKED = "revoked"  # a professional (or admin) took it back: also in the moderation audit log


class Verification(SQLModel, table=True):
    """One verification of a member as a resident of one wijk. A member has at most one that is in
    force (revoked_at is None, and its wijk is still their wijk); ended ones stay as the record."""

    __table_args__ = (
        sa.CheckConstraint("method IN ('board_code', 'in_person')", name="method"),
        sa.CheckConstraint("meeting IS NULL OR meeting IN ('home_visit', 'meeting', 'known')", name="meeting"),
        sa.CheckConstraint("lapse_cause IS NULL OR lapse_cause IN ('moved', 'revoked')", name="lapse_cause"),
        # Is this member verified: one member's verification in force.
        sa.Index("ix_verification_member", "user_id", "revoked_at", "neighbourhood_id"),
        # The back office's count per wijk and method.
        sa.Index("ix_verification_figures", "neighbourhood_id", "revoked_at", "method"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", nullable=False)
    neighbourhood_id: int = Field(foreign_key="neighbourhood.id", nullable=False)
    method: str = Field(max_length=12, nullable=False)
    # board_code: the board whose sheet carried the code.
    board_id: int | None = Field(default=None, foreign_key="board_location.id", nullable=True)
    # in_person: who confirmed, how and on which day they met.
    verified_by_id: int | None = Field(default=None, foreign_key="user.id", nullable=True)
    meeting: str | None = Field(default=None, max_length=12, nullable=True)
    met_on: date | None = Field(default=None, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    revoked_by_id: int | None = Field(default=None, foreign_key="user.id", nullable=True)  # None: moved
    lapse_cause: str | None = Field(default=None, max_length=10, nullable=True)


def in_force(user_id, neighbourhood_id):
    """The query condition "this member has a verification in force": not revoked, and of the wijk
    they live in now (`user_id`, `neighbourhood_id`: columns or values). Moving away ends it even
    before services/verification.lapse_on_move has written so."""
    return sa.exists().where(Verification.user_id == user_id, Verification.revoked_at.is_(None),
                             Verification.neighbourhood_id == neighbourhood_id)

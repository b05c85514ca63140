"""People who use BUUV. Minimal for now: the accounts issue adds credentials and sessions."""

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
    )

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=60, nullable=False)
    # Unique when present; demo people and (later) neighbours without an account have none.
    email: str | None = Field(default=None, max_length=254, unique=True, nullable=True)
    role: str = Field(default=Role.RESIDENT.value, max_length=20, nullable=False)
    home_neighbourhood_id: int | None = Field(
        default=None, foreign_key="neighbourhood.id", index=True, nullable=True
    )
    is_demo: bool = Field(default=False, nullable=False)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False
    )

"""Facts stored for the back office's figures, kept current on write (services/stats_facts.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime

# The areas a first contact is kept for: everywhere, per municipality, per wijk.
EVERYWHERE, MUNICIPALITY, WIJK = 0, 1, 2


class FirstContact(SQLModel, table=True):
    """When a pair of people first got in contact (their first conversation about a real post)
    within an area: the new-ties figure counts the rows whose `first_at` lies in a period.

    A pair is (a, b) with a < b: member ids, or minus a neighbour's id for a neighbour without an
    account whose ambassador answered for them. `level` is EVERYWHERE (area_id 0), MUNICIPALITY
    or WIJK (area_id that municipality's or wijk's id)."""

    __tablename__ = "first_contact"
    __table_args__ = (sa.Index("ix_first_contact_area_first", "level", "area_id", "first_at"),)

    level: int = Field(primary_key=True, sa_type=sa.SmallInteger)
    area_id: int = Field(primary_key=True)
    a: int = Field(primary_key=True)
    b: int = Field(primary_key=True)
    first_at: datetime = Field(sa_type=UTCDateTime, nullable=False)

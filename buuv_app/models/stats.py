"""Facts stored for the back office's figures, kept current on write (services/stats_facts.py)."""

from __future__ import annotations

from datetime import date, datetime

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


class PostDay(SQLModel, table=True):
    """The additive post counts of one local (Dutch) day in an area, per kind, category and who
    placed them: posts placed that day (and of those, how many are matched by now) and posts
    matched that day. The figures that are sums (posts and matches by kind, category and placer,
    over weeks and months) add these rows up instead of grouping every post; periods run from
    local midnight to local midnight, so a sum of whole days is exactly the live count.

    `level` is MUNICIPALITY (area_id the municipality's id) or WIJK (the wijk's id); `placer` is
    "resident", "ambassador" or "professional" (the placer's current role, as stats._placer).
    Only real (not demo) posts count. Without a rowid on SQLite: the rows are the primary key's
    index, so a period of an area is one range read in place (not a lookup per day row)."""

    __tablename__ = "post_day"
    __table_args__ = {"sqlite_with_rowid": False}

    level: int = Field(primary_key=True, sa_type=sa.SmallInteger)
    area_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=10)
    category_id: int = Field(primary_key=True)
    placer: str = Field(primary_key=True, max_length=12)
    placed: int = Field(default=0, nullable=False)
    placed_matched: int = Field(default=0, nullable=False)  # of those placed that day, matched by now
    matched: int = Field(default=0, nullable=False)  # matched that day (by matched_at)
    closed: int = Field(default=0, nullable=False)  # closed that day (by closed_at), and still closed
    reacted: int = Field(default=0, nullable=False)  # of those placed that day, with a first reaction by now
    # Running out that day (by expires_at) while still open or in contact: what ran out, once the
    # day is past; and of those, the ones still open without any reaction (online or on paper).
    expiring: int = Field(default=0, nullable=False)
    expiring_unanswered: int = Field(default=0, nullable=False)


class MemberDay(SQLModel, table=True):
    """What a member did on one local (Dutch) day about the posts of an area: placed a request or
    an offer of their own, helped (reacted to a request that got matched, or placed an offer that
    got matched) or was helped (placed a request that got matched, or reacted to an offer that got
    matched); 0 or 1 each. Reciprocity takes, per member, the largest of each over the days of a
    period (stats._reciprocity) instead of grouping every post and conversation.

    `level` is MUNICIPALITY or WIJK, as for post_day. Without a rowid on SQLite: the rows are the
    primary key's index, read in member order, so grouping per member needs no sort.

    Each row also links to the member's other days in the same area (kept with the flags, by
    stats_facts.link_member_days): `prev_day`, their day before this one, and `next_*`, the first
    day from this one on with that flag. A member's first row in a period (its `prev_day` before
    the period) then says on its own whether they asked, offered, helped or were helped in the
    period (a `next_*` not after its last day): a period is read as one range of the index
    ix_member_day_first, one row per member, instead of every day of every member."""

    __tablename__ = "member_day"
    __table_args__ = (sa.Index("ix_member_day_first", "level", "area_id", "day", "prev_day", "user_id", "next_asked",
                               "next_offered", "next_helped", "next_was_helped"),
                      {"sqlite_with_rowid": False})

    level: int = Field(primary_key=True, sa_type=sa.SmallInteger)
    area_id: int = Field(primary_key=True)
    user_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    asked: int = Field(default=0, sa_type=sa.SmallInteger, nullable=False)
    offered: int = Field(default=0, sa_type=sa.SmallInteger, nullable=False)
    helped: int = Field(default=0, sa_type=sa.SmallInteger, nullable=False)
    was_helped: int = Field(default=0, sa_type=sa.SmallInteger, nullable=False)
    prev_day: date | None = Field(default=None)  # the member's day before this one in the area
    next_asked: date | None = Field(default=None)  # the first day from this one on with `asked`
    next_offered: date | None = Field(default=None)
    next_helped: date | None = Field(default=None)
    next_was_helped: date | None = Field(default=None)


class ActiveDay(SQLModel, table=True):
    """A local (Dutch) day on which a member placed a post, started a conversation or wrote a
    message (anywhere; demo posts aside): active members count the members with such a day in a
    window (stats._active_members) instead of every deed. Without a rowid on SQLite, with the
    day first as a second index: a window is one range of (day, member) pairs.

    `prev_day` is the member's active day before this one (kept by stats_facts.link_active_days):
    a member's first day in a window is the one row of theirs there with `prev_day` before the
    window, so the window's members are counted without grouping their days."""

    __tablename__ = "active_day"
    __table_args__ = (sa.Index("ix_active_day_first", "day", "prev_day", "user_id"), {"sqlite_with_rowid": False})

    user_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    prev_day: date | None = Field(default=None)

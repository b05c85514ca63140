"""Requests (vraag) and offers (aanbod): what the marketplace is made of."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow

# A post stays up for six weeks unless its author renews it.
POST_LIFETIME = timedelta(weeks=6)
TITLE_MAX = 80
BODY_MAX = 2000
THANK_YOU_MAX = 500


class PostKind(StrEnum):
    REQUEST = "request"
    OFFER = "offer"


class Visibility(StrEnum):
    EVERYONE = "everyone"
    MEMBERS = "members"  # only signed-in members: a shy asker's choice
    VERIFIED = "verified"  # only verified neighbours ("alleen geverifieerde buren", models/verification.py)


class WhenKind(StrEnum):
    FLEXIBLE = "flexible"
    DATE = "date"
    PERIOD = "period"


class PostStatus(StrEnum):
    OPEN = "open"
    IN_CONTACT = "in_contact"
    MATCHED = "matched"
    CLOSED = "closed"


def default_expiry() -> datetime:
    return utcnow() + POST_LIFETIME


class Post(SQLModel, table=True):
    """One request or offer, in one neighbourhood and one category."""

    __table_args__ = (
        sa.CheckConstraint("kind IN ('request', 'offer')", name="kind"),
        sa.CheckConstraint(
            "status IN ('open', 'in_contact', 'matched', 'closed')", name="status"
        ),
        sa.CheckConstraint("visibility IN ('everyone', 'members', 'verified')", name="visibility"),
        sa.CheckConstraint("when_kind IN ('flexible', 'date', 'period')", name="when_kind"),
        # The neighbourhood feed: open posts of one neighbourhood, newest first.
        sa.Index("ix_post_feed", "neighbourhood_id", "status", "created_at", "id"),
        # All of both towns, newest first (home page, municipality filter, keyset pages).
        sa.Index("ix_post_recent", "created_at", "id"),
        # The most common filter: one neighbourhood, one kind, one category, newest first.
        sa.Index("ix_post_browse", "neighbourhood_id", "kind", "category_id", "created_at", "id"),
        # A post written offline carries an id made on the device: a resend is placed once.
        sa.Index("ux_post_author_client", "author_id", "client_id", unique=True),
        # The back office's figures (services/stats.py): matches in a period; open posts and
        # how they ran out (also the reminders' query); each covers what those figures read.
        sa.Index("ix_post_matched_at", "matched_at", "status", "kind", "is_demo", "neighbourhood_id", "category_id",
                 "author_id", "ambassador_id", "neighbour_id"),
        # (visibility: the open posts a board's sheet shows, per wijk.)
        sa.Index("ix_post_status_expires", "status", "expires_at", "kind", "is_demo", "neighbourhood_id",
                 "first_reaction_at", "visibility"),
        # Covers what the figures read of a post placed in a period, so they never read its text.
        sa.Index("ix_post_figures", "created_at", "neighbourhood_id", "kind", "category_id", "status", "author_id",
                 "ambassador_id", "neighbour_id", "matched_at", "is_demo", "first_reaction_at"),
        # A member's posts, newest first; and an ambassador's work (stats.ambassadors): the last
        # post placed and the open ones placed for neighbours, read from the index alone.
        sa.Index("ix_post_author_created", "author_id", "created_at"),
        sa.Index("ix_post_ambassador_work", "ambassador_id", "author_id", "status", "expires_at", "created_at"),
        # The posts closed on a day: with ix_post_recent, ix_post_matched_at and ix_post_status_expires,
        # a write's recount of its days (stats_facts.refresh_post_days) reads the posts of those days.
        sa.Index("ix_post_closed_at", "closed_at"),
        # The first-reaction percentiles: walked in order of the wait, the k-th one of a period
        # and scope is found without sorting every wait (stats._first_reaction_percentiles).
        sa.Index("ix_post_wait", "kind", "first_reaction_wait", "created_at", "neighbourhood_id", "is_demo"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, nullable=False)
    title: str = Field(max_length=TITLE_MAX, nullable=False)
    body: str = Field(max_length=BODY_MAX, nullable=False)
    category_id: int = Field(foreign_key="category.id", index=True, nullable=False)
    neighbourhood_id: int = Field(foreign_key="neighbourhood.id", nullable=False)
    author_id: int = Field(foreign_key="user.id", nullable=False)  # indexed with created_at (ix_post_author_created)
    status: str = Field(default=PostStatus.OPEN.value, max_length=12, nullable=False)
    is_demo: bool = Field(default=False, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(
        default_factory=default_expiry, sa_type=UTCDateTime, nullable=False
    )
    # Printed on paper boards as BUUV-XXXXX; no 0/O, 1/I/L to confuse.
    short_code: str = Field(max_length=8, unique=True, nullable=False)
    visibility: str = Field(default=Visibility.EVERYONE.value, max_length=10, nullable=False)
    when_kind: str = Field(default=WhenKind.FLEXIBLE.value, max_length=10, nullable=False)
    when_start: date | None = Field(default=None, nullable=True)
    when_end: date | None = Field(default=None, nullable=True)
    photo_key: str | None = Field(default=None, max_length=64, nullable=True)
    client_id: str | None = Field(default=None, max_length=64, nullable=True)
    # Title, text, category and place, lower-cased without accents: what full-text search reads.
    search_text: str = Field(default="", sa_type=sa.Text, nullable=False)
    reminder_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    matched_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # Deleted by its author while others had written about it: the row stays, emptied and closed,
    # so their conversation survives with the post shown as removed (posts.delete_post).
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    helped_by: str | None = Field(default=None, max_length=60, nullable=True)
    # "Wie hielp?" chosen from the people the author talked to about this post (a member); None
    # when nobody was named or the helper was named in free text only ("iemand anders").
    helped_by_id: int | None = Field(default=None, foreign_key="user.id", index=True, nullable=True)
    thank_you: str | None = Field(default=None, max_length=500, nullable=True)
    # Placed by an ambassador for a neighbour without an account (models/neighbour.py). The
    # ambassador stays recorded when the neighbour later takes the post over with an account.
    neighbour_id: int | None = Field(default=None, foreign_key="neighbour.id", index=True, nullable=True)
    ambassador_id: int | None = Field(default=None, foreign_key="user.id", nullable=True)  # ix_post_ambassador_work
    # Hidden by moderation (services/moderation.py): out of every feed, shown greyed to its author
    # with the reason. `hidden_cause` is "hold" (reported by several members, pending review),
    # "moderator" or "suspension" (its author was suspended); one appeal per hiding.
    hidden_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    hidden_cause: str | None = Field(default=None, max_length=12, nullable=True)
    hidden_reason: str | None = Field(default=None, max_length=300, nullable=True)
    appealed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # A stored fact for the back office's figures (services/stats_facts.py): the moment of the
    # first reaction, online (a conversation started) or on paper; None while nobody reacted.
    first_reaction_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # ... and the seconds from placing to it (the same fact, stored as the percentiles order it).
    first_reaction_wait: float | None = Field(default=None, sa_type=sa.Float, nullable=True)

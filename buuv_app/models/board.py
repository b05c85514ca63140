"""Paper bulletin boards (prikborden): where they hang, what they cover, who keeps them, and the
reactions that came in on paper."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow

BOARD_NAME_MAX = 100
BOARD_ADDRESS_MAX = 200
BOARD_TEXT_MAX = 300
BOARD_PHONE_MAX = 20
PAPER_NOTE_MAX = 500


class BoardLocation(SQLModel, table=True):
    """A place with a BUUV prikbord: a library, a community centre, a health centre, ...

    The slug is the board's stable address (/prikborden/<slug>, /api/boards/<slug>/sheet.pdf) and
    never changes once made, so printed links and bookmarks keep working.
    """

    __tablename__ = "board_location"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True, nullable=False)
    name: str = Field(max_length=BOARD_NAME_MAX, nullable=False)
    address: str = Field(max_length=BOARD_ADDRESS_MAX, nullable=False)
    municipality_id: int = Field(foreign_key="municipality.id", index=True, nullable=False)
    opening_hours: str = Field(default="", max_length=BOARD_TEXT_MAX, nullable=False)
    # How to answer a post without internet, printed on every sheet: at the desk, ...
    desk_text: str = Field(default="", max_length=BOARD_TEXT_MAX, nullable=False)
    # ... or through the ambassadors' phone line (a public number, printed on paper).
    phone: str = Field(default="", max_length=BOARD_PHONE_MAX, nullable=False)
    # Seeded sample locations until a professional makes them real; shown as "voorbeeld".
    is_sample: bool = Field(default=False, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class BoardNeighbourhood(SQLModel, table=True):
    """A wijk whose open posts hang on this board."""

    __tablename__ = "board_neighbourhood"

    board_id: int = Field(foreign_key="board_location.id", primary_key=True)
    neighbourhood_id: int = Field(foreign_key="neighbourhood.id", primary_key=True, index=True)


class BoardAmbassador(SQLModel, table=True):
    """An ambassador who keeps this board: prints the sheets and records paper reactions."""

    __tablename__ = "board_ambassador"

    board_id: int = Field(foreign_key="board_location.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)


class PaperReaction(SQLModel, table=True):
    """A reaction to a post that came in on paper or by phone through a board ("reactie via
    prikbord"), recorded by an ambassador or professional."""

    __tablename__ = "paper_reaction"
    __table_args__ = (
        sa.Index("ix_paper_reaction_board", "board_id", "post_id"),
        # A post's first reaction on paper (the figures' time to the first reaction).
        sa.Index("ix_paper_reaction_post_first", "post_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # A post its author deletes takes its paper reactions along (they only counted for it).
    post_id: int = Field(foreign_key="post.id", ondelete="CASCADE", index=True, nullable=False)
    board_id: int = Field(foreign_key="board_location.id", nullable=False)
    recorded_by_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    note: str | None = Field(default=None, max_length=PAPER_NOTE_MAX, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class BoardVisit(SQLModel, table=True):
    """How many times the QR code or the code on a board's sheet led someone to a post (/c/<code>),
    per board per day. A counter only: who visited is never stored."""

    __tablename__ = "board_visit"

    board_id: int = Field(foreign_key="board_location.id", ondelete="CASCADE", primary_key=True)
    day: date = Field(primary_key=True)  # the local (Dutch) date
    visits: int = Field(default=0, nullable=False)

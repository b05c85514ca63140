"""Private conversations about a post, their messages, what each side has read, and blocks (reports: models/moderation.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow

MESSAGE_MAX = 2000


class Conversation(SQLModel, table=True):
    """One responder talking with a post's contact person (its author), about that post."""

    __table_args__ = (
        sa.UniqueConstraint("post_id", "responder_id", name="uq_conversation_post_responder"),
        # The back office's figures (services/stats.py): reactions and new ties in a period,
        # joined to their post without reading the conversation; a post's first reaction.
        sa.Index("ix_conversation_created_at", "created_at", "responder_id", "post_id", "contact_id"),
        sa.Index("ix_conversation_post_first", "post_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True, nullable=False)
    responder_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    contact_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_message_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Message(SQLModel, table=True):
    """A message. `client_id` is made on the sending device: a resend never doubles it."""

    __table_args__ = (
        sa.UniqueConstraint("sender_id", "client_id", name="uq_message_sender_client_id"),
        # With the sender: who wrote a conversation's last message is read from the index alone
        # (an ambassador's conversations waiting for their answer, services/stats.py).
        sa.Index("ix_message_conversation", "conversation_id", "id", "sender_id"),
        # The back office's figures: who was active in a period (services/stats.py).
        sa.Index("ix_message_created_at", "created_at", "sender_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", nullable=False)
    sender_id: int = Field(foreign_key="user.id", nullable=False)
    client_id: str = Field(max_length=64, nullable=False)
    body: str = Field(sa_type=sa.Text, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ConversationRead(SQLModel, table=True):
    """How far a participant has read: messages after `last_read_message_id` are unread."""

    __tablename__ = "conversation_read"

    conversation_id: int = Field(foreign_key="conversation.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    last_read_message_id: int = Field(default=0, nullable=False)
    # The last "new messages" mail about this conversation to this person.
    last_mailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class Block(SQLModel, table=True):
    """`blocker` wants no messages from `blocked` (and not to see their posts)."""

    blocker_id: int = Field(foreign_key="user.id", primary_key=True)
    blocked_id: int = Field(foreign_key="user.id", primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class LiveView(SQLModel, table=True):
    """A browser tab of a member that is open right now: where to push a new message at once.

    `client_token` is Reflex's per-tab token; `conversation_id` is set while the tab shows that
    conversation; `visible` while it is in view. Rows older than a few minutes are stale and ignored (and pruned).
    """

    __tablename__ = "live_view"

    client_token: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", nullable=True)
    # Whether the tab is in view (document.visibilityState, reported by the page): a hidden tab or
    # a locked phone shows nobody anything, so its member still gets the mail about a new message.
    visible: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()}, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

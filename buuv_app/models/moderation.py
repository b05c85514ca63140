"""Moderation: reports of posts, conversations and messages, what moderators did about them
(an append-only audit log), notices to members, and the daily reminder to professionals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from buuv_app.models.types import UTCDateTime, utcnow

REPORT_MAX = 1000  # the reason column (a code now; older rows hold free text)
NOTE_MAX = 500  # the reporter's (or an appealing author's, or a moderator's) own words
HIDDEN_REASON_MAX = 300
# The author of a hidden post may appeal within this long after the hiding (Mastodon's rule).
APPEAL_WINDOW = timedelta(days=20)


def appeal_open(hidden_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether the author of a post hidden at `hidden_at` may still appeal: up to and including
    APPEAL_WINDOW after the hiding."""
    return hidden_at is not None and (now or utcnow()) <= hidden_at + APPEAL_WINDOW


class ReportStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class Report(SQLModel, table=True):
    """A post, conversation or single message reported by a member (or an appeal by the author of
    a hidden post). `subject_id` is the member it is about; `group_id` ties repeated reports by one
    reporter against the same member in a short while to the first of them. Only the messages
    in `shared_message_ids` (the reported one and those the reporter chose to share) reach the
    moderator, never the rest of the conversation."""

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'in_progress', 'resolved')", name="status"),
        # The queue: open reports of one municipality, oldest first.
        sa.Index("ix_report_queue", "status", "municipality_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    subject_id: int | None = Field(default=None, foreign_key="user.id", index=True, nullable=True)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True, nullable=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True, nullable=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", nullable=True)
    reason: str = Field(max_length=REPORT_MAX, nullable=False)
    note: str = Field(default="", sa_type=sa.Text, nullable=False)
    shared_message_ids: str = Field(default="", sa_type=sa.Text, nullable=False)  # "12,13,14"
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", nullable=True)
    group_id: int | None = Field(default=None, nullable=True)
    is_appeal: bool = Field(default=False, nullable=False)
    status: str = Field(default=ReportStatus.OPEN.value, max_length=12, nullable=False)
    assignee_id: int | None = Field(default=None, foreign_key="user.id", nullable=True)
    outcome: str = Field(default="", max_length=20, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class ModerationAction(SQLModel, table=True):
    """One line of the audit log: who did what to which item or member, when and why. The app
    only ever adds lines (services/moderation.py has no function that changes or removes one), and
    the database refuses UPDATE and DELETE on the table too (create_audit_guard). A deleted
    account's lines stay as they are: the user row itself stays, as "verwijderde gebruiker"."""

    __tablename__ = "moderation_action"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", nullable=True)  # None: automatic
    action: str = Field(max_length=20, nullable=False)
    report_id: int | None = Field(default=None, foreign_key="report.id", index=True, nullable=True)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True, nullable=True)
    subject_id: int | None = Field(default=None, foreign_key="user.id", index=True, nullable=True)
    reason: str = Field(default="", sa_type=sa.Text, nullable=False)
    until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


# The audit log is append-only in the database itself: triggers refuse UPDATE and DELETE on
# moderation_action (TRUNCATE, which only a test or an operator runs, is not a row change). Created by
# the revision 0065 and by the tests' schema. On SQLite a later batch_alter_table that rebuilds the
# table drops its triggers: such a revision must call create_audit_guard again.
AUDIT_GUARD_MESSAGE = "moderation_action is append-only: the audit log cannot be changed or removed"
_SQLITE_GUARD = [
    f"CREATE TRIGGER IF NOT EXISTS moderation_action_no_{verb.lower()} BEFORE {verb} ON moderation_action "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_GUARD_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
]
_SQLITE_UNGUARD = ["DROP TRIGGER IF EXISTS moderation_action_no_update",
                   "DROP TRIGGER IF EXISTS moderation_action_no_delete"]
_POSTGRES_GUARD = [
    "CREATE OR REPLACE FUNCTION moderation_action_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{AUDIT_GUARD_MESSAGE}'; END $$",
    "DROP TRIGGER IF EXISTS moderation_action_append_only ON moderation_action",
    "CREATE TRIGGER moderation_action_append_only BEFORE UPDATE OR DELETE ON moderation_action "
    "FOR EACH ROW EXECUTE FUNCTION moderation_action_append_only()",
]
_POSTGRES_UNGUARD = ["DROP TRIGGER IF EXISTS moderation_action_append_only ON moderation_action",
                     "DROP FUNCTION IF EXISTS moderation_action_append_only()"]


def create_audit_guard(connection: sa.Connection) -> None:
    """Make the database refuse UPDATE and DELETE on the audit log (idempotent)."""
    sqlite = connection.dialect.name == "sqlite"
    for statement in _SQLITE_GUARD if sqlite else _POSTGRES_GUARD:
        connection.exec_driver_sql(statement)


def drop_audit_guard(connection: sa.Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    for statement in _SQLITE_UNGUARD if sqlite else _POSTGRES_UNGUARD:
        connection.exec_driver_sql(statement)


class MemberNotice(SQLModel, table=True):
    """Something a member sees on their next visit: a moderator's warning, or the outcome of a
    report they made. `text` is the moderator's own words; outcomes are worded when shown."""

    __tablename__ = "member_notice"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('warning', 'outcome')", name="kind"),
        sa.Index("ix_member_notice_unseen", "user_id", "seen_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", nullable=False)
    kind: str = Field(max_length=10, nullable=False)
    outcome: str = Field(default="", max_length=20, nullable=False)
    item_title: str = Field(default="", max_length=120, nullable=False)
    text: str = Field(default="", sa_type=sa.Text, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class ModerationReminder(SQLModel, table=True):
    """The reminder about old open reports went to this municipality's professionals on `day`:
    the key that makes the daily command safe to run again."""

    __tablename__ = "moderation_reminder"

    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
    day: date = Field(primary_key=True)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

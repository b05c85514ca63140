"""Links between a member's stored days, so that the overview reads one row per member:
member_day.prev_day (the member's day before, in the same area) and next_asked, next_offered,
next_helped, next_was_helped (the first day from this one on with that flag), with the index
ix_member_day_first on (level, area, day, prev_day, ...); active_day.prev_day, with
ix_active_day_first on (day, prev_day, member) instead of ix_active_day_day. And
ix_message_conversation holds the sender: who wrote a conversation's last message (an
ambassador's conversations waiting for their answer) is read from the index alone. And
post_day.expiring and expiring_unanswered: the posts running out on a day while open or in
contact, and of those the ones still open without any reaction (requests that ran out
unanswered add up days instead of reading every open post that ran out in the period).

Reciprocity grouped every day row of every member in the period (a year of a municipality:
some 190,000 rows) and active members every (member, day) of 30 and 90 days; a member's first
row in a period (prev_day before it) now answers for the whole period, so both count those rows
alone. Filled here from the rows already there by the same functions as
`python -m buuv_app.cli rebuild-figures` (services/stats_facts.py).

Revision ID: 0111
Revises: 0110
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0111"
down_revision: str | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POST_DAY_EXPIRING = ("expiring", "expiring_unanswered")
MEMBER_LINKS = ("prev_day", "next_asked", "next_offered", "next_helped", "next_was_helped")


def upgrade() -> None:
    for name in MEMBER_LINKS:
        op.add_column("member_day", sa.Column(name, sa.Date(), nullable=True))
    op.add_column("active_day", sa.Column("prev_day", sa.Date(), nullable=True))
    op.drop_index("ix_active_day_day", table_name="active_day")
    for name in POST_DAY_EXPIRING:
        op.add_column("post_day", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    # The links of the days already there, and the posts running out: the app's own functions
    # (services/stats_facts.py).
    from buuv_app.services import stats_facts

    stats_facts.refresh_post_days(connection=op.get_bind(), keys=None)
    stats_facts.refresh_member_days(connection=op.get_bind(), keys=None)
    stats_facts.refresh_active_days(connection=op.get_bind(), keys=None)
    op.create_index("ix_member_day_first", "member_day",
                    ["level", "area_id", "day", "prev_day", "user_id", *MEMBER_LINKS[1:]], unique=False)
    op.create_index("ix_active_day_first", "active_day", ["day", "prev_day", "user_id"], unique=False)
    op.drop_index("ix_message_conversation", table_name="message")
    op.create_index("ix_message_conversation", "message", ["conversation_id", "id", "sender_id"], unique=False)
    op.execute("ANALYZE post_day")
    op.execute("ANALYZE member_day")
    op.execute("ANALYZE active_day")
    op.execute("ANALYZE message")


def downgrade() -> None:
    op.drop_index("ix_message_conversation", table_name="message")
    op.create_index("ix_message_conversation", "message", ["conversation_id", "id"], unique=False)
    op.drop_index("ix_active_day_first", table_name="active_day")
    op.drop_index("ix_member_day_first", table_name="member_day")
    op.create_index("ix_active_day_day", "active_day", ["day", "user_id"], unique=False)
    op.drop_column("active_day", "prev_day")
    for name in POST_DAY_EXPIRING:
        op.drop_column("post_day", name)
    for name in reversed(MEMBER_LINKS):
        op.drop_column("member_day", name)

"""ix_post_closed_at: the posts closed on a day, read on an index.

Every write of a post recounts post_day for the days it touches (services/stats_facts.py). That
recount looked for the posts placed, matched, closed or running out on those days with one
condition over four columns; closed_at had no index, so the database read every post of the
post's municipality instead, on every post placed, edited, matched or closed. Each column's
range is now read on an index of its own (ix_post_recent, ix_post_matched_at,
ix_post_status_expires and this one).

Revision ID: 0112
Revises: 0111
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0112"
down_revision: str | None = "0111"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_post_closed_at", "post", ["closed_at"], unique=False)
    op.execute("ANALYZE post")


def downgrade() -> None:
    op.drop_index("ix_post_closed_at", table_name="post")

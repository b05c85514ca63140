"""ix_user_role: the professionals found on an index, not by reading every member.

Every write of a post recounts post_day for its days (services/stats_facts.py), and each recount
tells professionals' posts from residents' by the placer's role (stats_facts.placer: the ids of
the members whose role is professional or admin). The user table had no index on role, so each
recount read every member. They are few: this index finds them.

Revision ID: 0113
Revises: 0112
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0113"
down_revision: str | None = "0112"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_user_role", "user", ["role"], unique=False)
    op.execute('ANALYZE "user"')


def downgrade() -> None:
    op.drop_index("ix_user_role", table_name="user")

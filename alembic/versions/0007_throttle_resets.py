"""Throttle password-reset requests too: auth_attempt records kind 'reset'.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_attempt", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('login_failed', 'signup', 'reset')")


def downgrade() -> None:
    op.execute("DELETE FROM auth_attempt WHERE kind = 'reset'")
    with op.batch_alter_table("auth_attempt", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('login_failed', 'signup')")

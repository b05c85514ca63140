"""Limit what one member can do: auth_attempt also counts kinds 'post' (placing a post) and
'member_lookup' (a professional or admin looking a member up by
e-mail address).

Revision ID: 0095
Revises: 0055
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0095"
down_revision: str | None = "0055"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "kind IN ('login_failed', 'signup', 'reset', 'confirm', 'password')"
AFTER = "kind IN ('login_failed', 'signup', 'reset', 'confirm', 'password', 'post', 'member_lookup')"


def upgrade() -> None:
    with op.batch_alter_table("auth_attempt", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM auth_attempt WHERE kind IN ('post', 'member_lookup')")
    with op.batch_alter_table("auth_attempt", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", BEFORE)

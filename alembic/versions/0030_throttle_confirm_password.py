"""Throttle confirmation mails and password checks too: auth_attempt records kinds 'confirm'
(a confirmation mail, per address and per client) and 'password' (changing the password,
deleting the account, accepting an invitation).

Revision ID: 0030
Revises: 0050
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_attempt", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('login_failed', 'signup', 'reset', 'confirm', 'password')")


def downgrade() -> None:
    op.execute("DELETE FROM auth_attempt WHERE kind IN ('confirm', 'password')")
    with op.batch_alter_table("auth_attempt", schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('login_failed', 'signup', 'reset')")

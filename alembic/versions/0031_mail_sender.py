"""Mail leaves through a background sender: outbox_mail gets the states pending, sending and dead,
a count of attempts, when to try next, when a sender claimed it and the last error, and an index
on (status, next_attempt_at) for the sender's "what is due" query.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import buuv_app.models.types

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_attempt_at", buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=300), nullable=True))
        batch_op.drop_constraint("status", type_="check")
        batch_op.create_check_constraint(
            "status", "status IN ('stored', 'pending', 'sending', 'sent', 'dead', 'failed')")
        batch_op.create_index("ix_outbox_mail_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    # Mail not sent yet cannot wait in the old table: it is marked failed, as before.
    op.execute("UPDATE outbox_mail SET status = 'failed' WHERE status IN ('pending', 'sending', 'dead')")
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_mail_due")
        batch_op.drop_constraint("status", type_="check")
        batch_op.create_check_constraint("status", "status IN ('stored', 'sent', 'failed')")
        batch_op.drop_column("last_error")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")

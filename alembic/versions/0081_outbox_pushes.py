"""One outbox for mail and pushes: outbox_mail gets a kind ('mail', the default for every existing
row, or 'push': one Web Push to one device) and headers (JSON: the digest's List-Unsubscribe and
List-Unsubscribe-Post), so the one background sender sends both.

Revision ID: 0081
Revises: 0080
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0081'
down_revision: str | None = '0080'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='mail', nullable=False))
        batch_op.add_column(sa.Column('headers', sa.Text(), nullable=True))
        batch_op.create_check_constraint('kind', "kind IN ('mail', 'push')")


def downgrade() -> None:
    # Pushes cannot wait in a table that only knows mail: they are dropped (they are stale by now).
    op.execute("DELETE FROM outbox_mail WHERE kind = 'push'")
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.drop_column('headers')
        batch_op.drop_column('kind')

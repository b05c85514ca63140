"""Read means seen: a tab says whether it is in view (live_view.visible), so a reply to a hidden
tab or a locked phone stays unread and is mailed. A plain ADD COLUMN with a default: existing
rows count as not in view until their page reports.

Revision ID: 0070
Revises: 0035
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0070'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('live_view') as batch:
        batch.add_column(sa.Column('visible', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('live_view') as batch:
        batch.drop_column('visible')

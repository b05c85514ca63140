"""Posts written offline: an id made on the device (post.client_id, unique per author), so the
device's outbox can send a request or offer again without placing it twice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN and CREATE INDEX: no table rebuild on SQLite (the search triggers stay).
    op.add_column('post', sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_index('ux_post_author_client', 'post', ['author_id', 'client_id'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_post_author_client', table_name='post')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('client_id')

"""A post deleted by its author while others had written about it stays as an empty row
(post.deleted_at), so their conversation survives and shows the post as removed.

Revision ID: 0035
Revises: 0031 (written on 0021; re-chained when merged after 0050, 0030 and 0031)
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import buuv_app.models.types

revision: str = '0035'
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: no table rebuild on SQLite (the search triggers stay).
    op.add_column('post', sa.Column('deleted_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

"""Visits to /c/<code> counted per board per day (board_visit), without storing who visited.

Revision ID: 0020
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('board_visit',
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board_location.id'], name=op.f('fk_board_visit_board_id_board_location'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('board_id', 'day', name=op.f('pk_board_visit'))
    )


def downgrade() -> None:
    op.drop_table('board_visit')

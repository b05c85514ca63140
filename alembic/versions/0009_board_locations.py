"""Board locations (prikborden): where they hang, the wijken they cover, the ambassadors who keep
them, and reactions that came in on paper.

The 17 sample locations are data, not schema: `python -m buuv_app.cli seed` adds them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import buuv_app.models.types


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('board_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('opening_hours', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('desk_text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_board_location_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_location'))
    )
    with op.batch_alter_table('board_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_location_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_location_slug'), ['slug'], unique=True)

    op.create_table('board_neighbourhood',
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board_location.id'], name=op.f('fk_board_neighbourhood_board_id_board_location')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_board_neighbourhood_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('board_id', 'neighbourhood_id', name=op.f('pk_board_neighbourhood'))
    )
    with op.batch_alter_table('board_neighbourhood', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_neighbourhood_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('board_ambassador',
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board_location.id'], name=op.f('fk_board_ambassador_board_id_board_location')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_board_ambassador_user_id_user')),
    sa.PrimaryKeyConstraint('board_id', 'user_id', name=op.f('pk_board_ambassador'))
    )
    with op.batch_alter_table('board_ambassador', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_ambassador_user_id'), ['user_id'], unique=False)

    op.create_table('paper_reaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board_location.id'], name=op.f('fk_paper_reaction_board_id_board_location')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_paper_reaction_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_paper_reaction_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_reaction'))
    )
    with op.batch_alter_table('paper_reaction', schema=None) as batch_op:
        batch_op.create_index('ix_paper_reaction_board', ['board_id', 'post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_reaction_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_reaction_recorded_by_id'), ['recorded_by_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('paper_reaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_reaction_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_paper_reaction_post_id'))
        batch_op.drop_index('ix_paper_reaction_board')

    op.drop_table('paper_reaction')
    with op.batch_alter_table('board_ambassador', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_ambassador_user_id'))

    op.drop_table('board_ambassador')
    with op.batch_alter_table('board_neighbourhood', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_neighbourhood_neighbourhood_id'))

    op.drop_table('board_neighbourhood')
    with op.batch_alter_table('board_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_location_slug'))
        batch_op.drop_index(batch_op.f('ix_board_location_municipality_id'))

    op.drop_table('board_location')

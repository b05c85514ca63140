"""Live views: the open browser tabs of members, so a new message is pushed to them at once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import buuv_app.models.types


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('live_view',
    sa.Column('client_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_live_view_conversation_id_conversation')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_live_view_user_id_user')),
    sa.PrimaryKeyConstraint('client_token', name=op.f('pk_live_view'))
    )
    with op.batch_alter_table('live_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_view_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('live_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_view_user_id'))

    op.drop_table('live_view')

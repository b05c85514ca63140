"""Mail when away: the setting, when someone was last online, the last mail per conversation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import buuv_app.models.types


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conversation_read', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_mailed_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        # Everyone who has an account now gets the mails too, until they turn them off.
        batch_op.add_column(sa.Column('message_mail', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('last_online_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('last_online_at')
        batch_op.drop_column('message_mail')

    with op.batch_alter_table('conversation_read', schema=None) as batch_op:
        batch_op.drop_column('last_mailed_at')


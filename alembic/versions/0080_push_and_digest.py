"""Push notifications and the weekly digest: push_subscription (a device per row), digest_sent
(one row per member and week, so a digest goes out once), digest_neighbourhood (nearby wijken in one's digest), and the member's choices
per kind on user (push_message, push_reaction, push_reminder, push_show_text, digest_mail).

Revision ID: 0080
Revises: 0070 (written on 0035; re-chained when merged after 0070)
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import buuv_app.models.types

revision: str = '0080'
down_revision: str | None = '0070'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'push_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('p256dh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('auth', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column('auth_session_id', sa.Integer(), nullable=True),
        sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_success_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_push_subscription_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint')),
    )
    op.create_index(op.f('ix_push_subscription_user_id'), 'push_subscription', ['user_id'], unique=False)
    op.create_index(op.f('ix_push_subscription_auth_session_id'), 'push_subscription', ['auth_session_id'],
                    unique=False)
    op.create_table(
        'digest_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_digest_sent_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_sent')),
        sa.UniqueConstraint('user_id', 'week', name='uq_digest_sent_user_week'),
    )
    op.create_table(
        'digest_neighbourhood',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'],
                                name=op.f('fk_digest_neighbourhood_neighbourhood_id_neighbourhood')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_digest_neighbourhood_user_id_user')),
        sa.PrimaryKeyConstraint('user_id', 'neighbourhood_id', name=op.f('pk_digest_neighbourhood')),
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        # Everyone gets these until they turn them off; the text of a message stays off the lock screen.
        batch_op.add_column(sa.Column('push_message', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('push_reaction', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('push_reminder', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('push_show_text', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('digest_mail', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        for column in ('digest_mail', 'push_show_text', 'push_reminder', 'push_reaction', 'push_message'):
            batch_op.drop_column(column)
    op.drop_table('digest_neighbourhood')
    op.drop_table('digest_sent')
    op.drop_index(op.f('ix_push_subscription_auth_session_id'), table_name='push_subscription')
    op.drop_index(op.f('ix_push_subscription_user_id'), table_name='push_subscription')
    op.drop_table('push_subscription')

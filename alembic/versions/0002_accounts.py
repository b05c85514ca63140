"""Accounts: credentials, sessions, one-time tokens, throttling, mail outbox.

Adds password hash, e-mail verification, terms/age consent, work municipality and soft
deletion to users, and the tables behind login sessions, mailed links and the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import buuv_app.models.types
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('auth_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('login_failed', 'signup')", name=op.f('ck_auth_attempt_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_attempt'))
    )
    with op.batch_alter_table('auth_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_auth_attempt_lookup', ['kind', 'key', 'created_at'], unique=False)

    op.create_table('outbox_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('stored', 'sent', 'failed')", name=op.f('ck_outbox_mail_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mail'))
    )
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_mail_to_address'), ['to_address'], unique=False)

    op.create_table('auth_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_auth_session_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_session_token_hash'))
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_user_id'), ['user_id'], unique=False)

    op.create_table('user_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('confirm_email', 'reset_password')", name=op.f('ck_user_token_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_token_token_hash'))
    )
    with op.batch_alter_table('user_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_token_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_terms_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_16_plus_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        # Existing rows get "now"; the default is dropped again below, as the model sets it.
        batch_op.add_column(sa.Column('updated_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.now()))
        batch_op.add_column(sa.Column('deleted_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_municipality_id_municipality'), 'municipality', ['municipality_id'], ['id'])


    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('updated_at', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_municipality_id_municipality'), type_='foreignkey')
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('confirmed_16_plus_at')
        batch_op.drop_column('accepted_terms_at')
        batch_op.drop_column('municipality_id')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('password_hash')

    with op.batch_alter_table('user_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_token_user_id'))

    op.drop_table('user_token')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_user_id'))

    op.drop_table('auth_session')
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mail_to_address'))

    op.drop_table('outbox_mail')
    with op.batch_alter_table('auth_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_auth_attempt_lookup')

    op.drop_table('auth_attempt')

"""Neighbours without an account: ambassadors register them and post for them.

A neighbour has a first name, a neighbourhood, how to reach them and their recorded consent;
posts record the neighbour and the ambassador who placed them; user_token gets the purpose
'invite_neighbour' (a neighbour invited to an account of their own).

On SQLite the post table is rebuilt to add its foreign keys, which drops the full-text search
triggers with the old table: they are recreated (and the index rebuilt) afterwards, with the
frozen statements of buuv_app/frozen_migration_sql.py (never the live services/search.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import buuv_app.models.types
from alembic import op
from buuv_app.frozen_migration_sql import SQLITE_SEARCH, SQLITE_SEARCH_DROP, run_on_sqlite

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table('neighbour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ambassador_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('contact_method', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('board_location', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('consent_method', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('consent_given_on', sa.Date(), nullable=True),
    sa.Column('consent_recorded_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('joined_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("consent_method IS NULL OR consent_method IN ('verbal', 'paper', 'phone')", name=op.f('ck_neighbour_consent_method')),
    sa.CheckConstraint("contact_method IN ('ambassador', 'phone', 'board')", name=op.f('ck_neighbour_contact_method')),
    sa.ForeignKeyConstraint(['account_id'], ['user.id'], name=op.f('fk_neighbour_account_id_user')),
    sa.ForeignKeyConstraint(['ambassador_id'], ['user.id'], name=op.f('fk_neighbour_ambassador_id_user')),
    sa.ForeignKeyConstraint(['consent_recorded_by_id'], ['user.id'], name=op.f('fk_neighbour_consent_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_neighbour_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_neighbour'))
    )
    with op.batch_alter_table('neighbour', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_neighbour_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_neighbour_ambassador_id'), ['ambassador_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_neighbour_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    run_on_sqlite(connection, SQLITE_SEARCH_DROP)
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('neighbour_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ambassador_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_post_ambassador_id'), ['ambassador_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_neighbour_id'), ['neighbour_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_post_neighbour_id_neighbour'), 'neighbour', ['neighbour_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_post_ambassador_id_user'), 'user', ['ambassador_id'], ['id'])
    run_on_sqlite(connection, SQLITE_SEARCH)

    with op.batch_alter_table('user_token', schema=None) as batch_op:
        batch_op.drop_constraint('purpose', type_='check')
        batch_op.create_check_constraint(
            'purpose', "purpose IN ('confirm_email', 'reset_password', 'invite_neighbour')")


def downgrade() -> None:
    connection = op.get_bind()
    op.execute("DELETE FROM user_token WHERE purpose = 'invite_neighbour'")
    with op.batch_alter_table('user_token', schema=None) as batch_op:
        batch_op.drop_constraint('purpose', type_='check')
        batch_op.create_check_constraint('purpose', "purpose IN ('confirm_email', 'reset_password')")

    run_on_sqlite(connection, SQLITE_SEARCH_DROP)
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_post_ambassador_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_post_neighbour_id_neighbour'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_post_neighbour_id'))
        batch_op.drop_index(batch_op.f('ix_post_ambassador_id'))
        batch_op.drop_column('ambassador_id')
        batch_op.drop_column('neighbour_id')
    run_on_sqlite(connection, SQLITE_SEARCH)

    with op.batch_alter_table('neighbour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_neighbour_neighbourhood_id'))
        batch_op.drop_index(batch_op.f('ix_neighbour_ambassador_id'))
        batch_op.drop_index(batch_op.f('ix_neighbour_account_id'))

    op.drop_table('neighbour')

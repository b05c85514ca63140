"""Verified neighbours: the verification table, post visibility 'verified' ("alleen geverifieerde
buren"), user.messages_verified_only, and auth_attempt kind 'wijk_code' (wrong board codes).

On SQLite the post table is rebuilt to change its CHECK constraint, which drops the full-text
search triggers with the old table: they are made again afterwards, with the frozen statements
of buuv_app/frozen_migration_sql.py (so that this revision never changes when services/search.py
does).

Revision ID: 0101
Revises: 0100
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import buuv_app.models.types
from buuv_app.frozen_migration_sql import SQLITE_SEARCH_REBUILD, SQLITE_SEARCH_TRIGGERS, run_on_sqlite

revision: str = '0101'
down_revision: str | None = '0100'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VISIBILITY_BEFORE = "visibility IN ('everyone', 'members')"
VISIBILITY_AFTER = "visibility IN ('everyone', 'members', 'verified')"
KIND_BEFORE = "kind IN ('login_failed', 'signup', 'reset', 'confirm', 'password', 'post', 'member_lookup')"
KIND_AFTER = ("kind IN ('login_failed', 'signup', 'reset', 'confirm', 'password', 'post', 'member_lookup', "
              "'wijk_code')")

def _post_visibility(check: str) -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    has_fts = sqlite and connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'post_fts'").first() is not None
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_constraint('visibility', type_='check')
        batch_op.create_check_constraint('visibility', check)
    if has_fts:
        run_on_sqlite(connection, (*SQLITE_SEARCH_TRIGGERS, SQLITE_SEARCH_REBUILD))


def upgrade() -> None:
    op.create_table(
        'verification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=True),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('meeting', sa.String(length=12), nullable=True),
        sa.Column('met_on', sa.Date(), nullable=True),
        sa.Column('created_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', buuv_app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('lapse_cause', sa.String(length=10), nullable=True),
        sa.CheckConstraint("method IN ('board_code', 'in_person')", name=op.f('ck_verification_method')),
        sa.CheckConstraint("meeting IS NULL OR meeting IN ('home_visit', 'meeting', 'known')",
                           name=op.f('ck_verification_meeting')),
        sa.CheckConstraint("lapse_cause IS NULL OR lapse_cause IN ('moved', 'revoked')",
                           name=op.f('ck_verification_lapse_cause')),
        sa.ForeignKeyConstraint(['board_id'], ['board_location.id'], name=op.f('fk_verification_board_id_board_location')),
        sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'],
                                name=op.f('fk_verification_neighbourhood_id_neighbourhood')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_verification_revoked_by_id_user')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_verification_user_id_user')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_verification_verified_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verification')),
    )
    op.create_index('ix_verification_member', 'verification', ['user_id', 'revoked_at', 'neighbourhood_id'])
    op.create_index('ix_verification_figures', 'verification', ['neighbourhood_id', 'revoked_at', 'method'])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_verified_only', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('auth_attempt', schema=None) as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.create_check_constraint('kind', KIND_AFTER)
    _post_visibility(VISIBILITY_AFTER)


def downgrade() -> None:
    # Posts for verified neighbours only become members-only: still closed to visitors.
    op.execute("UPDATE post SET visibility = 'members' WHERE visibility = 'verified'")
    _post_visibility(VISIBILITY_BEFORE)
    op.execute("DELETE FROM auth_attempt WHERE kind = 'wijk_code'")
    with op.batch_alter_table('auth_attempt', schema=None) as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.create_check_constraint('kind', KIND_BEFORE)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('messages_verified_only')
    op.drop_index('ix_verification_figures', table_name='verification')
    op.drop_index('ix_verification_member', table_name='verification')
    op.drop_table('verification')

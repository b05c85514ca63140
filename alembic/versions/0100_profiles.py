"""Member profiles: a short introduction and a photo on user (user.intro, user.photo_key), and
"wie hielp?" as a member chosen from the post's conversations (post.helped_by_id).

On SQLite the post table is rebuilt to add the foreign key, which drops the full-text search
triggers with the old table: they are recreated (and the index rebuilt) afterwards, with the
frozen statements of buuv_app/frozen_migration_sql.py (never the live services/search.py).

Revision ID: 0100
Revises: 0083
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from buuv_app.frozen_migration_sql import SQLITE_SEARCH, SQLITE_SEARCH_DROP, run_on_sqlite

revision: str = '0100'
down_revision: str | None = '0083'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intro', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('photo_key', sa.String(length=64), nullable=True))
    run_on_sqlite(op.get_bind(), SQLITE_SEARCH_DROP)
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helped_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_post_helped_by_id'), ['helped_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_post_helped_by_id_user'), 'user', ['helped_by_id'], ['id'])
    run_on_sqlite(op.get_bind(), SQLITE_SEARCH)


def downgrade() -> None:
    run_on_sqlite(op.get_bind(), SQLITE_SEARCH_DROP)
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_post_helped_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_post_helped_by_id'))
        batch_op.drop_column('helped_by_id')
    run_on_sqlite(op.get_bind(), SQLITE_SEARCH)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('photo_key')
        batch_op.drop_column('intro')

"""Read paths of the back office's cold overview: post_day without a rowid on SQLite, the
visibility of a post in ix_post_status_expires, a post's time beside its author and ambassador.

post_day was read through its primary key's index with a lookup of the table row for every day
row of the period (a year of a municipality: some 12,000 of them for the posts over time and the
same again for the matches); without a rowid the rows are that index, read in place (as
member_day and active_day already are). PostgreSQL has no such table option: there only the
index changes. The open posts a board's sheet shows per wijk (stats.board_stats) are counted
from ix_post_status_expires alone once it holds the visibility, instead of looking up every open
post.

Revision ID: 0110
Revises: 0103
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0110"
down_revision: str | None = "0103"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS_EXPIRES = ["status", "expires_at", "kind", "is_demo", "neighbourhood_id", "first_reaction_at"]
AMBASSADOR_WORK = ["ambassador_id", "author_id", "status", "expires_at", "created_at"]
POST_DAY_COLUMNS = "level, area_id, day, kind, category_id, placer, placed, placed_matched, matched, closed, reacted"


def _post_day(name: str, *, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column('level', sa.SmallInteger(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('placer', sa.String(length=12), nullable=False),
        sa.Column('placed', sa.Integer(), nullable=False),
        sa.Column('placed_matched', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('closed', sa.Integer(), nullable=False),
        sa.Column('reacted', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('level', 'area_id', 'day', 'kind', 'category_id', 'placer',
                                name=op.f('pk_post_day')),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild_post_day(*, with_rowid: bool) -> None:
    """SQLite cannot change a table's rowid in place: a new table, the rows copied, renamed."""
    _post_day("post_day_new", with_rowid=with_rowid)
    op.execute(f"INSERT INTO post_day_new ({POST_DAY_COLUMNS}) SELECT {POST_DAY_COLUMNS} FROM post_day")
    op.drop_table("post_day")
    op.rename_table("post_day_new", "post_day")
    op.execute("ANALYZE post_day")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_post_day(with_rowid=False)
    op.drop_index('ix_post_status_expires', table_name='post')
    op.create_index('ix_post_status_expires', 'post', [*STATUS_EXPIRES, 'visibility'], unique=False)
    op.drop_index('ix_post_author_id', table_name='post')
    op.create_index('ix_post_author_created', 'post', ['author_id', 'created_at'], unique=False)
    op.drop_index('ix_post_ambassador_id', table_name='post')
    op.create_index('ix_post_ambassador_work', 'post', AMBASSADOR_WORK, unique=False)
    op.execute("ANALYZE post")


def downgrade() -> None:
    op.drop_index('ix_post_ambassador_work', table_name='post')
    op.create_index('ix_post_ambassador_id', 'post', ['ambassador_id'], unique=False)
    op.drop_index('ix_post_author_created', table_name='post')
    op.create_index('ix_post_author_id', 'post', ['author_id'], unique=False)
    op.drop_index('ix_post_status_expires', table_name='post')
    op.create_index('ix_post_status_expires', 'post', STATUS_EXPIRES, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_post_day(with_rowid=True)

"""Backfill: give every existing post a short code and search text; then index them.

After this the short code is required and unique, and full-text search (FTS5 on SQLite, a Dutch
GIN index on PostgreSQL) covers every post. Server defaults from 0003 are dropped: the app sets
the values itself.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from buuv_app.frozen_migration_sql import SQLITE_SEARCH, SQLITE_SEARCH_DROP
from buuv_app.services import codes, search

# The search index as this revision made it, not imported from services/search.py, so that this
# revision does not change when the service does (0103 moves PostgreSQL on to a stored vector).
# SQLite's statements are frozen in buuv_app/frozen_migration_sql.py: 0010, 0100 and 0101 make
# them again after rebuilding the post table.
POSTGRES_DDL = ["CREATE INDEX IF NOT EXISTS ix_post_search ON post USING gin (to_tsvector('dutch', search_text))"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS ix_post_search"]


def _run(connection, sqlite: tuple[str, ...], postgres: list[str]) -> None:
    for statement in sqlite if connection.dialect.name == "sqlite" else postgres:
        connection.exec_driver_sql(statement)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT post.id, post.title, post.body, category.name_nl, category.name_en, neighbourhood.name, "
        "neighbourhood.district, municipality.name FROM post "
        "JOIN category ON category.id = post.category_id "
        "JOIN neighbourhood ON neighbourhood.id = post.neighbourhood_id "
        "JOIN municipality ON municipality.id = neighbourhood.municipality_id"
    )).all()
    used: set[str] = set()
    for post_id, *parts in rows:
        code = codes.new_code()
        while code in used:
            code = codes.new_code()
        used.add(code)
        connection.execute(
            sa.text("UPDATE post SET short_code = :code, search_text = :text WHERE id = :id"),
            {"code": code, "text": search.normalize(" ".join(p or "" for p in parts)), "id": post_id},
        )
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.alter_column("short_code", existing_type=sa.String(length=8), nullable=False)
        batch_op.create_unique_constraint("uq_post_short_code", ["short_code"])
        batch_op.alter_column("visibility", server_default=None)
        batch_op.alter_column("when_kind", server_default=None)
        batch_op.alter_column("search_text", server_default=None)
    _run(connection, SQLITE_SEARCH, POSTGRES_DDL)


def downgrade() -> None:
    _run(op.get_bind(), SQLITE_SEARCH_DROP, POSTGRES_DROP)
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_constraint("uq_post_short_code", type_="unique")
        batch_op.alter_column("short_code", existing_type=sa.String(length=8), nullable=True)
        batch_op.alter_column("search_text", server_default="")
        batch_op.alter_column("visibility", server_default="everyone")
        batch_op.alter_column("when_kind", server_default="flexible")

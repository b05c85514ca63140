"""Search: PostgreSQL stores each post's Dutch tsvector (a generated column, GIN-indexed).

The index on the expression to_tsvector('dutch', search_text) made every search that walked the
newest posts run the Dutch stemmer again for each post it looked at (five seconds for a word no
post contains, on 100,000 posts). The generated column is computed when a post is written;
adding it fills it for every existing post (PostgreSQL rewrites the table). SQLite's FTS5 table
is unchanged: there this revision only renews the planner's statistics.

Revision ID: 0103
Revises: 0083
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0103"
down_revision: str | None = "0102"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied, not imported from services/search.py: a revision must not change when the service does.
UPGRADE_POSTGRES = [
    "DROP INDEX IF EXISTS ix_post_search",
    "ALTER TABLE post ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_post_search_vector ON post USING gin (search_vector)",
    "ANALYZE post",
]
DOWNGRADE_POSTGRES = [
    "DROP INDEX IF EXISTS ix_post_search_vector",
    "ALTER TABLE post DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS ix_post_search ON post USING gin (to_tsvector('dutch', search_text))",
]


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("ANALYZE")
        return
    for statement in UPGRADE_POSTGRES:
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        for statement in DOWNGRADE_POSTGRES:
            connection.exec_driver_sql(statement)

"""Full-text search that works for Dutch: accent- and case-insensitive, on SQLite and PostgreSQL.

Posts carry `search_text`: title, text, category and place, lower-cased and without accents.
SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL with a GIN index on
its Dutch tsvector (stemming: "boodschappen" finds "boodschap"). Queries are normalised the same
way and every word must match, as a prefix.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.engine import Connection

MAX_QUERY_WORDS = 8
WORD = re.compile(r"[a-z0-9]+")

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_fts USING fts5("
    "search_text, content='post', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS post_fts_insert AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS post_fts_delete AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS post_fts_update AFTER UPDATE OF search_text ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO post_fts(post_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS post_fts_insert",
    "DROP TRIGGER IF EXISTS post_fts_delete",
    "DROP TRIGGER IF EXISTS post_fts_update",
    "DROP TABLE IF EXISTS post_fts",
]
POSTGRES_DDL = [
    "CREATE INDEX IF NOT EXISTS ix_post_search ON post USING gin (to_tsvector('dutch', search_text))",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS ix_post_search"]
# Tables and indexes that live outside SQLModel.metadata (migration checks skip them).
OUTSIDE_METADATA = ("post_fts", "ix_post_search")


def normalize(text: str) -> str:
    """"Café Één" -> "cafe een": what both the index and the queries are made of."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(query: str) -> list[str]:
    return WORD.findall(normalize(query))[:MAX_QUERY_WORDS]


def create_search_index(connection: Connection) -> None:
    """Create the search index for this database (idempotent); used by the migration and tests."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_search_index(connection: Connection) -> None:
    statements = SQLITE_DROP if connection.dialect.name == "sqlite" else POSTGRES_DROP
    for statement in statements:
        connection.exec_driver_sql(statement)


def matches(dialect: str, query: str, post_id_column, search_column):
    """A WHERE clause for posts matching every word of `query` (None when it has no words)."""
    tokens = words(query)
    if not tokens:
        return None
    if dialect == "sqlite":
        fts_query = " ".join(f'"{token}"*' for token in tokens)
        return post_id_column.in_(
            sa.select(sa.literal_column("rowid")).select_from(sa.table("post_fts"))
            .where(sa.text("post_fts MATCH :fts_query").bindparams(fts_query=fts_query))
        )
    ts_query = " & ".join(f"{token}:*" for token in tokens)
    return sa.func.to_tsvector(sa.literal_column("'dutch'"), search_column).op("@@")(
        sa.func.to_tsquery(sa.literal_column("'dutch'"), ts_query)
    )


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: the search index lives outside SQLModel.metadata, so schema
    comparisons must not report it (nor FTS5's shadow tables) as something to drop."""
    return not (reflected and name and name.startswith(OUTSIDE_METADATA))

"""Frozen SQL that several Alembic revisions share: SQLite's full-text search table and triggers.

An old revision must produce the same schema forever, so it may not import live code such as
services/search.py (which moves on). The statements below are the ones revision 0004 created and
0010, 0100 and 0101 make again after SQLite rebuilds the post table (a rebuild drops the triggers
with the old table). They are frozen: never edit a constant here (tests/migrations checks their
checksum); a new revision that needs other statements gets constants of its own, in its own file
or, if it is shared too, new ones here. services/search.py builds today's index from these as long
as it is the same; the dependency only ever points here, never from a revision to the service.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

SQLITE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_fts USING fts5("
    "search_text, content='post', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_SEARCH_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS post_fts_insert AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS post_fts_delete AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS post_fts_update AFTER UPDATE OF search_text ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
# Fills the index from every existing post (after the table is made, or the triggers were missing).
SQLITE_SEARCH_REBUILD = "INSERT INTO post_fts(post_fts) VALUES ('rebuild')"

# The whole index, as 0004 made it, and its removal.
SQLITE_SEARCH = (SQLITE_SEARCH_TABLE, *SQLITE_SEARCH_TRIGGERS, SQLITE_SEARCH_REBUILD)
SQLITE_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS post_fts_insert",
    "DROP TRIGGER IF EXISTS post_fts_delete",
    "DROP TRIGGER IF EXISTS post_fts_update",
    "DROP TABLE IF EXISTS post_fts",
)


def run_on_sqlite(connection: Connection, statements: tuple[str, ...]) -> None:
    """Run `statements` in order when `connection` is SQLite; elsewhere do nothing."""
    if connection.dialect.name == "sqlite":
        for statement in statements:
            connection.exec_driver_sql(statement)

"""Full-text search that works for Dutch: accent- and case-insensitive, on SQLite and PostgreSQL.

Posts carry `search_text`: title, text, category and place, lower-cased and without accents.
SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL stores its Dutch
tsvector in a generated column with a GIN index (stemming: "boodschappen" finds "boodschap"; the
stemmer runs when a post is written, not for every row a search looks at). Queries are normalised
the same way and every word must match, as a prefix.

A feed shows the newest 20 matches, which needs two plans (`feed_match`): a word that few posts
contain is looked up in the index and only those posts are read and sorted; a common one (tuin,
boodschappen: thousands of posts) walks the newest posts first and stops after a page, testing
each against the index, instead of reading and sorting every match to keep 20.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql  # noqa: F401 (registers to_tsquery's types: _TS_QUERY is built at import)
from sqlalchemy.engine import Connection

from buuv_app.frozen_migration_sql import SQLITE_SEARCH, SQLITE_SEARCH_DROP

MAX_QUERY_WORDS = 8
WORD = re.compile(r"[a-z0-9]+")

# SQLite's index is still the one revision 0004 made, whose statements the migrations keep frozen.
# To change it, write the new statements here (and a revision): never edit the frozen ones.
SQLITE_DDL = list(SQLITE_SEARCH)
SQLITE_DROP = list(SQLITE_SEARCH_DROP)
POSTGRES_DDL = [
    "ALTER TABLE post ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_post_search_vector ON post USING gin (search_vector)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS ix_post_search_vector", "ALTER TABLE post DROP COLUMN IF EXISTS search_vector"]
# Tables, columns and indexes that live outside SQLModel.metadata (migration checks skip them).
OUTSIDE_METADATA = ("post_fts", "ix_post_search", "search_vector")
# Up to this many matches a search reads just those posts; beyond it, it walks the newest posts
# (at worst some 21 × 100,000 / 500 = 4,200 rows on 100,000 posts; reading 500 matches costs less).
FEW_MATCHES = 500
# PostgreSQL: a word in at least 5 of the 1,000 newest posts (0.5 %) is walked for.
SAMPLE, COMMON_IN_SAMPLE = 1_000, 5


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


def _fts_query(tokens: list[str]) -> str:
    return " ".join(f'"{token}"*' for token in tokens)


def _ts_text(tokens: list[str]) -> str:
    return " & ".join(f"{token}:*" for token in tokens)


def _to_tsquery(text):
    return sa.func.to_tsquery(sa.literal_column("'dutch'"), text)


def _ts_query(tokens: list[str]):
    return _to_tsquery(_ts_text(tokens))


_FTS_MATCH = "post_fts MATCH :fts_query"
_FTS_ROWIDS = sa.select(sa.literal_column("rowid")).select_from(sa.table("post_fts"))


def _fts_rowids(tokens: list[str]):
    return _FTS_ROWIDS.where(sa.text(_FTS_MATCH).bindparams(fts_query=_fts_query(tokens)))


def _vector_matches(ts_query):
    return sa.literal_column("post.search_vector").op("@@")(ts_query)


def _vector_match(tokens: list[str]):
    return _vector_matches(_ts_query(tokens))


def matches(dialect: str, query: str, post_id_column, search_column):
    """A WHERE clause for posts matching every word of `query` (None when it has no words).
    Works on every revision since 0004 (on PostgreSQL without the index: for the migration checks)."""
    tokens = words(query)
    if not tokens:
        return None
    if dialect == "sqlite":
        return post_id_column.in_(_fts_rowids(tokens))
    return sa.func.to_tsvector(sa.literal_column("'dutch'"), search_column).op("@@")(_ts_query(tokens))


def post_matches(dialect: str, query: str, post_id_column):
    """A WHERE clause for the rows of `post` matching every word of `query`, through the index
    (None when it has no words); for counts and other queries that need every match."""
    tokens = words(query)
    if not tokens:
        return None
    return post_id_column.in_(_fts_rowids(tokens)) if dialect == "sqlite" else _vector_match(tokens)


def feed_match(connection: Connection, query: str, post_id_column):
    """A WHERE clause for the posts of `post` matching every word of `query`, for a query that
    shows the newest few (None when `query` has no words). Same posts as `post_matches`, but
    written so that the database takes the cheaper of two plans:

    - a common word (thousands of posts): walk the feed index newest first, test each post, stop
      after a page. The clause is written so that the index cannot drive the query (`id + 0` on
      SQLite; on PostgreSQL `ts_match_vq`, the function behind @@, which no index matches);
    - a rare word: ask the index for its matches (at most FEW_MATCHES), then read just those posts.

    Which one: SQLite counts up to FEW_MATCHES + 1 matches in its FTS index (cheap: a doclist). On
    PostgreSQL that count is not cheap (a GIN prefix search unions every word that starts so), so it
    tests the SAMPLE newest posts instead: a word found in at least COMMON_IN_SAMPLE of them fills a
    page within a few thousand rows of the walk.
    """
    tokens = words(query)
    if not tokens:
        return None
    if connection.dialect.name == "sqlite":
        found = connection.execute(_FTS_FIRST, {"fts_query": _fts_query(tokens), "n": FEW_MATCHES + 1}).scalars().all()
        if len(found) > FEW_MATCHES:
            return (post_id_column + 0).in_(_fts_rowids(tokens))
        return post_id_column.in_(found)
    ts_query = _ts_text(tokens)
    common = connection.execute(_COMMON_IN_NEWEST, {"ts_query": ts_query, "sample": SAMPLE,
                                                    "enough": COMMON_IN_SAMPLE}).scalar_one()
    walk = sa.func.ts_match_vq(sa.literal_column("post.search_vector"), _ts_query(tokens))
    if common >= COMMON_IN_SAMPLE:
        return walk
    # Rare: the ids from GIN first. Left to itself with ORDER BY ... LIMIT, the planner may walk
    # every post for a word it guesses to be common (140 ms for one no post contains).
    found = connection.execute(_GIN_FIRST, {"ts_query": ts_query, "n": FEW_MATCHES + 1}).scalars().all()
    return walk if len(found) > FEW_MATCHES else post_id_column.in_(found)


# The statements feed_match runs for every search, built once with their values as parameters:
# SQLAlchemy keeps the key to its statement cache on a statement object used again, instead of
# walking a new one every time. FEW_MATCHES and COMMON_IN_SAMPLE are read at every call.
_FTS_FIRST = _FTS_ROWIDS.where(sa.text(_FTS_MATCH)).limit(sa.bindparam("n"))
_TS_QUERY = _to_tsquery(sa.bindparam("ts_query", type_=sa.String))
_NEWEST = (sa.select(sa.literal_column("search_vector")).select_from(sa.table("post"))
           .order_by(sa.literal_column("created_at").desc(), sa.literal_column("id").desc())
           .limit(sa.bindparam("sample")).subquery("recent"))
# Counting stops at COMMON_IN_SAMPLE: a common word is known after a few dozen rows.
_COMMON_IN_NEWEST = sa.select(sa.func.count()).select_from(
    sa.select(sa.literal(1)).select_from(_NEWEST).where(sa.literal_column("recent.search_vector").op("@@")(_TS_QUERY))
    .limit(sa.bindparam("enough")).subquery("found_in_sample"))
_GIN_FIRST = (sa.select(sa.literal_column("id")).select_from(sa.table("post"))
              .where(_vector_matches(_TS_QUERY)).limit(sa.bindparam("n")))


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: the search index lives outside SQLModel.metadata, so schema
    comparisons must not report it (nor FTS5's shadow tables, nor PostgreSQL's stored vector) as
    something to drop."""
    return not (reflected and name and name.startswith(OUTSIDE_METADATA))

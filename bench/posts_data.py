"""A database with 100,000 posts over all neighbourhoods, for the browse and search benchmarks."""

from __future__ import annotations

import random
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from buuv_app.db import make_engine
from buuv_app.frozen_migration_sql import SQLITE_SEARCH_REBUILD
from buuv_app.models import (
    POST_LIFETIME,
    Category,
    Municipality,
    Neighbourhood,
    Post,
    User,
    utcnow,
)
from buuv_app.services import codes, search
from buuv_app.services.seed import SEED_DIR


def _sentences() -> tuple[list[str], list[str]]:
    """Titles and sentences of the demo posts: the texts vary like real ones, so search words are
    as common (or rare) as they would be."""
    with (SEED_DIR / "demo_posts.toml").open("rb") as handle:
        demo = tomllib.load(handle)["post"]
    titles = [p["title"] for p in demo]
    sentences = [s.strip() + "." for p in demo for s in p["body"].replace("!", ".").replace("?", ".").split(".")
                 if s.strip()]
    return titles, sentences


SEED_CACHE_KB = 1_000_000  # 1 GB of page cache while seeding (the machines this runs on have 24 GB)


def seeding_cache(session: Session) -> None:
    """A large page cache for the connection that seeds. The rows go in as one transaction, every
    index updated as they come: with SQLite's default cache (2 MB) a million posts spent most of an
    hour re-reading index pages from the disk (100,000: 369 s, with this 76 s, on a busy machine).
    This connection only; the app keeps its default. PostgreSQL manages its own cache."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(f"PRAGMA cache_size = -{SEED_CACHE_KB}")


@contextmanager
def indexes_built_after(session: Session, tables: tuple[str, ...]) -> Iterator[None]:
    """Bulk loading: the tables' plain indexes (`ix_…`) go before the rows and are made again
    after them, each in one sort (and SQLite's full-text index in one pass). Kept up row by row, fifteen indexes on the post table (most of
    them leading with a random date or wijk) turned a million posts into an hour of B-tree page
    reads. Unique indexes and keys stay. The indexes come out packed, as after a REINDEX, where a
    database that grew row by row has half-full pages: reads can be a little faster than there."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
            f"({', '.join('?' for _ in tables)})", tuple(tables)).all()
    else:
        rows = connection.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(:tables)"), {"tables": list(tables)}).all()
    plain = [(name, sql) for name, sql in rows if name.startswith("ix_") and "UNIQUE" not in sql.upper()]
    # SQLite's full-text index too: filled by a trigger row by row, FTS5 merges its segments over and
    # over; its 'rebuild' reads the post table once (the same index: it is the migrations' own step).
    fts_trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'post_fts_insert'").scalar() \
        if connection.dialect.name == "sqlite" and "post" in tables else None
    for name, _ in plain:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    if fts_trigger:
        connection.exec_driver_sql("DROP TRIGGER post_fts_insert")
    yield
    for _, sql in plain:
        connection.exec_driver_sql(sql)
    if fts_trigger:
        connection.exec_driver_sql(fts_trigger)
        connection.exec_driver_sql(SQLITE_SEARCH_REBUILD)


def populate(database_url: str, n_posts: int = 100_000, n_users: int = 2_000, seed: int = 7) -> float:
    """Add `n_posts` open posts (and their authors); returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    engine = make_engine(database_url)
    with Session(engine) as session:
        seeding_cache(session)
        neighbourhoods = session.exec(select(Neighbourhood)).all()
        towns = {m.id: m.name for m in session.exec(select(Municipality)).all()}
        categories = session.exec(select(Category)).all()
        now = utcnow()
        users = [{"display_name": f"Bench {i}", "email": f"bench{i}@bench.invalid", "role": "resident",
                  "is_demo": True, "created_at": now, "updated_at": now,
                  "home_neighbourhood_id": rng.choice(neighbourhoods).id} for i in range(n_users)]
        session.execute(sa.insert(User), users)
        user_ids = session.exec(select(User.id).where(User.email.like("bench%@bench.invalid"))).all()
        used: set[str] = set(session.exec(select(Post.short_code)).all())
        titles, sentences = _sentences()
        with indexes_built_after(session, ("post",)):
            _insert_posts(session, rng, n_posts, now, neighbourhoods, towns, categories, user_ids, used, titles,
                          sentences)
        session.commit()
    with engine.begin() as connection:
        # Fresh statistics, as a database that grew to this size has (autovacuum on PostgreSQL).
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


def _insert_posts(session: Session, rng: random.Random, n_posts: int, now, neighbourhoods, towns, categories,
                  user_ids, used: set[str], titles: list[str], sentences: list[str]) -> None:
    batch: list[dict] = []
    for i in range(n_posts):
        neighbourhood, category = rng.choice(neighbourhoods), rng.choice(categories)
        title = rng.choice(titles)
        body = " ".join(rng.sample(sentences, 3))
        created = now - timedelta(seconds=rng.randrange(int(POST_LIFETIME.total_seconds()) - 86_400))
        code = codes.new_code()
        while code in used:
            code = codes.new_code()
        used.add(code)
        text = " ".join([title, body, category.name_nl, category.name_en, neighbourhood.name,
                         neighbourhood.district or "", towns[neighbourhood.municipality_id]])
        batch.append({
            "kind": rng.choice(("request", "offer")), "title": title, "body": body,
            "category_id": category.id, "neighbourhood_id": neighbourhood.id,
            "author_id": rng.choice(user_ids), "status": "open", "is_demo": True,
            "created_at": created, "updated_at": created, "expires_at": created + POST_LIFETIME,
            "short_code": code, "visibility": "everyone" if i % 10 else "members",
            "when_kind": "flexible", "search_text": search.normalize(text),
            # Synthetic posts: keep the "nog nodig?" mails out of the measurements.
            "reminder_sent_at": created,
        })
        if len(batch) == 5_000:
            session.execute(sa.insert(Post), batch)
            batch.clear()
    if batch:
        session.execute(sa.insert(Post), batch)

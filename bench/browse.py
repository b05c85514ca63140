"""Browse and search query timings on the 100,000-post database (in-process, through the services);
`python -m bench.browse --size N` alone, on N posts.

Search is timed on the app's database (SQLite in `make bench`) and, when PostgreSQL is reachable,
on a throwaway PostgreSQL database populated the same way (`search_*_postgres`). Besides the wall
clock, each search figure has its CPU time: this process's (`time.process_time`; SQLite runs
in-process) plus, on PostgreSQL, the server process's (read from /proc when the server runs on
this machine): on a shared machine the wall clock mostly says how busy the neighbours are.
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from buuv_app.db import make_engine
from buuv_app.models import Category, Neighbourhood
from buuv_app.services import posts
from buuv_app.services.posts import PostFilter

SEARCHES = ["boodschappen", "ziekenhuis", "computer hulp", "tuin heg", "apotheek", "koffie praatje",
            "verhuizen dozen", "DigiD", "fiets", "hond"]
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLOCK_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); NaN for no values. Shared by every benchmark."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def _time(fn, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _server_cpu_ms(session: Session) -> float | None:
    """CPU time so far of the PostgreSQL process serving `session` (None: not on this machine)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * CLOCK_TICK_MS  # utime + stime


def time_searches(session: Session, repeat: int, seed: int = 11, suffix: str = "") -> dict[str, dict]:
    """Search p50/p95 (wall) and CPU per search (p95 of this process; mean of the server's)."""
    rng = random.Random(seed)

    def search_once():
        posts.browse(session=session, viewer=None, filters=PostFilter(query=rng.choice(SEARCHES)), limit=20)

    _time(search_once, 10)
    wall, cpu = [], []
    server_before = _server_cpu_ms(session)
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        search_once()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    server_after = _server_cpu_ms(session)
    figures = {
        f"search_p50_ms{suffix}": {"value": round(statistics.median(wall), 2), "unit": "ms"},
        f"search_p95_ms{suffix}": {"value": round(percentile(wall, 95), 2), "unit": "ms"},
        f"search_cpu_p95_ms{suffix}": {"value": round(percentile(cpu, 95), 2), "unit": "ms"},
    }
    if server_before is not None and server_after is not None:
        # The kernel counts in clock ticks (10 ms): only the mean over many searches is meaningful.
        figures[f"search_server_cpu_mean_ms{suffix}"] = {
            "value": round((server_after - server_before) / repeat, 2), "unit": "ms"}
    figures[f"search_load_average{suffix}"] = {"value": round(os.getloadavg()[0], 1), "unit": ""}
    return figures


def run(database_url: str, repeat: int = 300, seed: int = 11) -> dict[str, dict]:
    rng = random.Random(seed)
    engine = make_engine(database_url)
    with Session(engine) as session:
        slugs = session.exec(select(Neighbourhood.slug)).all()
        categories = session.exec(select(Category.slug)).all()

        def browse_once():
            filters = PostFilter(neighbourhood_slugs=(rng.choice(slugs),), kind=rng.choice(("request", "offer")),
                                 category_slug=rng.choice(categories))
            posts.browse(session=session, viewer=None, filters=filters, limit=20)

        _time(browse_once, 20)  # warm the caches
        browse = _time(browse_once, repeat)

        # Page 200 of everything, reached through the keyset.
        cursor = None
        for _ in range(199):
            cursor = posts.browse(session=session, viewer=None, after=cursor, limit=20).next_cursor
        deep = _time(lambda: posts.browse(session=session, viewer=None, after=cursor, limit=20), repeat)
        searches = time_searches(session, repeat, seed)
    engine.dispose()
    return {
        "browse_query_p50_ms": {"value": round(statistics.median(browse), 2), "unit": "ms"},
        "browse_query_p95_ms": {"value": round(percentile(browse, 95), 2), "unit": "ms"},
        "browse_deep_page_p95_ms": {"value": round(percentile(deep, 95), 2), "unit": "ms"},
        **searches,
    }


def run_postgres(repeat: int = 300, admin_url: str = PG_ADMIN_URL, size: int = 100_000) -> dict[str, dict]:
    """Search timed on a throwaway PostgreSQL database made as the app's (migrated, seeded) and
    populated as `make bench`'s SQLite one. Raises when PostgreSQL is not reachable."""
    from bench import posts_data
    from tests.appserver import app_environment, prepare_database

    name = f"buuv_bench_search_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        prepare_database(app_environment(database_url, "bench-search"))
        posts_data.populate(database_url, n_posts=size)
        engine = make_engine(database_url)
        with Session(engine) as session:
            figures = time_searches(session, repeat, suffix="_postgres")
        engine.dispose()
        return figures
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    """`python -m bench.browse [--size N]`: the query figures alone, on a fresh SQLite database
    (migrated and seeded as `make run` without demo posts) with N posts."""
    import argparse
    import tempfile
    from pathlib import Path

    from bench import posts_data
    from tests.appserver import app_environment, prepare_database

    parser = argparse.ArgumentParser(description="browse and search query timings alone")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="buuv-bench-browse-") as workdir:
        database_url = f"sqlite:///{Path(workdir) / 'app.db'}"
        prepare_database(app_environment(database_url, "bench"), demo=False)
        seconds = posts_data.populate(database_url, n_posts=args.size)
        print(f"{args.size:,} posts in {seconds:.1f} s")
        for name, figure in run(database_url, repeat=args.repeat).items():
            print(f"{name}: {figure['value']} {figure['unit']}")


if __name__ == "__main__":
    main()

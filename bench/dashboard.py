"""The back office's overview (/beheer) for one municipality over a year: dashboard_ms.

A database of its own (SQLite in a temporary folder, migrated and seeded like `make run` without
demo data) gets 10,000 members of Leiden and 100,000 posts placed over the last twelve months,
with the conversations, messages, matches, paper reactions, board visits and neighbours a year
of BUUV would leave. Then a professional of Leiden opens the overview for "afgelopen 12
maanden" again and again: what is timed is the event handler's work, in-process (the figures from
services/stats.py, then turning them into the browser's vars and CSV tables), without the
websocket round trip (noop_event_p95_ms, printed beside it by bench/run.py, is that part).

Timed cold (the figures read from the database: the first visit of a scope and period, or one
after stats.CACHE_SECONDS) and warm (stats.cached_overview answering from its cache), each as
wall clock and as CPU time of the process (SQLite runs in-process, so that includes the
database's work; on a shared machine CPU time moves far less than wall clock). Beside them a
yardstick measured at the same moment: one plain indexed read of every post.

`python -m bench.dashboard [folder] [--keep] [--size N]` runs only this (with --keep, a database already in
the folder is migrated to the newest revision and timed again rather than built anew).

The figures read facts the app keeps current on write (services/stats_facts.py); populate()
inserts rows directly, so it then makes those facts as `python -m buuv_app.cli rebuild-figures`
does, with the same function.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from bench.browse import percentile
from bench.posts_data import indexes_built_after, seeding_cache
from buuv_app.db import make_engine
from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    BoardVisit,
    Category,
    Conversation,
    Message,
    Municipality,
    Neighbour,
    Neighbourhood,
    PaperReaction,
    Post,
    User,
    utcnow,
)
from buuv_app.models.post import POST_LIFETIME
from buuv_app.services import codes, places, stats, stats_facts
from buuv_app.state.manage.stats import Formats, present
from tests.appserver import ROOT, app_environment, prepare_database

TARGET = "≤ 300 ms"
MEMBERS = 10_000
POSTS = 100_000
AMBASSADORS = 40
REPEAT = 30


def populate(database_url: str, *, members: int = MEMBERS, n_posts: int = POSTS, seed: int = 12) -> dict:
    """A year of BUUV in Leiden. Returns what was made, by table."""
    rng = random.Random(seed)
    engine = make_engine(database_url)
    now = utcnow()
    year = timedelta(days=365)
    made: dict[str, int] = {}
    with Session(engine) as session:
        seeding_cache(session)
        leiden = session.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
        wijken = list(session.exec(select(Neighbourhood.id).where(Neighbourhood.municipality_id == leiden.id)).all())
        categories = list(session.exec(select(Category.id)).all())

        def moment(within: timedelta) -> object:
            return now - timedelta(seconds=rng.randrange(int(within.total_seconds())))

        people = []
        for i in range(members):
            joined = moment(2 * year)
            role = "ambassador" if i < AMBASSADORS else "professional" if i == AMBASSADORS else "resident"
            people.append({"display_name": f"Lid {i}", "email": f"lid{i}@dashboard.invalid", "role": role,
                           "home_neighbourhood_id": rng.choice(wijken), "is_demo": False, "message_mail": False,
                           "municipality_id": leiden.id if role == "professional" else None,
                           "email_verified_at": joined, "created_at": joined, "updated_at": joined})
        session.execute(sa.insert(User), people)
        user_ids = list(session.exec(select(User.id).where(User.email.like("lid%@dashboard.invalid"))
                                     .order_by(User.id)).all())
        ambassadors = user_ids[:AMBASSADORS]
        neighbours = [{"ambassador_id": rng.choice(ambassadors), "first_name": f"Buur {i}",
                       "neighbourhood_id": rng.choice(wijken), "contact_method": "ambassador",
                       "consent_method": "verbal", "consent_given_on": (now - year).date(),
                       "created_at": now - year, "updated_at": moment(year)} for i in range(400)]
        session.execute(sa.insert(Neighbour), neighbours)
        neighbour_rows = session.exec(select(Neighbour.id, Neighbour.ambassador_id)).all()

        # Posts, conversations and messages go in with their plain indexes made after them.
        with indexes_built_after(session, ("post", "conversation", "message")):
            used = set(session.exec(select(Post.short_code)).all())
            batch: list[dict] = []
            for i in range(n_posts):
                created = moment(year)
                kind = "request" if rng.random() < 0.4 else "offer"
                fate = rng.random()
                status = ("matched" if fate < 0.35 else "in_contact" if fate < 0.75
                          else "open" if fate < 0.92 else "closed")
                code = codes.new_code()
                while code in used:
                    code = codes.new_code()
                used.add(code)
                author = rng.choice(user_ids)
                neighbour_id = ambassador_id = None
                if rng.random() < 0.03:
                    neighbour_id, author = rng.choice(neighbour_rows)
                    ambassador_id = author
                matched = created + timedelta(hours=rng.randrange(1, 240)) if status == "matched" else None
                batch.append({
                    "kind": kind, "title": f"Bericht {i}", "body": "Wie helpt?", "category_id": rng.choice(categories),
                    "neighbourhood_id": rng.choice(wijken), "author_id": author, "status": status, "is_demo": False,
                    "created_at": created, "updated_at": created, "expires_at": created + POST_LIFETIME,
                    "short_code": code, "visibility": "everyone", "when_kind": "flexible", "search_text": "",
                    "reminder_sent_at": created, "matched_at": matched,
                    "closed_at": created + timedelta(days=3) if status == "closed" else None,
                    "neighbour_id": neighbour_id, "ambassador_id": ambassador_id,
                })
                if len(batch) == 5_000:
                    session.execute(sa.insert(Post), batch)
                    batch.clear()
            if batch:
                session.execute(sa.insert(Post), batch)
            posts = session.exec(select(Post.id, Post.author_id, Post.created_at, Post.status)
                                 .where(Post.title.like("Bericht %"))).all()

            conversations: list[dict] = []
            for post_id, author_id, created, status in posts:
                if status in ("in_contact", "matched") or (status == "closed" and rng.random() < 0.3):
                    for responder in rng.sample(user_ids, rng.choice((1, 1, 1, 2))):
                        if responder != author_id:
                            at = created + timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
                            conversations.append({"post_id": post_id, "responder_id": responder,
                                                  "contact_id": author_id,
                                                  "created_at": at, "last_message_at": at})
            for start in range(0, len(conversations), 5_000):
                session.execute(sa.insert(Conversation), conversations[start:start + 5_000])
            talks = session.exec(select(Conversation.id, Conversation.responder_id, Conversation.contact_id,
                                        Conversation.created_at)).all()
            messages: list[dict] = []
            for n, (conversation_id, responder, contact, at) in enumerate(talks):
                messages.append({"conversation_id": conversation_id, "sender_id": responder, "client_id": f"b{n}a",
                                 "body": "Ik kan helpen.", "created_at": at})
                if rng.random() < 0.8:
                    messages.append({"conversation_id": conversation_id, "sender_id": contact, "client_id": f"b{n}b",
                                     "body": "Fijn!", "created_at": at + timedelta(hours=rng.randrange(1, 48))})
            for start in range(0, len(messages), 10_000):
                session.execute(sa.insert(Message), messages[start:start + 10_000])

        boards = session.exec(select(BoardLocation.id).where(BoardLocation.municipality_id == leiden.id)).all()
        links = [{"board_id": b, "user_id": a} for b in boards for a in rng.sample(ambassadors, 2)]
        session.execute(sa.insert(BoardAmbassador), links)
        shown = {b: session.exec(select(BoardNeighbourhood.neighbourhood_id)
                                 .where(BoardNeighbourhood.board_id == b)).all() for b in boards}
        paper = [{"post_id": post_id, "board_id": rng.choice(boards), "recorded_by_id": rng.choice(ambassadors),
                  "created_at": created + timedelta(hours=rng.randrange(1, 72))}
                 for post_id, _, created, _ in rng.sample(list(posts), 2_000)]
        session.execute(sa.insert(PaperReaction), paper)
        visits = [{"board_id": b, "day": (now - timedelta(days=d)).date(), "visits": rng.randrange(0, 12)}
                  for b in boards for d in range(365)]
        session.execute(sa.insert(BoardVisit), visits)
        # The rows went in behind the services' back: the figures' stored facts as
        # `python -m buuv_app.cli rebuild-figures` makes them.
        stats_facts.rebuild(session=session)
        session.commit()
        made = {"members": members, "posts": len(posts), "conversations": len(conversations),
                "messages": len(messages), "paper_reactions": len(paper), "boards": len(boards),
                "board_wijken": sum(len(v) for v in shown.values())}
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return made


def _handler(engine, professional, period, n_posts: int = POSTS) -> tuple[float, float]:
    """What StatsState.load_overview does, each with a fresh session (run_service): (wall, CPU) ms.
    CPU is the whole process's (both of the overview's threads, and SQLite, which runs in-process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as fresh:
        overview = stats.cached_overview(session=fresh, actor=professional, period=period)
    with Session(engine) as fresh:
        groups = places.list_neighbourhood_groups(session=fresh)
    present(overview, groups, Formats("nl"))
    assert overview.asking.kinds["request"].posts.current > n_posts / 4, "the data set is not in the period"
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _reference_scan(engine) -> float:
    """A fixed yardstick on the same machine at the same moment: one plain read of every post's
    kind through an index (ms CPU), to set the overview's figures against on a busy machine."""
    cpu = time.process_time()
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*), sum(kind = 'request') FROM post").one()
    return (time.process_time() - cpu) * 1000


def measure(database_url: str, repeat: int = REPEAT, n_posts: int = POSTS) -> dict[str, list[float]]:
    """Milliseconds for the overview handler's work, `repeat` times after two warm-up runs:
    cold (the figures read from the database, as on the first visit of a scope and period, or
    after stats.CACHE_SECONDS) and warm (from stats.cached_overview's cache), wall clock and CPU."""
    engine = make_engine(database_url)
    out: dict[str, list[float]] = {"cold": [], "cold_cpu": [], "warm": [], "warm_cpu": [], "scan_cpu": []}
    with Session(engine, expire_on_commit=False) as session:
        professional = session.exec(select(User).where(User.role == "professional",
                                                       User.email.like("lid%@dashboard.invalid"))).one()
        today = utcnow().astimezone(stats.LOCAL).date()
        period = stats.period_for(stats.PeriodKind.YEAR, today=today)
        for i in range(repeat + 2):
            stats.clear_overview_cache()
            wall, cpu = _handler(engine, professional, period, n_posts)  # reads the figures, fills the cache
            warm_wall, warm_cpu = _handler(engine, professional, period, n_posts)
            scan = _reference_scan(engine)
            if i >= 2:
                for name, value in (("cold", wall), ("cold_cpu", cpu), ("warm", warm_wall), ("warm_cpu", warm_cpu),
                                    ("scan_cpu", scan)):
                    out[name].append(value)
    stats.clear_overview_cache()
    engine.dispose()
    return out


def run(workdir: Path | None = None, *, keep: bool = False, repeat: int = REPEAT, n_posts: int = POSTS) -> dict[str, dict]:
    """`keep`: a database already in `workdir` is migrated to head and measured again (to iterate quickly).
    `n_posts`: posts over the year (`make bench SIZE=...`; the members stay MEMBERS)."""
    with tempfile.TemporaryDirectory(prefix="buuv-dashboard-") as tmp:
        folder = Path(workdir or tmp)
        database = folder / "dashboard.db"
        database_url = f"sqlite:///{database}"
        if keep and database.exists():
            # A database kept from before a revision: migrated to head (which fills new facts).
            subprocess.run([sys.executable, "-m", "buuv_app.cli", "migrate"], cwd=ROOT,
                           env=app_environment(database_url, "bench"), check=True, capture_output=True)
        else:
            prepare_database(app_environment(database_url, "bench"), demo=False)
            started = time.perf_counter()
            made = populate(database_url, n_posts=n_posts)
            print(f"dashboard data: {made} in {time.perf_counter() - started:.1f} s")
        timings = measure(database_url, repeat, n_posts)
    p95 = {name: percentile(values, 95) for name, values in timings.items()}
    scan = statistics.median(timings["scan_cpu"])
    return {
        "dashboard_ms": {"value": round(p95["cold"], 1), "unit": "ms"},
        "dashboard_p50_ms": {"value": round(statistics.median(timings["cold"]), 1), "unit": "ms"},
        "dashboard_cpu_ms": {"value": round(p95["cold_cpu"], 1), "unit": "ms"},
        "dashboard_warm_ms": {"value": round(p95["warm"], 1), "unit": "ms"},
        "dashboard_warm_cpu_ms": {"value": round(p95["warm_cpu"], 1), "unit": "ms"},
        "dashboard_scan_ref_cpu_ms": {"value": round(scan, 2), "unit": "ms"},
        "dashboard_cpu_vs_scan": {"value": round(statistics.median(timings["cold_cpu"]) / scan, 1) if scan else None,
                                  "unit": "×"},
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="the back office's overview, alone")
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--size", type=int, default=POSTS, help="posts over the year")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    folder = args.folder
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    for name, figure in run(folder, keep=args.keep, repeat=args.repeat, n_posts=args.size).items():
        print(f"{name}: {figure['value']} {figure['unit']}" + (f"   (target {TARGET})" if name == "dashboard_ms" else ""))

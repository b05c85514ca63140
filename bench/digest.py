"""The weekly digest for 10,000 members: digest_10k_members_s.

A database of its own (SQLite in a temporary folder, migrated and seeded like `make run` without
demo data) gets 10,000 confirmed members spread over every wijk (a fifth of them with a nearby wijk
chosen too) and a busy week's posts: open requests nobody answered, new offers, matches with
thank-yous, plus older posts that are no news. What is timed is `digest.send_weekly`: building
every member's digest, writing the digest_sent rows and queueing the mails (not sending them:
that is the background sender's work).

`python -m bench.digest` runs only this.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, func, select

from buuv_app.db import make_engine
from buuv_app.models import Category, DigestNeighbourhood, Neighbourhood, OutboxMail, Post, User
from buuv_app.services import digest
from tests.appserver import app_environment, prepare_database

TARGET = "≤ 60 s"
MEMBERS = 10_000
POSTS = 20_000
MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


def populate(database_url: str, *, members: int = MEMBERS, n_posts: int = POSTS, seed: int = 14) -> None:
    rng = random.Random(seed)
    engine = make_engine(database_url)
    start, end = digest.window(digest.week_of(MONDAY))
    with Session(engine) as session:
        wijken = list(session.exec(select(Neighbourhood.id)).all())
        categories = list(session.exec(select(Category.id)).all())
        joined = MONDAY - timedelta(days=200)
        session.execute(sa.insert(User), [
            {"display_name": f"Lid {i}", "email": f"lid{i}@digest.invalid", "role": "resident",
             "home_neighbourhood_id": rng.choice(wijken), "is_demo": False, "email_verified_at": joined,
             "created_at": joined, "updated_at": joined} for i in range(members)])
        people = list(session.exec(select(User.id, User.home_neighbourhood_id)
                                   .where(User.email.like("lid%@digest.invalid"))).all())
        session.execute(sa.insert(DigestNeighbourhood), [
            {"user_id": uid, "neighbourhood_id": rng.choice([w for w in wijken if w != home])}
            for uid, home in people if rng.random() < 0.2])
        week = (end - start).total_seconds()
        rows = []
        for i in range(n_posts):
            author, home = rng.choice(people)
            kind = rng.choice(("request", "offer"))
            this_week = rng.random() < 0.3
            created = (start + timedelta(seconds=rng.randrange(int(week)))) if this_week else (
                start - timedelta(days=rng.randrange(1, 35)))
            status = rng.choices(("open", "in_contact", "matched", "closed"), (5, 3, 2, 1))[0]
            matched = created + timedelta(hours=rng.randrange(1, 48)) if status == "matched" else None
            rows.append({
                "kind": kind, "title": f"{'Vraag' if kind == 'request' else 'Aanbod'} {i}: hulp bij een klus",
                "body": "Een uurtje hulp in de buurt.", "category_id": rng.choice(categories), "neighbourhood_id": home,
                "author_id": author, "status": status, "is_demo": False, "created_at": created, "updated_at": created,
                "expires_at": created + timedelta(weeks=6), "short_code": f"D{i:07d}",
                "visibility": "everyone", "when_kind": "flexible", "search_text": "", "matched_at": matched,
                "thank_you": "Dank je wel, buur!" if matched and rng.random() < 0.5 else None})
        session.execute(sa.insert(Post), rows)
        session.commit()
    engine.dispose()


def measure(database_url: str) -> tuple[float, int]:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        started = time.perf_counter()
        queued = digest.send_weekly(session=session, now=MONDAY)
        elapsed = time.perf_counter() - started
        assert session.exec(select(func.count()).select_from(OutboxMail)).one() == queued
        assert digest.send_weekly(session=session, now=MONDAY) == 0  # a second run queues nothing
    engine.dispose()
    return elapsed, queued


def run(workdir: Path | None = None) -> dict[str, dict]:
    with tempfile.TemporaryDirectory(prefix="buuv-digest-") as tmp:
        folder = Path(workdir or tmp)
        database_url = f"sqlite:///{folder / 'digest.db'}"
        prepare_database(app_environment(database_url, "bench"), demo=False)
        populate(database_url)
        elapsed, queued = measure(database_url)
    print(f"digest: {queued} of {MEMBERS} members had news")
    return {"digest_10k_members_s": {"value": round(elapsed, 2), "unit": "s"},
            "digest_10k_members_queued": {"value": queued, "unit": "mails"}}


if __name__ == "__main__":
    for name, figure in run().items():
        print(f"{name}: {figure['value']} {figure['unit']}" + (f"   (target {TARGET})" if name == "digest_10k_members_s" else ""))

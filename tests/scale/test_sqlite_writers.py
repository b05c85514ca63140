"""The default database under a busy evening: 20 writers posting and messaging at once on one
SQLite file never see "database is locked" (WAL, busy_timeout and transactions that begin at the
first write: buuv_app/db.py).

Runs BUUV_SQLITE_DRILL_SECONDS seconds (10 by default, so the scale suite stays short; the figure
in the README is from a 30-second run).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from buuv_app.db import make_engine
from buuv_app.models import Message, Post, utcnow
from buuv_app.services import messaging, posts, seed
from tests.conftest import create_schema
from tests.factories import make_conversation, make_member, make_post

WRITERS = 20
SECONDS = float(os.environ.get("BUUV_SQLITE_DRILL_SECONDS", "10"))


def test_twenty_writers_never_find_the_database_locked(tmp_path, monkeypatch):
    # What is measured is the database under many writers, not the limit that stops one member
    # placing more than throttle.POST_LIMIT posts an hour (tests/unit/test_rate_limits.py has that).
    monkeypatch.setattr("buuv_app.services.throttle.POST_LIMIT", 1_000_000)
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    create_schema(engine)
    with Session(engine, expire_on_commit=False) as db:
        seed.load_reference_data(session=db)
        from buuv_app.models import Category, Neighbourhood

        place = db.exec(select(Neighbourhood)).first()
        category = db.exec(select(Category)).first()
        old = utcnow() - timedelta(days=30)
        pairs = []
        for i in range(WRITERS):
            writer = make_member(db, place, email=f"schrijver{i}@drill.example", created_at=old)
            other = make_member(db, place, email=f"lezer{i}@drill.example", created_at=old)
            conversation = make_conversation(db, make_post(db, author=other), writer)
            pairs.append((writer, conversation.id))

    locked: list[str] = []
    other_errors: list[BaseException] = []
    written = {"posts": 0, "messages": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def write(index: int) -> None:
        writer, conversation_id = pairs[index]
        n = 0
        while time.monotonic() < deadline:
            try:
                with Session(engine, expire_on_commit=False) as db:
                    if n % 2:
                        posts.create_post(session=db, author=writer, kind="offer", title=f"Aanbod {index}-{n}",
                                          body="Ik help graag met de tuin.", category_slug=category.slug,
                                          neighbourhood_slug=place.slug)
                        kind = "posts"
                    else:
                        # Each message an hour's 1/30th later: the hourly limit per sender is not
                        # what this drill is about.
                        messaging.send_message(session=db, user=writer, conversation_id=conversation_id,
                                               client_id=f"writer{index:02d}-{n:06d}", body=f"Bericht {n}",
                                               now=utcnow() + timedelta(minutes=2.5 * n))
                        kind = "messages"
                with lock:
                    written[kind] += 1
            except sa.exc.OperationalError as error:
                if "locked" in str(error):
                    locked.append(str(error).splitlines()[0])
                else:
                    other_errors.append(error)
            except Exception as error:  # noqa: BLE001 (reported below)
                other_errors.append(error)
            n += 1

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert locked == [], f"{len(locked)} times 'database is locked': {locked[:3]}"
    assert other_errors == [], other_errors[:3]
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(Message)).one() == written["messages"]
        assert db.exec(select(func.count()).select_from(Post)).one() == written["posts"] + WRITERS
    assert written["posts"] > 0 and written["messages"] > 0
    engine.dispose()

"""Fault drills on the deployed layout (deploy/cluster.py): three backends behind nginx on PostgreSQL
and a Redis of the drill's own, members sending messages through nginx all the while.

- `kill -9` of a backend: its members reconnect through nginx to another within 5 s; every message
  the server confirmed is stored, and every message is stored exactly once (resends included).
- Redis restarted (all tab state lost): members reconnect, are still logged in, nothing confirmed
  is lost.
- PostgreSQL away for 10 s (a proxy in front of it cut): handlers answer "Even geen verbinding, we
  proberen het opnieuw." within seconds, the members' outboxes send again afterwards, the same
  backend processes carry on.
- A backup of the running cluster restores into a fresh database with the same rows and photos.

Needs PostgreSQL, redis-server and nginx: skipped with the reason where one is missing, except in CI
(BUUV_REQUIRE_POSTGRES=1), where a missing one fails the run.
"""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from buuv_app.db import make_engine
from buuv_app.models import Message, Neighbourhood, utcnow
from deploy.cluster import NGINX, Cluster, free_port
from tests.conftest import postgres_required
from tests.factories import make_conversation, make_member, make_post
from tests.scale.drill import PASSWORD, Load, Member, OwnRedis
from tests.tcpproxy import CuttableProxy, through

pytestmark = [pytest.mark.postgres]

MEMBERS = 9  # three per backend, about


def _tools_or_skip() -> None:
    missing = [name for name, path in (("nginx", NGINX), ("redis-server", shutil.which("redis-server")))
               if not path or not Path(path).exists()]
    if missing:
        reason = f"{', '.join(missing)} not installed (make nginx; apt-get install redis-server)"
        if postgres_required():
            pytest.fail(f"{reason}: CI must run the fault drills")
        pytest.skip(reason)


def _make_people(database_url: str, count: int, prefix: str) -> list[tuple[str, int]]:
    """`count` senders, each in a conversation of their own; (email, conversation id) each. Every
    drill gets people of its own: one member's messages over all drills would reach the hourly
    limit that stops a spammer (messaging.HOURLY_LIMIT)."""
    engine = make_engine(database_url)
    people = []
    with Session(engine, expire_on_commit=False) as db:
        place = db.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()
        old = utcnow() - timedelta(days=30)  # established members: a new one is held to a burst
        for i in range(count):
            asker = make_member(db, place, email=f"vraag-{prefix}{i}@drill.example", display_name=f"Vrager {i}",
                                password=PASSWORD, created_at=old)
            helper = make_member(db, place, email=f"help-{prefix}{i}@drill.example", display_name=f"Helper {i}",
                                 password=PASSWORD, created_at=old)
            post = make_post(db, author=asker, title=f"Wie helpt met de tablet? ({i})")
            conversation = make_conversation(db, post, helper)
            people.append((helper.email, conversation.id))
    engine.dispose()
    return people


@pytest.fixture(scope="module")
def cluster(throwaway_postgres, tmp_path_factory):
    _tools_or_skip()
    database_url = throwaway_postgres()
    workdir = tmp_path_factory.mktemp("cluster")
    redis = OwnRedis(workdir=workdir, port=free_port())
    redis.start()
    # Each simulated member comes from an address of its own (the drill's X-Forwarded-For, then nginx's).
    # The backends reach PostgreSQL through a proxy the drill can cut (the shared server stays up).
    pg = sa.engine.make_url(database_url)
    proxy = CuttableProxy((pg.host or "127.0.0.1", pg.port or 5432))
    the_cluster = Cluster(workdir=workdir, database_url=through(proxy, database_url), redis_url=redis.url,
                          backends_count=3,
                          extra_env={"REFLEX_TRUSTED_PROXY_HOPS": "2"})
    the_cluster.prepare_database(demo=True)
    try:
        with the_cluster:
            yield {"cluster": the_cluster, "redis": redis, "proxy": proxy, "database_url": database_url}
    finally:
        redis.stop()
        proxy.close()


def _members(cluster_info: dict, prefix: str) -> list[Member]:
    cluster: Cluster = cluster_info["cluster"]
    members = [Member(url=cluster.url, email=email, conversation_id=cid, name=f"{prefix}{i}",
                      address=f"198.51.100.{i + 10}")
               for i, (email, cid) in enumerate(_make_people(cluster_info["database_url"], MEMBERS, prefix))]
    for member in members:
        member.log_in()
    return members


def _stored(database_url: str, members: list[Member]) -> dict[str, int]:
    """How often each of the members' device ids is stored."""
    ids = [cid for m in members for cid in m.sent]
    engine = make_engine(database_url)
    with Session(engine) as db:
        rows = db.exec(select(Message.client_id, func.count()).where(Message.client_id.in_(ids))
                       .group_by(Message.client_id)).all()
    engine.dispose()
    return dict(rows)


def _check_nothing_lost_or_doubled(database_url: str, members: list[Member]) -> None:
    stored = _stored(database_url, members)
    acknowledged = {cid for m in members for cid in m.acknowledged}
    assert not [m.refused for m in members if m.refused], "the server refused messages"
    lost = acknowledged - stored.keys()
    doubled = {cid: n for cid, n in stored.items() if n != 1}
    assert not lost, f"confirmed but not stored: {sorted(lost)}"
    assert not doubled, f"stored more than once: {doubled}"
    # Every message a member sent was confirmed in the end (the resends did their work).
    assert acknowledged == {cid for m in members for cid in m.sent}


def test_killing_a_backend_loses_and_doubles_nothing(cluster):
    members = _members(cluster, "kill")
    load = Load(members, interval=0.8)
    try:
        time.sleep(4)  # busy for a while first
        victim = cluster["cluster"].backends[0]
        killed_at = time.monotonic()
        cluster["cluster"].kill_backend(victim)
        time.sleep(8)  # and busy afterwards
    finally:
        errors = load.finish()
    assert not errors, errors
    hit = [m for m in members if any(t >= killed_at for t in m.drops)]
    assert hit, "no member was on the killed backend"
    reconnect_s = [min(t for t in m.reconnects if t >= killed_at) - killed_at for m in hit]
    assert max(reconnect_s) < 5, f"reconnects took {reconnect_s} s"
    _check_nothing_lost_or_doubled(cluster["database_url"], members)
    for member in members:
        member.close()
    # The next drills run on the two that are left (nginx passes over the dead one): restarting it
    # would cost the suite half a minute on a busy machine.


def test_a_redis_restart_keeps_members_logged_in_and_loses_nothing(cluster):
    members = _members(cluster, "redis")
    load = Load(members, interval=0.8)
    try:
        time.sleep(3)
        redis: OwnRedis = cluster["redis"]
        redis.stop()  # every tab's state is gone with it
        time.sleep(1)
        redis.start()
        time.sleep(6)
    finally:
        errors = load.finish()
    assert not errors, errors
    # Still logged in: each member reloads the page (a new connection, handing over the session
    # cookie as a browser does) and sends; only a member may send, and the message is confirmed.
    for member in members:
        member.close()
        after = f"{member.name}-after-restart"
        member.send(after, "Nog steeds ingelogd.", timeout=30)
        assert after in member.acknowledged and not member.refused
        member.close()
    _check_nothing_lost_or_doubled(cluster["database_url"], members)


def test_postgres_away_for_ten_seconds_is_said_plainly_and_the_outbox_catches_up(cluster):
    members = _members(cluster, "pg")
    running = [b.process.pid for b in cluster["cluster"].backends if b.process is not None]
    load = Load(members, interval=0.8)
    try:
        time.sleep(3)
        cluster["proxy"].cut()  # PostgreSQL "stopped" for the app
        time.sleep(10)
        cluster["proxy"].resume()
        time.sleep(6)
    finally:
        errors = load.finish()
    assert not errors, errors
    told = [seconds for m in members for seconds in m.told_away]
    assert told, "nobody was told the database was away"
    assert max(told) < 8, f"answers took {max(told):.1f} s: handlers hung on the database"
    # Recovered without a restart: the same backend processes, every message stored once.
    assert [b.process.pid for b in cluster["cluster"].backends
            if b.process is not None and b.process.poll() is None] == running
    _check_nothing_lost_or_doubled(cluster["database_url"], members)
    for member in members:
        member.close()


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_of_the_running_cluster_restores_into_a_fresh_database(cluster, throwaway_postgres, tmp_path,
                                                                       monkeypatch):
    import io

    from PIL import Image

    from buuv_app import backup
    from buuv_app.services import photos

    the_cluster: Cluster = cluster["cluster"]
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(the_cluster.upload_dir))
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture, format="JPEG")
    stored = photos.store_photo(data=picture.getvalue())
    original = photos.photo_path(stored.key)

    archive = backup.create_backup(database_url=cluster["database_url"], destination=tmp_path / "backups",
                                   upload_dir=the_cluster.upload_dir)

    fresh_database, fresh_photos = throwaway_postgres(), tmp_path / "restored-photos"
    manifest = backup.restore_backup(archive=archive, database_url=fresh_database, upload_dir=fresh_photos)
    assert original.name in manifest["photos"]
    counts = backup.table_counts(fresh_database)
    assert counts == backup.table_counts(cluster["database_url"])
    assert counts["message"] > 0 and counts["user"] > 0
    assert _sha256(fresh_photos / original.name) == _sha256(original)

"""Figures for the deployed layout (deploy/cluster.py), everything through nginx on the loopback.

- `message_delivery_p95_ms_{1,2,4}backends`: bench/messages.py's traffic (200 members, a message
  each 10 s) through nginx to 1, 2 and 4 backends on PostgreSQL and Redis; the growth from 1 to 4
  is the figure to watch (on a 2-core machine, more backends mostly means more processes sharing it).
- `reconnect_after_kill_s`: p95, over the members whose backend got `kill -9` (one of three), of the
  time from the kill until their websocket was open again through nginx;
  `acknowledged_lost` and `duplicated`: confirmed messages not stored, and messages stored twice.

`python -m bench.cluster` runs these alone; `make bench` includes them when PostgreSQL, Redis and
nginx are here.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, func, select

from bench import messages, pinning
from bench.browse import percentile
from buuv_app.db import make_engine
from buuv_app.models import Message
from deploy.cluster import Cluster, free_port
from tests.scale.drill import Load, Member, OwnRedis

PG_ADMIN_URL = messages.PG_ADMIN_URL


def _fresh_database() -> tuple[str, callable]:
    name = f"buuv_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def _cluster(workdir: Path, backends: int, redis: OwnRedis, database_url: str) -> Cluster:
    cluster = Cluster(workdir=workdir, database_url=database_url, redis_url=redis.url, backends_count=backends)
    cluster.prepare_database(demo=False)
    return cluster


def delivery(workdir: Path, counts: tuple[int, ...] = (1, 2, 4), n_clients: int = 200,
             seconds: float = 30.0) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for backends in counts:
        database_url, drop = _fresh_database()
        redis = OwnRedis(workdir=workdir, port=free_port())
        redis.start()
        try:
            with _cluster(workdir / f"delivery-{backends}", backends, redis, database_url) as cluster:
                # messages.run puts nginx, the backends and Redis on the servers' core (pinning).
                figures = messages.run([cluster.url], database_url, n_clients=n_clients, seconds=seconds,
                                       label=f"{backends}backends", capacity=False)
            results.update({k: v for k, v in figures.items() if k.startswith(("message_delivery_p95",
                                                                               "messages_lost", "messages_late",
                                                                               "messages_dup"))})
        finally:
            redis.stop()
            drop()
    return results


def kill_drill(workdir: Path, n_members: int = 30, seconds_after: float = 10.0) -> dict[str, dict]:
    database_url, drop = _fresh_database()
    redis = OwnRedis(workdir=workdir, port=free_port())
    redis.start()
    try:
        with _cluster(workdir / "kill", 3, redis, database_url) as cluster:
            pinning.arrange()
            people = messages._setup(database_url, n_members)
            members = []
            for i, person in enumerate(people):
                member = Member(url=cluster.url, email="", conversation_id=person["conversation_id"],
                                name=f"bench{i:03d}", address=f"198.51.100.{i + 10}", cookie=person["token"])
                member.connect()
                member.open_conversation()
                members.append(member)
            load = Load(members, interval=2.0)
            time.sleep(4)
            killed_at = time.monotonic()
            cluster.kill_backend(cluster.backends[0])
            time.sleep(seconds_after)
            errors = load.finish()
            for member in members:
                member.close()
        hit = [m for m in members if any(t >= killed_at for t in m.drops)]
        reconnects = [min((t for t in m.reconnects if t >= killed_at), default=float("inf")) - killed_at
                      for m in hit]
        ids = [cid for m in members for cid in m.sent]
        engine = make_engine(database_url)
        with Session(engine) as db:
            stored = dict(db.exec(select(Message.client_id, func.count()).where(Message.client_id.in_(ids))
                                  .group_by(Message.client_id)).all())
        engine.dispose()
        acknowledged = {cid for m in members for cid in m.acknowledged}
        return {
            "reconnect_after_kill_s": {"value": round(percentile(reconnects, 95), 2) if reconnects else None,
                                       "unit": "s"},
            "members_on_killed_backend": {"value": len(hit), "unit": "members"},
            "acknowledged_lost": {"value": len(acknowledged - stored.keys()), "unit": "messages"},
            "duplicated": {"value": sum(n - 1 for n in stored.values() if n > 1), "unit": "messages"},
            "kill_drill_errors": {"value": len(errors), "unit": "members"},
        }
    finally:
        redis.stop()
        drop()


def run(workdir: Path, report=None) -> dict[str, dict]:
    """All figures; `report(figures)` sees each stage's as soon as it is done."""
    results: dict[str, dict] = {}
    for stage in (kill_drill, delivery):
        figures = stage(workdir)
        results.update(figures)
        if report is not None:
            report(figures)
    return results


def main() -> None:
    def report(figures: dict[str, dict]) -> None:
        for name, figure in figures.items():
            print(f"{name}: {figure['value']} {figure['unit']}", flush=True)

    with tempfile.TemporaryDirectory(prefix="buuv-bench-cluster-") as workdir:
        started = time.monotonic()
        run(Path(workdir), report)
        print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()

"""Message delivery with many connected clients, over the real websocket protocol.

`run(urls, database_url)` makes N members in pairs (each pair one conversation about a post),
connects every member as a websocket client (spread over `urls`: one URL is one worker, two URLs
two workers sharing PostgreSQL and Redis), opens their conversation, and lets every client send a
message every INTERVAL seconds. Receivers time each message from the sender's send to its arrival
in their own state update, and count what never arrived and what arrived twice.
"""

from __future__ import annotations

import gc
import statistics
import threading
import time
import uuid
from datetime import timedelta

import psutil
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from reflex.state import UpdateVarsInternalState
from sqlmodel import Session, select

from bench.browse import percentile
from buuv_app.db import make_engine
from buuv_app.models import Category, Neighbourhood, Post, User, utcnow
from buuv_app.services import messaging, sessions
from buuv_app.state.base import AppState
from buuv_app.state.messaging import ConversationState
from tests.security.client import HostileClient, parse_update

MARK = "bench:"



def _setup(database_url: str, n_clients: int) -> list[dict]:
    """Members in pairs, a post per pair, a conversation per pair; a session token per member."""
    engine = make_engine(database_url)
    hasher = PasswordHasher.from_parameters(CHEAPEST)
    people: list[dict] = []
    run_id = uuid.uuid4().hex[:6]
    with Session(engine, expire_on_commit=False) as db:
        place = db.exec(select(Neighbourhood)).first()
        category = db.exec(select(Category)).first()
        old, now = utcnow() - timedelta(days=30), utcnow()
        users = []
        for i in range(n_clients):
            user = User(display_name=f"Bench {i}", email=f"bench-{run_id}-{i}@bench.invalid",
                        password_hash=hasher.hash("x"), email_verified_at=old, home_neighbourhood_id=place.id,
                        created_at=old, updated_at=old, message_mail=False)
            db.add(user)
            users.append(user)
        db.commit()
        for a, b in zip(users[0::2], users[1::2]):
            post = Post(kind="request", title="Bench", body="Bench", category_id=category.id,
                        neighbourhood_id=place.id, author_id=a.id, short_code=f"B{uuid.uuid4().hex[:7]}",
                        created_at=now, updated_at=now, expires_at=now + timedelta(weeks=6), search_text="")
            db.add(post)
            db.commit()
            conversation = messaging.start_conversation(session=db, user=b, post_id=post.id)
            for user in (a, b):
                people.append({"user_id": user.id, "conversation_id": conversation.id,
                               "token": sessions.create_session(session=db, user=user)})
    engine.dispose()
    return people


def _backend_rss(urls: list[str]) -> int:
    """Memory of every process listening on the backend ports, with their children."""
    ports = {int(u.rsplit(":", 1)[1]) for u in urls}
    total, seen = 0, set()
    for proc in psutil.process_iter(["pid"]):
        try:
            if any(c.laddr and c.laddr.port in ports and c.status == psutil.CONN_LISTEN
                   for c in proc.net_connections(kind="tcp")):
                for p in [proc, *proc.children(recursive=True)]:
                    if p.pid not in seen:
                        seen.add(p.pid)
                        total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


class _Member(threading.Thread):
    def __init__(self, url: str, person: dict, start_at: float, stop_at: float, interval: float, results: dict):
        super().__init__(daemon=True)
        self.url, self.person, self.start_at, self.stop_at = url, person, start_at, stop_at
        self.interval, self.results = interval, results
        self.ready = threading.Event()

    def run(self) -> None:
        for attempt in range(3):  # many clients connecting at once: a slow handshake is retried
            try:
                client = HostileClient(self.url)
                break
            except TimeoutError:
                if attempt == 2:
                    raise
        path = f"/berichten/{self.person['conversation_id']}"
        query = {"conversation_id": str(self.person["conversation_id"])}
        vars_handler = f"{UpdateVarsInternalState.get_full_name()}.update_vars_internal"
        client.call(vars_handler, {"vars": {f"{AppState.get_full_name()}.auth_token_rx_state_": self.person["token"]}})
        client.call(f"{AppState.get_full_name()}.load_viewer", path=path, query=query)
        client.call(f"{ConversationState.get_full_name()}.load_conversation", path=path, query=query)
        self.ready.set()
        send = f"{ConversationState.get_full_name()}.send"
        next_send, seq = self.start_at, 0
        seen: dict[str, float] = {}
        doubles: dict[str, int] = {}
        while time.time() < self.stop_at + 3:  # a little after the last send, for late arrivals
            if time.time() >= next_send and time.time() < self.stop_at:
                body = f"{MARK}{self.person['user_id']}:{seq}:{time.time():.6f}"
                client.send(send, {"form": {"client_id": uuid.uuid4().hex, "message": body}}, path=path, query=query)
                self.results["sent"].append(body)
                seq += 1
                next_send += self.interval
            try:
                # Sleep until a frame comes or the next send is due: 200 client threads that woke
                # up every few milliseconds would take the CPU the servers are being measured on.
                frame = client._receive(max(0.005, min(0.5, next_send - time.time())))
            except TimeoutError:
                continue
            if MARK not in frame:
                continue
            arrived = time.time()
            # A delta carries the whole list: a message counts once when first seen, and as
            # duplicated when the same message stands in the list more than once.
            bodies = [b for b in _bench_bodies(frame) if int(b[len(MARK):].split(":")[0]) != self.person["user_id"]]
            for body in bodies:
                if body not in seen:
                    seen[body] = arrived - float(body.rsplit(":", 1)[1])
                doubles[body] = max(doubles.get(body, 0), bodies.count(body) - 1)
        client.close()
        self.results["received"] += list(seen.items())
        self.results["duplicated"] += sum(doubles.values())


def _bench_bodies(frame: str) -> list[str]:
    update = parse_update(frame)
    bodies = []
    for state_delta in update.delta.values() if update is not None else []:
        for key, value in state_delta.items():
            if key.startswith("messages") and isinstance(value, list):
                bodies += [row.get("body", "") for row in value if str(row.get("body", "")).startswith(MARK)]
    return bodies


def run(urls: list[str], database_url: str, n_clients: int = 200, seconds: float = 30.0,
        interval: float = 10.0, label: str = "1worker") -> dict[str, dict]:
    people = _setup(database_url, n_clients)
    # The clients' own garbage collection must not count as delivery time: this process may hold
    # a lot already (the 100,000 posts of the other benchmarks), and a full collection of that
    # stalls all 200 client threads at once.
    gc.collect()
    gc.freeze()
    rss_before = _backend_rss(urls)
    results: dict = {"sent": [], "received": [], "duplicated": 0}
    start_at = time.time() + 5 + n_clients * 0.03
    stop_at = start_at + seconds
    members = []
    for i, person in enumerate(people):
        # Spread the sends over the interval, so traffic is steady rather than in bursts.
        member = _Member(urls[i % len(urls)], person, start_at + (i % 50) * interval / 50, stop_at, interval, results)
        member.start()
        members.append(member)
    for member in members:
        member.ready.wait(timeout=120)
    rss_after = _backend_rss(urls)
    for member in members:
        member.join(timeout=seconds + 60)
    received = {body for body, _ in results["received"]}
    delays = [delay * 1000 for _, delay in results["received"]]
    sent = set(results["sent"])
    figures = {
        f"message_delivery_p50_ms_{label}": {"value": round(statistics.median(delays), 1) if delays else None, "unit": "ms"},
        f"message_delivery_p95_ms_{label}": {"value": round(percentile(delays, 95), 1), "unit": "ms"},
        f"messages_sent_{label}": {"value": len(sent), "unit": "messages"},
        f"messages_lost_{label}": {"value": len(sent - received), "unit": "messages"},
        f"messages_duplicated_{label}": {"value": results["duplicated"], "unit": "messages"},
    }
    if label == "1worker":
        figures["backend_kb_per_client"] = {"value": round((rss_after - rss_before) / 1024 / n_clients, 1),
                                            "unit": "KB"}
    return figures


PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/8"


def run_two_workers(workdir, n_clients: int = 200, seconds: float = 30.0) -> dict[str, dict]:
    """The same traffic over two backend instances that share PostgreSQL and Redis."""
    import sqlalchemy as sa
    from redis import Redis

    from tests.appserver import app_environment, free_port, prepare_database, serving

    name = f"buuv_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    Redis.from_url(REDIS_URL).flushdb()
    try:
        # One worker per instance: "two workers" is exactly two processes sharing Redis and PostgreSQL.
        env = app_environment(database_url, "bench-workers", REDIS_URL=REDIS_URL, REFLEX_REDIS_URL=REDIS_URL, GRANIAN_WORKERS="1")
        prepare_database(env, demo=False)
        port_a, port_b = free_port(), free_port()
        url_a, url_b = f"http://localhost:{port_a}", f"http://localhost:{port_b}"
        with serving(env, ["run", "--env", "prod", "--backend-only", "--backend-port", str(port_a)],
                     workdir / "a.log", url_a):
            with serving(env, ["run", "--env", "prod", "--backend-only", "--backend-port", str(port_b)],
                         workdir / "b.log", url_b):
                return run([url_a, url_b], database_url, n_clients=n_clients, seconds=seconds, label="2workers")
    finally:
        Redis.from_url(REDIS_URL).flushdb()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""Message delivery with many connected clients, over the real websocket protocol.

`run(urls, database_url)` makes N members in pairs (each pair one conversation about a post) and
starts the load generator in a process of its own, on the load core (bench/pinning.py; the servers
are on the other). It connects every member as a websocket client (spread over `urls`: one URL is
one worker, two URLs two workers sharing PostgreSQL and Redis), opens their conversation, and lets
every member send a message every INTERVAL seconds (200 members: 20 messages/s). Receivers time
each message from the sender's send to its arrival in their own state update.

- `messages_lost_*`: messages never stored, or never delivered by the end of a drain period
  (DRAIN_S after the last send); `messages_late_*`: delivered, but more than LATE_S after the send;
  `messages_duplicated_*`: shown twice.
- `message_capacity_per_s_*`: the rate is then stepped up (CAPACITY_RATES, STEP_SECONDS each,
  each step drained before the next); the capacity is the highest rate whose delivery p95 stayed
  within CAPACITY_P95_MS with nothing lost. The steps are kept beside it in results.json.
- Beside the timed figures, `noop_p95_ms`: a bare event's p95 against the same server just before.

`python -m bench.messages [--workers 2] [--clients 200] [--seconds 30] [--no-capacity]` runs this
alone against a fresh app (one worker: SQLite and the demo data; two: PostgreSQL and Redis).
"""

from __future__ import annotations

import gc
import multiprocessing
import statistics
import threading
import time
import uuid
from collections import deque
from datetime import timedelta

import psutil
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from reflex.state import UpdateVarsInternalState
from sqlmodel import Session, select

from bench import events, pinning
from bench.browse import percentile
from buuv_app.db import make_engine
from buuv_app.models import Category, Message, Neighbourhood, Post, User, utcnow
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


LATE_S = 3.0  # delivered, but later than this after the send: counted late, not lost
DRAIN_S = 10.0  # after a step's last send, how long undelivered messages may still arrive
CAPACITY_P95_MS = 250.0  # the capacity is the highest rate whose delivery p95 stays within this
# Message rates tried for the capacity, lowest first, each for STEP_SECONDS; the stepping stops at
# the first rate that misses (p95 over CAPACITY_P95_MS, or a message lost).
CAPACITY_RATES = (10, 20, 30, 45, 60, 80, 100, 130, 160, 200, 250, 320, 400)
STEP_SECONDS = 12.0
STEP_MAX_PER_MEMBER = 20  # a step sends at most this many messages per member (see _forget_rate)


class _Board:
    """What the member threads of the load process share: the step under way and what arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.step: tuple[int, float, float, float] | None = None  # (id, start, stop, interval)
        self.sent: list[str] = []
        self.arrived: dict[str, float] = {}  # body -> seconds from its send to its first arrival
        self.doubles: dict[str, int] = {}
        self.closed = False


class _Member(threading.Thread):
    """One simulated member in the load process: one websocket, its conversation open, sending at
    the step's interval (spread over it by `offset`, 0..1) and timing what its partner sent."""

    def __init__(self, url: str, person: dict, offset: float, board: _Board):
        super().__init__(daemon=True)
        self.url, self.person, self.offset, self.board = url, person, offset, board
        self.ready = threading.Event()
        self.failed: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # noqa: BLE001 (reported by the load process)
            self.failed = error
            self.ready.set()

    def _run(self) -> None:
        for attempt in range(3):  # many clients connecting at once: a slow handshake is retried
            try:
                client = HostileClient(self.url)
                break
            except (TimeoutError, AssertionError):
                if attempt == 2:
                    raise
        client.received = deque(maxlen=0)  # keep no frames: the lists grow with every message
        path = f"/berichten/{self.person['conversation_id']}"
        query = {"conversation_id": str(self.person["conversation_id"])}
        vars_handler = f"{UpdateVarsInternalState.get_full_name()}.update_vars_internal"
        client.call(vars_handler, {"vars": {f"{AppState.get_full_name()}.auth_token_rx_state_": self.person["token"]}})
        client.call(f"{AppState.get_full_name()}.load_viewer", path=path, query=query)
        client.call(f"{ConversationState.get_full_name()}.load_conversation", path=path, query=query)
        self.ready.set()
        send = f"{ConversationState.get_full_name()}.send"
        board, me = self.board, self.person["user_id"]
        step_id, next_send, stop, interval, seq = None, float("inf"), 0.0, 0.0, 0
        while not board.closed:
            step = board.step
            if step is not None and step[0] != step_id:
                step_id, start, stop, interval = step
                next_send = start + self.offset * interval
            now = time.time()
            if now >= next_send:
                if now < stop:
                    body = f"{MARK}{me}:{seq}:{now:.6f}"
                    client.send(send, {"form": {"client_id": uuid.uuid4().hex, "message": body}}, path=path,
                                query=query)
                    board.sent.append(body)
                    seq += 1
                    next_send += interval
                else:
                    next_send = float("inf")
            try:
                # Sleep until a frame comes or the next send is due: 200 client threads that woke
                # up every few milliseconds would take the load core's CPU for nothing.
                frame = client._receive(max(0.005, min(0.5, next_send - time.time())))
            except TimeoutError:
                continue
            if MARK not in frame:
                continue
            arrived = time.time()
            # A delta carries the whole list: a message counts once when first seen, and as
            # duplicated when the same message stands in the list more than once.
            bodies = [b for b in _bench_bodies(frame) if int(b[len(MARK):].split(":")[0]) != me]
            with board.lock:
                for body in bodies:
                    if body not in board.arrived:
                        board.arrived[body] = arrived - float(body.rsplit(":", 1)[1])
                    extra = bodies.count(body) - 1
                    if extra > board.doubles.get(body, 0):
                        board.doubles[body] = extra
        client.close()


def _bench_bodies(frame: str) -> list[str]:
    update = parse_update(frame)
    bodies = []
    for state_delta in update.delta.values() if update is not None else []:
        for key, value in state_delta.items():
            if key.startswith("messages") and isinstance(value, list):
                bodies += [row.get("body", "") for row in value if str(row.get("body", "")).startswith(MARK)]
    return bodies


def _load_process(connection, urls: list[str], people: list[dict]) -> None:
    """The load generator, in a process of its own on the load core (bench/pinning.py): connects
    every member, then runs each step the parent asks for and sends back what happened."""
    pinning.pin_load()
    # The clients' own garbage collection must not count as delivery time.
    gc.collect()
    gc.freeze()
    board = _Board()
    members = [_Member(urls[i % len(urls)], person, i / len(people), board) for i, person in enumerate(people)]
    for member in members:
        member.start()
        time.sleep(0.01)  # no storm of handshakes
    for member in members:
        member.ready.wait(timeout=180)
    failed = [m.failed for m in members if m.failed is not None or not m.ready.is_set()]
    connection.send({"ready": len(members) - len(failed),
                     "failed": [repr(f) for f in failed[:3]]})
    step_id = 0
    while (order := connection.recv()) is not None:
        rate, seconds = order
        step_id += 1
        interval = len(members) / rate
        start = time.time() + 1.0
        stop = start + seconds
        first_sent = len(board.sent)
        cpu, wall = time.process_time(), time.perf_counter()
        board.step = (step_id, start, stop, interval)
        time.sleep(max(0.0, stop - time.time()))
        busy_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
        sent = board.sent[first_sent:]
        drain_until = time.time() + DRAIN_S
        while time.time() < drain_until and not all(body in board.arrived for body in sent):
            time.sleep(0.1)
        with board.lock:
            connection.send({
                "sent": sent,
                "arrived": {body: board.arrived[body] for body in sent if body in board.arrived},
                "duplicated": sum(board.doubles.get(body, 0) for body in sent),
                "load_cpu": busy_cpu,
            })
    board.closed = True
    for member in members:
        member.join(timeout=5)


def _stored(database_url: str, bodies: list[str]) -> set[str]:
    """Which of these messages the database holds."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            rows = db.exec(select(Message.body).where(Message.body.like(f"{MARK}%"))).all()
    finally:
        engine.dispose()
    wanted = set(bodies)
    return {body for body in rows if body in wanted}


def _forget_rate(database_url: str) -> None:
    """Move the bench's messages an hour back. The app lets a member send HOURLY_LIMIT messages an
    hour (services/messaging.py); the capacity steps send more than that per member in total, and
    refused messages would be counted lost. Only the limit reads created_at this way."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            rows = db.exec(select(Message.id, Message.created_at).where(Message.body.like(f"{MARK}%"))).all()
            if rows:
                db.execute(sa.update(Message), [{"id": i, "created_at": at - timedelta(hours=1)} for i, at in rows])
                db.commit()
    finally:
        engine.dispose()


def _step_figures(result: dict, database_url: str, server_cpu_s: float) -> dict:
    figures = step_figures(result, _stored(database_url, result["sent"]))
    figures["server_cpu_ms_per_message"] = round(1000 * server_cpu_s / max(1, figures["sent"]), 2)
    return figures


def servers_cpu_s(processes: list[psutil.Process] | None = None) -> float:
    """CPU seconds used so far by the app's servers: every process started below this one except
    the load generators (PostgreSQL and Redis are system services, not counted). Per message sent,
    this is the cost that decides the capacity of the servers' core, and unlike a delivery time it
    does not depend on how close to full that core is."""
    total = 0.0
    for child in psutil.Process().children(recursive=True) if processes is None else processes:
        if child.pid in pinning.load_pids():
            continue
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _timed_step(ours, step: tuple[float, float], database_url: str) -> dict:
    """Ask the load process for one step (rate, seconds) and gather its figures."""
    cpu_before = servers_cpu_s()
    ours.send(step)
    result = ours.recv()
    return _step_figures(result, database_url, servers_cpu_s() - cpu_before)


def step_figures(result: dict, stored: set[str]) -> dict:
    """One step's delivery: p50/p95 over what arrived, lost (never stored, or never delivered by
    the end of the drain) and late (delivered after LATE_S). `result` is what the load process
    sent back: sent bodies, {body: seconds to arrival}, duplicated, load_cpu (share of a core)."""
    sent = result["sent"]
    delays = [result["arrived"][body] * 1000 for body in sent if body in result["arrived"]]
    lost = [body for body in sent if body not in stored or body not in result["arrived"]]
    return {
        "sent": len(sent),
        "p50": round(statistics.median(delays), 1) if delays else None,
        "p95": round(percentile(delays, 95), 1) if delays else None,
        "lost": len(lost),
        "never_stored": sum(1 for body in sent if body not in stored),
        "late": sum(1 for d in delays if d > LATE_S * 1000),
        "duplicated": result["duplicated"],
        "load_cpu_pct": round(100 * result["load_cpu"]),
    }


def _passes(step: dict) -> bool:
    return step["sent"] > 0 and step["lost"] == 0 and step["p95"] is not None and step["p95"] <= CAPACITY_P95_MS


def run(urls: list[str], database_url: str, n_clients: int = 200, seconds: float = 30.0,
        interval: float = 10.0, label: str = "1worker", capacity: bool = True,
        rates: tuple[int, ...] = CAPACITY_RATES) -> dict[str, dict]:
    """Delivery at 200 members sending one message each `interval` seconds; then, with
    `capacity`, the rate stepped up until delivery p95 passes CAPACITY_P95_MS or a message is lost."""
    pinning.arrange()
    people = _setup(database_url, n_clients)
    noop = events.noop_p95(urls[0])
    rss_before = _backend_rss(urls)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    load = context.Process(target=_load_process, args=(theirs, urls, people), daemon=True)
    load.start()
    pinning.pin_load(load.pid)
    try:
        ready = ours.recv()
        if ready["failed"]:  # a machine too busy to answer handshakes in time: said, not hidden
            print(f"  {label}: only {ready['ready']} of {n_clients} members connected: {ready['failed']}", flush=True)
        rss_after = _backend_rss(urls)
        base = _timed_step(ours, (n_clients / interval, seconds), database_url)
        print(f"  {label}: {n_clients / interval:g}/s for {seconds:g} s: {base}", flush=True)
        steps, capacity_rate = [], 0.0
        if capacity:
            for rate in rates:
                _forget_rate(database_url)
                step_seconds = min(STEP_SECONDS, STEP_MAX_PER_MEMBER * n_clients / rate)
                step = {"rate": rate, **_timed_step(ours, (rate, step_seconds), database_url)}
                print(f"  {label}: {step}", flush=True)
                steps.append(step)
                if not _passes(step):
                    break
                capacity_rate = rate
        ours.send(None)
    finally:
        load.join(timeout=30)
        if load.is_alive():
            load.kill()
    beside = {"noop_p95_ms": noop}
    figures = {
        f"message_delivery_p50_ms_{label}": {"value": base["p50"], "unit": "ms", **beside},
        f"message_delivery_p95_ms_{label}": {"value": base["p95"], "unit": "ms", **beside},
        f"message_members_connected_{label}": {"value": ready["ready"], "unit": "members"},
        f"messages_sent_{label}": {"value": base["sent"], "unit": "messages"},
        f"messages_lost_{label}": {"value": base["lost"], "unit": "messages"},
        f"messages_late_{label}": {"value": base["late"], "unit": "messages"},
        f"messages_duplicated_{label}": {"value": base["duplicated"], "unit": "messages"},
        f"message_load_generator_cpu_pct_{label}": {"value": base["load_cpu_pct"], "unit": "%"},
        # The servers' CPU per message at 200 members (the step above, its drain included).
        f"message_server_cpu_ms_{label}": {"value": base["server_cpu_ms_per_message"], "unit": "ms", **beside},
    }
    if capacity:
        # The load generator's own core must not be what limits the figure: its CPU share at
        # each step is kept beside it (near 100 % means the figure says more about the generator).
        figures[f"message_capacity_per_s_{label}"] = {
            "value": capacity_rate, "unit": "messages/s", **beside,
            "steps": steps, "p95_limit_ms": CAPACITY_P95_MS,
            "reached_top": bool(steps) and _passes(steps[-1])}
    if label == "1worker":
        figures["backend_kb_per_client"] = {"value": round((rss_after - rss_before) / 1024 / max(1, ready["ready"]), 1),
                                            "unit": "KB"}
    return figures


PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/8"


def run_two_workers(workdir, n_clients: int = 200, seconds: float = 30.0, **options) -> dict[str, dict]:
    """The same traffic over two backend instances that share PostgreSQL and Redis."""
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
        env = app_environment(database_url, "bench-workers", REDIS_URL=REDIS_URL, REFLEX_REDIS_URL=REDIS_URL, WEB_CONCURRENCY="1")
        prepare_database(env, demo=False)
        port_a, port_b = free_port(), free_port()
        url_a, url_b = f"http://localhost:{port_a}", f"http://localhost:{port_b}"
        with serving(env, ["run", "--env", "prod", "--backend-only", "--backend-port", str(port_a)],
                     workdir / "a.log", url_a):
            with serving(env, ["run", "--env", "prod", "--backend-only", "--backend-port", str(port_b)],
                         workdir / "b.log", url_b):
                return run([url_a, url_b], database_url, n_clients=n_clients, seconds=seconds, label="2workers",
                           **options)
    finally:
        Redis.from_url(REDIS_URL).flushdb()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    import argparse
    import tempfile
    from pathlib import Path

    from tests.appserver import running_app

    parser = argparse.ArgumentParser(description="message delivery and capacity alone")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-capacity", action="store_true")
    parser.add_argument("--rates", type=lambda s: tuple(int(r) for r in s.split(",")), default=CAPACITY_RATES)
    args = parser.parse_args()
    print(pinning.describe(), flush=True)
    with tempfile.TemporaryDirectory(prefix="buuv-bench-messages-") as workdir:
        if args.workers == 2:
            figures = run_two_workers(Path(workdir), n_clients=args.clients, seconds=args.seconds,
                                      capacity=not args.no_capacity, rates=args.rates)
        else:
            with running_app(Path(workdir), purpose="bench") as app:
                figures = run([app.url], app.database_url, n_clients=args.clients, seconds=args.seconds,
                              capacity=not args.no_capacity, rates=args.rates)
    for name, figure in figures.items():
        beside = f"   (noop p95 {figure['noop_p95_ms']} ms)" if "noop_p95_ms" in figure else ""
        print(f"{name}: {figure['value']} {figure['unit']}{beside}")


if __name__ == "__main__":
    main()

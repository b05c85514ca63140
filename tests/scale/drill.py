"""Simulated members for the fault drills and the benchmark: websocket clients that log in through
nginx, send messages with device ids (as /outbox.js does) and, when the connection drops, reconnect
and send the unconfirmed message again with the same id."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import reflex as rx

from buuv_app.state.account import LoginState
from buuv_app.state.backend_errors import DATABASE_AWAY
from buuv_app.state.base import AppState
from buuv_app.state.messaging import ConversationState
from buuv_app.state.presence import RELOAD_KEY
from tests.security.client import HostileClient, delta_value
from tests.security.hostile import handler

PASSWORD = "de Zijl is mooi in de herfst"
AUTH_COOKIE_KEY = f"{AppState.get_full_name()}.auth_token_rx_state_"


@dataclass
class Member:
    """One member's phone: a tab on the conversation, an outbox of one message at a time."""

    url: str
    email: str
    conversation_id: int
    name: str
    address: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    cookie: str = ""
    sent: list[str] = field(default_factory=list)  # device ids, in order
    acknowledged: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    told_away: list[float] = field(default_factory=list)  # seconds until "even geen verbinding" came
    drops: list[float] = field(default_factory=list)  # monotonic times the connection was lost
    reconnects: list[float] = field(default_factory=list)  # monotonic times it was back
    client: HostileClient | None = None

    @property
    def path(self) -> str:
        return f"/berichten/{self.conversation_id}"

    def connect(self, path: str | None = None) -> None:
        """A new connection, which a browser opens with Reflex's hydrate: its cookies (the session,
        once logged in) go to the tab's state, which may be a new one (Redis lost it, or Reflex gave
        the tab a new token because the dead backend's socket record still names the old one)."""
        self.client = HostileClient(self.url, token=self.token, forwarded_for=self.address)
        browser_values = {AUTH_COOKIE_KEY: self.cookie} if self.cookie else {}
        self.client.call(handler(rx.State, "hydrate_and_load"), {"vars": browser_values}, path=path or self.path,
                         query={"conversation_id": str(self.conversation_id)}, timeout=30)

    def log_in(self) -> None:
        self.connect("/inloggen")
        updates = self.client.call(handler(LoginState, "log_in"),
                                   {"form": {"email": self.email, "password": PASSWORD}}, path="/inloggen", timeout=30)
        self.cookie = delta_value(updates, "auth_token") or ""
        assert self.cookie, f"{self.email} could not log in"
        self.open_conversation()

    def open_conversation(self) -> None:
        self.client.call(handler(ConversationState, "load_conversation"), path=self.path,
                         query={"conversation_id": str(self.conversation_id)}, timeout=30)

    def send(self, client_id: str, body: str, timeout: float = 60) -> float:
        """Send until the server confirms it (reconnecting and resending meanwhile); seconds taken."""
        started = time.monotonic()
        deadline = started + timeout
        form = {"client_id": client_id, "message": body, "conversation_id": self.conversation_id}
        if client_id not in self.sent:
            self.sent.append(client_id)
        while time.monotonic() < deadline:
            try:
                if self.client is None:
                    self.connect()
                    self.reconnects.append(time.monotonic())
                    self.open_conversation()
                asked = time.monotonic()
                updates = self.client.call(handler(ConversationState, "send"), {"form": form}, path=self.path,
                                           query={"conversation_id": str(self.conversation_id)}, timeout=12)
            except Exception:  # noqa: BLE001 (a dropped connection, a refused connect, a timeout)
                self._drop()
                time.sleep(0.2)
                continue
            text = " ".join(u.text for u in updates)
            if RELOAD_KEY in text:
                # The server lost this tab's state and asks the page to reload (state/presence.py):
                # a new connection hands the session cookie over again; the outbox sends again.
                self._drop()
                continue
            if "buuvOutbox.confirm" in text and client_id in text:
                self.acknowledged.add(client_id)
            elif "buuvOutbox.fail" in text:
                self.refused.append(client_id)
            elif DATABASE_AWAY in text:  # the database is away: the outbox tries again shortly
                self.told_away.append(time.monotonic() - asked)
                time.sleep(0.5)
                continue
            else:  # no answer for it (the handler failed, say): the outbox tries again
                time.sleep(0.5)
                continue
            return time.monotonic() - started
        raise TimeoutError(f"{self.name}: {client_id} not confirmed within {timeout}s")

    def _drop(self) -> None:
        if self.client is not None:
            self.drops.append(time.monotonic())
            try:
                self.client.close()
            except Exception:  # noqa: BLE001
                pass
            self.client = None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None


class Load:
    """Members sending in threads of their own; `finish()` stops them and returns their errors."""

    def __init__(self, members: list[Member], interval: float = 1.0, limit: int = 25) -> None:
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.threads = keep_sending(members, self.stop, self.errors, interval, limit)

    def finish(self) -> list[BaseException]:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)
        return self.errors


def keep_sending(members: list[Member], stop: threading.Event, errors: list[BaseException],
                 interval: float = 1.0, limit: int = 25) -> list[threading.Thread]:
    """Each member sends a message every `interval` seconds (at most `limit`) until `stop`."""

    def run(member: Member) -> None:
        n = len(member.sent)
        try:
            while not stop.is_set() and n < limit:
                member.send(f"{member.name}-{uuid.uuid4().hex[:6]}-{n:03d}", f"Bericht {n} van {member.name}")
                n += 1
                stop.wait(interval)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run, args=(m,), daemon=True) for m in members]
    for thread in threads:
        thread.start()
    return threads


@dataclass
class OwnRedis:
    """A redis-server of the drill's own on a free port (the shared one is never restarted)."""

    workdir: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except Exception:  # noqa: BLE001
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

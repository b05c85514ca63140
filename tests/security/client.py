"""A hostile client: speaks Reflex's websocket protocol directly, no browser, any arguments.

Wire format (Reflex 0.10): Engine.IO v4 over a websocket at /_event/, Socket.IO namespace
"/_event"; events go out as `42/_event,["event",{name, payload, router_data}]` and state updates
come back as `42/_event,["event",{delta, events, final}]`. A `2` (ping) is answered with `3`.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

import simple_websocket

NAMESPACE = "/_event"


@dataclass
class Update:
    delta: dict
    events: list

    @property
    def text(self) -> str:
        return json.dumps({"delta": self.delta, "events": self.events})


@dataclass
class HostileClient:
    base_url: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    forwarded_for: str = "203.0.113.66"
    received: list[str] = field(default_factory=list)  # every frame, for "never leaked" checks
    follow_events: bool = False  # send returned backend events back, as a browser would

    def __post_init__(self) -> None:
        ws_url = self.base_url.replace("http://", "ws://").replace("https://", "wss://")
        self.ws = simple_websocket.Client.connect(
            f"{ws_url}/_event/?EIO=4&transport=websocket&token={self.token}",
            headers={"X-Forwarded-For": self.forwarded_for},
        )
        # Ask for the namespace at once, before the server's open packet ("0{...}") is read:
        # simple_websocket's client takes only the upgrade response from its first read, so an
        # open packet that arrived in the same TCP segment waits, unseen, for the next bytes
        # from the server, which sends nothing more until we speak (a 10 s stall that came and
        # went with the machine's load). The answer to this request brings both.
        self.ws.send(f"40{NAMESPACE},")
        opened = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            frame = self._receive(max(0.1, deadline - time.monotonic()))
            opened = opened or frame.startswith("0")
            if frame.startswith(f"40{NAMESPACE}"):
                assert opened, "the namespace connected before the Engine.IO connection opened"
                return
        raise AssertionError("the namespace did not connect")

    def _receive(self, timeout: float) -> str:
        frame = self.ws.receive(timeout=timeout)
        if frame is None:
            raise TimeoutError("no frame from the server")
        frame = frame if isinstance(frame, str) else frame.decode()
        self.received.append(frame)
        if frame == "2":
            self.ws.send("3")
        return frame

    def dispatch(self, events: list, *, path: str = "/", query: dict | None = None) -> None:
        """Do what the browser does with events a handler returns: send the backend ones back
        (say, the background task a page load starts). Frontend events (_redirect, ...) are ignored."""
        for event in events:
            name = event.get("name", "") if isinstance(event, dict) else ""
            if "." in name and not name.split(".")[-1].startswith("_"):
                self.send(name, event.get("payload") or {}, path=path, query=query)

    def send(self, handler: str, payload: dict | None = None, *, path: str = "/",
             query: dict | None = None) -> None:
        router_data = {"pathname": path, "asPath": path, "query": query or {}}
        message = {"name": handler, "payload": payload or {}, "router_data": router_data}
        self.ws.send(f"42{NAMESPACE}," + json.dumps(["event", message]))

    def call(self, handler: str, payload: dict | None = None, *, path: str = "/",
             query: dict | None = None, timeout: float = 15) -> list[Update]:
        """Send one event, then a ping; the ping's echo proves the event was fully handled
        (one client's events are processed in order). Returns the updates before the echo."""
        from buuv_app.state.base import AppState

        self.send(handler, payload, path=path, query=query)
        marker = uuid.uuid4().hex
        self.send(f"{AppState.get_full_name()}.ping", {"marker": marker}, path=path, query=query)
        updates: list[Update] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            update = parse_update(self._receive(max(0.1, deadline - time.monotonic())))
            if update is None:
                continue
            if delta_value([update], "last_ping") == marker:
                return updates
            if self.follow_events:
                self.dispatch(update.events, path=path, query=query)
            updates.append(update)
        raise TimeoutError(f"{handler} was not handled within {timeout}s")

    def reassigned(self) -> bool:
        """Did the server give this connection a token of its own (Reflex's "new_token": it still
        counts the token as in use by an earlier connection it has not yet seen close)?"""
        prefix = f'42{NAMESPACE},["new_token"'
        return any(frame.startswith(prefix) for frame in self.received)

    def saw(self, text: str) -> bool:
        """Did `text` appear in anything the server sent this client?"""
        return any(text in frame for frame in self.received)

    def close(self) -> None:
        self.ws.close()


def reconnect(base_url: str, token: str, *, timeout: float = 20, **options) -> HostileClient:
    """A new connection under `token`, as a browser reconnects after its connection dropped. Right
    after the old connection closed, the server may not yet have noticed, and would give this one
    a new token (and so an empty state): that connection is closed and another tried, so that the
    test really runs under `token`."""
    from buuv_app.state.base import AppState

    deadline = time.monotonic() + timeout
    while True:
        client = HostileClient(base_url, token=token, **options)
        client.call(f"{AppState.get_full_name()}.ping", {"marker": "connected"})  # past the connect
        if not client.reassigned():
            return client
        client.close()
        if time.monotonic() > deadline:
            raise AssertionError(f"the server kept giving token {token} to an earlier connection")
        time.sleep(0.1)  # pacing between attempts: the server's clean-up is not observable from here


def parse_update(frame: str) -> Update | None:
    """The state update a frame carries, or None for any other frame (ping, connect, ...)."""
    prefix = f"42{NAMESPACE},"
    if not frame.startswith(prefix):
        return None
    name, *args = json.loads(frame[len(prefix):])
    if name != "event" or not args:
        return None
    body = args[0] if isinstance(args[0], dict) else json.loads(args[0])
    return Update(delta=body.get("delta") or {}, events=body.get("events") or [])


def delta_value(updates: list[Update], var: str):
    """The newest value of a var (by its name without Reflex's suffix) in any state of the deltas."""
    found = None
    for update in updates:
        for state_delta in update.delta.values():
            for key, value in state_delta.items():
                if key.removesuffix("_rx_state_") == var:
                    found = value
    return found

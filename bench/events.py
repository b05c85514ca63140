"""Event round trips through the running app over its websocket: a no-op and a filter change."""

from __future__ import annotations

import gc
import random
import statistics
import time
import uuid
from collections import deque

from bench.browse import percentile
from buuv_app.state.base import AppState
from buuv_app.state.feed import FeedState
from tests.security.client import NAMESPACE, HostileClient

PREFIX = f"42{NAMESPACE},"



def wait_for_update(client: HostileClient, needle: str, timeout: float = 10) -> None:
    """Read the client's websocket until an event frame containing `needle` arrives (TimeoutError
    after `timeout` seconds): the answer to the event just sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = client._receive(max(0.05, deadline - time.monotonic()))
        if frame.startswith(PREFIX) and needle in frame:
            return
    raise TimeoutError(needle)


def _noop_timings(client: HostileClient, repeat: int, warm_up: int = 20) -> list[float]:
    """Milliseconds of `repeat` bare round trips (AppState.ping), after `warm_up` uncounted ones."""
    ping = f"{AppState.get_full_name()}.ping"
    noop: list[float] = []
    for i in range(repeat + warm_up):
        marker = uuid.uuid4().hex
        started = time.perf_counter()
        client.send(ping, {"marker": marker})
        wait_for_update(client, marker)
        if i >= warm_up:  # the first ones warm up the connection and the state
            noop.append((time.perf_counter() - started) * 1000)
    return noop


def noop_p95(url: str, repeat: int = 200) -> float:
    """The machine's speed at this moment, as a yardstick printed beside every timed figure of the
    same run (bench/run.py): the p95 of a bare event's round trip to the server at `url`."""
    client = HostileClient(url)
    client.received = deque(maxlen=0)  # keep no frames
    gc.disable()
    try:
        return round(percentile(_noop_timings(client, repeat), 95), 2)
    finally:
        gc.enable()
        client.close()


def run(url: str, neighbourhood: str, categories: list[str], repeat: int = 300, seed: int = 5) -> dict[str, dict]:
    rng = random.Random(seed)
    client = HostileClient(url)
    gc.disable()  # the client's own garbage collection is no part of the app's round trip
    try:
        noop = _noop_timings(client, repeat)

        path = f"/buurt/{neighbourhood}"
        client.call(f"{FeedState.get_full_name()}.load_neighbourhood", path=path, query={"buurt": neighbourhood})
        browse: list[float] = []
        for i in range(repeat + 20):
            form = {"kind": rng.choice(("request", "offer")), "category": rng.choice(categories), "q": ""}
            started = time.perf_counter()
            client.send(f"{FeedState.get_full_name()}.apply_filters", {"form": form}, path=path,
                        query={"buurt": neighbourhood})
            wait_for_update(client, "items_rx_state_")
            if i >= 20:
                browse.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
        client.close()
    return {
        "noop_event_p50_ms": {"value": round(statistics.median(noop), 2), "unit": "ms"},
        "noop_event_p95_ms": {"value": round(percentile(noop, 95), 2), "unit": "ms"},
        "browse_event_p50_ms": {"value": round(statistics.median(browse), 2), "unit": "ms"},
        "browse_event_p95_ms": {"value": round(percentile(browse, 95), 2), "unit": "ms"},
    }

"""A bare event's round trip while 20 clients fetch board sheets at once (issue 15): printing must
not slow anyone down. Sheets are drawn in a pool of their own and kept until their posts change
(buuv_app/printing/pool.py); the no-op event's p95 under that load should stay within 3× idle.

`make bench` runs it against the production app on the 100,000-post database.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid

import httpx

from bench import pinning
from bench.browse import percentile
from bench.events import wait_for_update
from buuv_app.state.base import AppState
from tests.security.client import HostileClient

CLIENTS = 20
TARGET = "≤ 3 × board_pdf_idle_noop_event_p95_ms"


def _noop_p95(client: HostileClient, repeat: int, until=lambda: True, limit_s: float = 120) -> float:
    """The p95 of at least `repeat` no-op round trips, going on until `until()` (or `limit_s`)."""
    ping = f"{AppState.get_full_name()}.ping"
    timings = []
    deadline = time.monotonic() + limit_s
    i = 0
    while i < repeat + 10 or (not until() and time.monotonic() < deadline):
        i += 1
        marker = uuid.uuid4().hex
        started = time.perf_counter()
        client.send(ping, {"marker": marker})
        wait_for_update(client, marker, timeout=30)
        if i > 10:
            timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 95)


def _fetch_sheets(sheets: list[str], go, stop, fetched, failed) -> None:
    """In a process of its own (so the clients' work never delays the timing in this one): CLIENTS
    threads, each fetching sheets one after another until told to stop."""
    def fetch(n: int) -> None:
        with httpx.Client(timeout=120) as http:
            i = n
            while not stop.is_set():
                response = http.get(sheets[i % len(sheets)])
                with fetched.get_lock():
                    fetched[n] += 1
                    failed[n] += response.status_code != 200
                i += 1

    pinning.pin_load()
    go.wait()
    threads = [threading.Thread(target=fetch, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run(url: str, repeat: int = 200) -> dict[str, dict]:
    boards = httpx.get(f"{url}/api/boards", timeout=30).json()
    sheets = [f"{url}{b['sheet_pdf']}?lang={lang}" for b in boards for lang in ("nl", "en")]
    context = multiprocessing.get_context("spawn")
    go, stop = context.Event(), context.Event()
    fetched, failed = context.Array("i", CLIENTS), context.Array("i", CLIENTS)
    fetcher = context.Process(target=_fetch_sheets, args=(sheets, go, stop, fetched, failed), daemon=True)
    fetcher.start()
    pinning.pin_load(fetcher.pid)  # the fetchers are load: never moved to the servers' core
    client = HostileClient(url)
    try:
        idle = _noop_p95(client, repeat)
        go.set()
        # Cold (the pool starting, every sheet drawn once) and warm (from memory), as a town sees
        # it: measured until every client has fetched a few sheets.
        busy = _noop_p95(client, repeat, until=lambda: min(fetched[:]) >= 3)
    finally:
        go.set()
        stop.set()
        client.close()
        fetcher.join(timeout=180)
    return {
        "board_pdf_idle_noop_event_p95_ms": {"value": round(idle, 2), "unit": "ms"},
        "board_pdf_20_parallel_noop_event_p95_ms": {"value": round(busy, 2), "unit": "ms"},
        "board_pdf_20_parallel_vs_idle": {"value": round(busy / idle, 1) if idle else 0, "unit": "×"},
        "board_pdf_20_parallel_sheets_fetched": {"value": sum(fetched[:]), "unit": "sheets"},
        "board_pdf_20_parallel_sheets_failed": {"value": sum(failed[:]), "unit": "sheets"},
    }


def main() -> None:
    """`python -m bench.sheet_load`: the figures against a fresh app with the demo data."""
    import tempfile
    from pathlib import Path

    from tests.appserver import running_app

    with tempfile.TemporaryDirectory(prefix="buuv-bench-sheets-") as workdir, running_app(Path(workdir)) as app:
        pinning.arrange()
        print(pinning.describe())
        for name, figure in run(app.url).items():
            print(f"{name}: {figure['value']} {figure['unit']}")


if __name__ == "__main__":
    main()

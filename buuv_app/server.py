"""How `reflex run --env prod` serves the backend: gunicorn with uvicorn workers, not Granian.

Every connected member holds one websocket. Granian 2.8 (Reflex's default server) gives each one
tungstenite's 128 KiB read buffer, which no setting changes: about 150 KB per member before the app
keeps anything; uvicorn's (wsproto) about 17 KB (bench/websocket_floor.py).
Reflex 0.10 starts gunicorn with uvicorn workers itself when REFLEX_USE_GRANIAN is false
(reflex.utils.exec.run_uvicorn_backend_prod) and takes gunicorn options from GUNICORN_CMD_ARGS;
`configure()`, called from rxconfig.py (read by every `reflex run`), sets both.

What stays as it was under Granian:
- the client address: uvicorn's own X-Forwarded-For handling is off, so Reflex's
  REFLEX_TRUSTED_PROXY_HOPS stays the one rule for whom to believe (the rate limits use it);
- a websocket message longer than engine.io's limit (Reflex: 1,000,000 characters) is refused;
  a far larger one already by uvicorn while it comes in (WEBSOCKET_MAX_BYTES; Granian's: 64 MiB);
- workers: one per backend, or `WEB_CONCURRENCY=N` (gunicorn's setting; GRANIAN_WORKERS before);
  with Redis and no WEB_CONCURRENCY, Reflex's own rule (2 × cores + 1, at most 8);
- SIGTERM ends open websockets (close code 1012, the browser reconnects) and the process within
  seconds; `kill -9` of the process group ends the gunicorn master and its workers together.
"""

from __future__ import annotations

import os
import shlex
import warnings
from collections.abc import Mapping

from reflex.utils.processes import MAX_BACKEND_WORKERS
from reflex_base.environment import environment

with warnings.catch_warnings():
    # uvicorn.workers still ships with uvicorn; its warning points at a separate package.
    warnings.simplefilter("ignore", DeprecationWarning)
    from uvicorn.workers import UvicornH11Worker

WORKER_CLASS = "buuv_app.server.BackendWorker"
# With Redis, Reflex's state manager takes a tab's lock in Redis, reads the tab's state and writes it
# back for every event. With this setting a backend keeps the lock and the state in memory for a
# while (REFLEX_OPLOCK_HOLD_TIME; by default half of the 10 s lock), so the tab's next events there
# (its own websocket, its watchers) do not go to Redis. Another backend that needs the tab (after a
# reconnect through the load balancer) asks, and the holder writes the state back and lets go first
# (tests/scale/test_two_workers.py). Two backends on one core: 60 -> 70 messages/s within 250 ms
# (README). A state held this way and not yet written back is lost with its backend (kill -9) or a
# Redis restart: the database holds what matters, and a tab that finds its state lost reloads
# (state/presence.py). An operator may still set it to false.
OPLOCK_SETTING = "REFLEX_OPLOCK_ENABLED"
# engine.io refuses a websocket message over REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE characters (Reflex:
# 1,000,000) once it has it whole; uvicorn refuses it while it comes in, before holding it. In UTF-8
# a character takes up to 4 bytes, so nothing engine.io would take is refused here.
WEBSOCKET_MAX_BYTES = 4 * environment.REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE.get() + 1024
GRACEFUL_SECONDS = 10


class BackendWorker(UvicornH11Worker):
    """Reflex's worker (asyncio, h11) with wsproto websockets and no proxy-header rewriting."""

    CONFIG_KWARGS = {
        **UvicornH11Worker.CONFIG_KWARGS,
        "ws": "wsproto",
        "ws_max_size": WEBSOCKET_MAX_BYTES,
        "proxy_headers": False,
        # engine.io pings every tab itself; a second ping per websocket would be traffic for nothing.
        "ws_ping_interval": None,
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    }


def gunicorn_args(environ: Mapping[str, str], redis_url: str | None) -> str:
    """GUNICORN_CMD_ARGS for the backend: our worker class, the worker count, then whatever the
    environment already asks for (later options win in gunicorn)."""
    existing = environ.get("GUNICORN_CMD_ARGS", "")
    if WORKER_CLASS in existing:  # already set by the `reflex run` this process came from
        return existing
    ours = ["--worker-class", WORKER_CLASS, "--graceful-timeout", str(GRACEFUL_SECONDS + 5)]
    if "WEB_CONCURRENCY" not in environ and redis_url:
        ours += ["--workers", str(min((os.cpu_count() or 1) * 2 + 1, MAX_BACKEND_WORKERS))]
    return " ".join([shlex.join(ours), existing]).strip()


def configure(redis_url: str | None) -> None:
    """Make `reflex run --env prod` serve the backend with gunicorn and BackendWorker; with Redis,
    let each backend keep the tabs it serves for a while (OPLOCK_SETTING)."""
    os.environ.setdefault("REFLEX_USE_GRANIAN", "false")
    if redis_url:
        os.environ.setdefault(OPLOCK_SETTING, "true")
    os.environ["GUNICORN_CMD_ARGS"] = gunicorn_args(os.environ, redis_url)

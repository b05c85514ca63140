"""Which core runs what during a benchmark: the servers on one, the load on the other.

On a 2-core machine the 200 simulated members and the servers used to share both cores, so a
delivery figure mostly said how close the machine was to saturation. Here the benchmark process
and every load generator it starts (each in a process of its own) run on LOAD_CORE, and every
server it starts (Reflex backends, nginx, Redis, and whatever they start later: a child inherits
its parent's affinity) on SERVER_CORE. PostgreSQL is a system service and is not moved.

`arrange()`, called once servers are up, does both: `setup()` pins this process; `pin_servers()` moves every process started below it since (all their
threads) to the server core, except the load generators registered with `load_process()`. On a
machine with one usable core nothing is pinned, and `describe()` says so (it is printed and kept
in results.json as `pinning`).
"""

from __future__ import annotations

import os
from pathlib import Path

import psutil

_available = sorted(os.sched_getaffinity(0))
PINNED = len(_available) >= 2
SERVER_CORE = _available[0]
LOAD_CORE = _available[1] if PINNED else _available[0]
_load_pids: set[int] = set()


def describe() -> str:
    if not PINNED:
        return f"unpinned: only core {SERVER_CORE} is usable, servers and load share it"
    return f"servers on core {SERVER_CORE}, load generators on core {LOAD_CORE}"


def _pin_all_threads(pid: int, core: int) -> None:
    """sched_setaffinity(pid) moves one thread only: move every thread the process has now."""
    try:
        tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except FileNotFoundError:
        return
    for tid in tids:
        try:
            os.sched_setaffinity(tid, {core})
        except (ProcessLookupError, PermissionError):
            continue


def setup() -> None:
    """Pin this (the measuring) process to the load core, before it starts any thread or server."""
    if PINNED:
        _pin_all_threads(os.getpid(), LOAD_CORE)


def pin_load(pid: int | None = None) -> None:
    """Called first thing in a load generator's own process (or with its pid, from its parent)."""
    pid = pid or os.getpid()
    _load_pids.add(pid)
    if PINNED:
        _pin_all_threads(pid, LOAD_CORE)


def load_pids() -> set[int]:
    """The load generators registered so far (pin_load)."""
    return set(_load_pids)


def pin_servers() -> int:
    """Move every process started below this one (servers, their workers) to the server core.
    Returns how many were moved (0 when unpinned)."""
    if not PINNED:
        return 0
    moved = 0
    for child in psutil.Process().children(recursive=True):
        if child.pid in _load_pids:
            continue
        _pin_all_threads(child.pid, SERVER_CORE)
        moved += 1
    return moved


def arrange() -> None:
    """After servers have started: them to the server core, this process to the load core. Called
    again after each new server; the frontend build before the first one still uses both cores."""
    pin_servers()
    setup()


def cores_of(pid: int) -> set[int]:
    """The cores a process's threads may run on (for tests and for the report)."""
    cores: set[int] = set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        cores |= os.sched_getaffinity(int(tid))
    return cores


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]

"""Running a coroutine from a synchronous test."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_async(coro):
    """asyncio.run in a thread of its own. In the whole suite the browser tests come first, and
    Playwright's sync API keeps an event loop running in the main thread, where asyncio.run
    refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()

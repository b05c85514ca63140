"""Board sheets drawn once per version, in a small process pool of their own at low priority.

Drawing a sheet (fpdf2, QR codes) is pure Python: in a thread it would hold the GIL and slow down
every event of every member on this backend, and in the default thread pool it would queue
behind, or ahead of, their database work. So sheets are drawn in SHEET_WORKERS separate processes
that run at the lowest CPU priority (`os.nice`): on a core they share with the event loop, the
loop runs first whenever it has work, and a drawing takes what is left.

Each sheet is drawn once: the PDF is kept under a key made of the sheet's version
(services/boards.SheetVersion: the board, how many posts are on it and when the latest changed,
the date in the header), the language and the wijk code printed on it, so it is served from
memory until a post on it changes, without reading its posts again; twenty people asking for the
same new sheet at once wait for one drawing.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor

from buuv_app.services.boards import BoardSheet, SheetVersion

# Leave a core for the event loop: on a two-core machine one drawing at a time.
SHEET_WORKERS = max(1, min(2, (os.cpu_count() or 2) - 1))
CACHED_SHEETS = 64  # boards × languages; a sheet is well under 1 MB
DRAWING_NICENESS = 19  # the lowest priority: the event loop (niceness 0) always goes first


def sheet_key(version: SheetVersion, locale: str, wijk_code: str = "") -> str:
    """Changes exactly when the printed sheet would: a new version of it (a post added, changed,
    closed or expired, the board's own details, the date in its header), the language, the wijk
    code printed only for the board's keepers. Also the sheet's ETag."""
    return hashlib.sha256(repr((version, locale, wijk_code)).encode()).hexdigest()


def _render(sheet: BoardSheet, locale: str) -> bytes:
    from buuv_app.printing.sheet import render_sheet_pdf  # imported in the worker process

    return render_sheet_pdf(sheet, locale)


def _lower_priority() -> None:
    """First thing in a drawing process: yield the CPU to everything else on its core."""
    os.nice(DRAWING_NICENESS)


def _process_pool() -> Executor:
    # Spawned, not forked: the app process runs threads and an event loop, which a fork copies
    # in whatever state they are.
    return ProcessPoolExecutor(max_workers=SHEET_WORKERS, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_lower_priority)


class SheetRenderer:
    def __init__(self, render: Callable[[BoardSheet, str], bytes] = _render,
                 executor_factory: Callable[[], Executor] = _process_pool, size: int = CACHED_SHEETS):
        self._render = render
        self._executor_factory = executor_factory
        self._executor: Executor | None = None
        self._size = size
        self._done: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, asyncio.Future[bytes]] = {}
        self.drawn = 0  # how many sheets were actually drawn (for tests and figures)

    async def pdf(self, key: str, load: Callable[[], Awaitable[BoardSheet]], locale: str) -> bytes:
        """The sheet kept under `key` (sheet_key), or `await load()` drawn in the pool and kept."""
        if (data := self._done.get(key)) is not None:
            self._done.move_to_end(key)
            return data
        drawing = self._drawing.get(key)
        if drawing is None:
            drawing = asyncio.ensure_future(self._draw(key, load, locale))
            self._drawing[key] = drawing
        # Shielded: one visitor closing the tab must not cancel the drawing the others wait for.
        return await asyncio.shield(drawing)

    async def _draw(self, key: str, load: Callable[[], Awaitable[BoardSheet]], locale: str) -> bytes:
        try:
            # Read after its version was: a post changing in between gives a newer sheet under the
            # older key, which the next request (seeing the new version) replaces; never the reverse.
            sheet = await load()
            if self._executor is None:
                self._executor = self._executor_factory()
            data = await asyncio.get_running_loop().run_in_executor(self._executor, self._render, sheet, locale)
            self.drawn += 1
            self._done[key] = data
            while len(self._done) > self._size:
                self._done.popitem(last=False)
            return data
        finally:
            self._drawing.pop(key, None)


renderer = SheetRenderer()

"""Board sheets rendered once per content, in a small process pool of their own.

Drawing a sheet (fpdf2, QR codes) is pure Python: in a thread it would hold the GIL and slow down
every event of every member on this backend, and in the default thread pool it would queue
behind, or ahead of, their database work. So sheets are drawn in SHEET_WORKERS separate processes,
and each sheet is drawn once: the PDF is kept under a key made of everything it prints (the
board, its posts as printed, the date in the header, the language), so it is served from memory
until a post on it changes, and twenty people asking for the same new sheet at once wait for one
drawing.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor

from buuv_app.i18n import format_date
from buuv_app.services.boards import BoardSheet

# Leave a core for the event loop: on a two-core machine one drawing at a time.
SHEET_WORKERS = max(1, min(2, (os.cpu_count() or 2) - 1))
CACHED_SHEETS = 64  # boards × languages; a sheet is well under 1 MB


def sheet_key(sheet: BoardSheet, locale: str) -> str:
    """Changes exactly when the printed sheet would: a post added, changed, closed or expired,
    the board's own details, the date in its header, the language."""
    printed = (sheet.board, tuple(sheet.posts), sheet.more, format_date(sheet.updated_at, locale), locale)
    return hashlib.sha256(repr(printed).encode()).hexdigest()


def _render(sheet: BoardSheet, locale: str) -> bytes:
    from buuv_app.printing.sheet import render_sheet_pdf  # imported in the worker process

    return render_sheet_pdf(sheet, locale)


def _process_pool() -> Executor:
    # Spawned, not forked: the app process runs threads and an event loop, which a fork copies
    # in whatever state they are.
    return ProcessPoolExecutor(max_workers=SHEET_WORKERS, mp_context=multiprocessing.get_context("spawn"))


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

    async def pdf(self, sheet: BoardSheet, locale: str) -> bytes:
        key = sheet_key(sheet, locale)
        if (data := self._done.get(key)) is not None:
            self._done.move_to_end(key)
            return data
        drawing = self._drawing.get(key)
        if drawing is None:
            drawing = asyncio.ensure_future(self._draw(key, sheet, locale))
            self._drawing[key] = drawing
        # Shielded: one visitor closing the tab must not cancel the drawing the others wait for.
        return await asyncio.shield(drawing)

    async def _draw(self, key: str, sheet: BoardSheet, locale: str) -> bytes:
        try:
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

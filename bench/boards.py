"""A board's printable sheet of 200 posts: query plus PDF, as `GET /api/boards/<slug>/sheet.pdf` does.

`python -m bench.boards` times it on a small database of its own (seconds); `make bench` runs it
on the 100,000-post database. Each run starts with empty QR caches, so every code is made anew
(the slowest case: a sheet of posts never printed before); a first, untimed render loads fonts
and libraries as a running app already has. Besides the wall clock, the CPU time of each render
(`time.process_time`: the machine may be shared).

`board_pdf_cached_ms`: the same request when no post on the sheet changed: the sheet's version
query and its key, answered from printing/pool.py's cache (as the API does, without reading the
posts or drawing).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import Session, SQLModel

from bench import posts_data
from bench.browse import percentile
from buuv_app.db import make_engine
from buuv_app.printing import qr
from buuv_app.printing.pool import SheetRenderer, sheet_key
from buuv_app.printing.sheet import render_sheet_pdf
from buuv_app.services import boards, seed
from buuv_app.services.search import create_search_index

BOARD = "voorbeeld-bibliotheek-merenwijk"
SHEET_POSTS = 200


def run(database_url: str, repeat: int = 5, cached_repeat: int = 50) -> dict[str, dict]:
    engine = make_engine(database_url)
    timings, cpu = [], []
    pages = 0
    with Session(engine) as session:
        # Once untimed: the app has loaded fonts and libraries long before anyone prints.
        render_sheet_pdf(boards.get_sheet(session=session, slug=BOARD, limit=SHEET_POSTS))
        for _ in range(repeat):
            qr.qr_path.cache_clear()
            started, cpu_started = time.perf_counter(), time.process_time()
            sheet = boards.get_sheet(session=session, slug=BOARD, limit=SHEET_POSTS)
            data = render_sheet_pdf(sheet)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert len(sheet.posts) == SHEET_POSTS, f"the bench board shows only {len(sheet.posts)} posts"
            pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
        cached, cached_cpu = _time_cached(session, cached_repeat)
    engine.dispose()
    return {
        "board_pdf_200_posts_ms": {"value": round(max(timings)), "unit": "ms"},
        "board_pdf_200_posts_p50_ms": {"value": round(statistics.median(timings)), "unit": "ms"},
        "board_pdf_200_posts_cpu_ms": {"value": round(max(cpu)), "unit": "ms"},
        "board_pdf_200_posts_pages": {"value": pages, "unit": "pages"},
        "board_pdf_cached_ms": {"value": round(percentile(cached, 95), 1), "unit": "ms"},
        "board_pdf_cached_cpu_ms": {"value": round(percentile(cached_cpu, 95), 1), "unit": "ms"},
    }


def _time_cached(session: Session, repeat: int) -> tuple[list[float], list[float]]:
    """p95 inputs for a sheet whose posts have not changed: the API's version query, then the
    pool's cache (filled by one drawing first; drawn in a thread here, not a process)."""
    renderer = SheetRenderer(executor_factory=lambda: ThreadPoolExecutor(max_workers=1))
    loop = asyncio.new_event_loop()

    async def ask() -> bytes:
        version = boards.get_sheet_version(session=session, slug=BOARD)

        async def load():
            return boards.get_sheet(session=session, slug=BOARD)

        return await renderer.pdf(sheet_key(version, "nl"), load, "nl")

    try:
        first = loop.run_until_complete(ask())
        wall, cpu = [], []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            data = loop.run_until_complete(ask())
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert data is first
        assert renderer.drawn == 1, "the cache did not answer"
    finally:
        loop.close()
    return wall, cpu


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="buuv-bench-boards-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'boards.db'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        with engine.begin() as connection:
            create_search_index(connection)
        with Session(engine) as session:
            seed.load_reference_data(session=session)
        engine.dispose()
        # About a ninth of the posts land in the board's seven wijken: enough for a full sheet.
        posts_data.populate(url, n_posts=3_000, n_users=100)
        for name, figure in run(url).items():
            print(f"{name}: {figure['value']} {figure['unit']}")


if __name__ == "__main__":
    main()

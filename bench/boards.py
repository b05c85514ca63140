"""A board's printable sheet of 200 posts: query plus PDF, as `GET /api/boards/<slug>/sheet.pdf` does.

`python -m bench.boards` times it on a small database of its own (seconds); `make bench` runs it
on the 100,000-post database. Each run starts with empty QR caches, so every code is made anew
(the slowest case: a sheet of posts never printed before); a first, untimed render loads fonts
and libraries as a running app already has.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session, SQLModel

from bench import posts_data
from buuv_app.db import make_engine
from buuv_app.printing import qr
from buuv_app.printing.sheet import render_sheet_pdf
from buuv_app.services import boards, seed
from buuv_app.services.search import create_search_index

BOARD = "voorbeeld-bibliotheek-merenwijk"
SHEET_POSTS = 200


def run(database_url: str, repeat: int = 5) -> dict[str, dict]:
    engine = make_engine(database_url)
    timings = []
    pages = 0
    with Session(engine) as session:
        # Once untimed: the app has loaded fonts and libraries long before anyone prints.
        render_sheet_pdf(boards.get_sheet(session=session, slug=BOARD, limit=SHEET_POSTS))
        for _ in range(repeat):
            qr.qr_path.cache_clear()
            started = time.perf_counter()
            sheet = boards.get_sheet(session=session, slug=BOARD, limit=SHEET_POSTS)
            data = render_sheet_pdf(sheet)
            timings.append((time.perf_counter() - started) * 1000)
            assert len(sheet.posts) == SHEET_POSTS, f"the bench board shows only {len(sheet.posts)} posts"
            pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
    engine.dispose()
    return {
        "board_pdf_200_posts_ms": {"value": round(max(timings)), "unit": "ms"},
        "board_pdf_200_posts_p50_ms": {"value": round(statistics.median(timings)), "unit": "ms"},
        "board_pdf_200_posts_pages": {"value": pages, "unit": "pages"},
    }


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

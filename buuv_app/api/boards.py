"""GET /api/boards and /api/boards/<slug>/sheet.pdf: the board locations and their current sheets.

Stable addresses for printing and for other sites: public, and only public data (a sheet holds
posts visible to everyone, never members-only ones; no ambassador is named).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.i18n import normalize_locale
from buuv_app.printing.pool import renderer
from buuv_app.printing.sheet import sheet_filename
from buuv_app.services import boards
from buuv_app.services.boards import BoardSheet
from buuv_app.services.permissions import public


def _listing() -> list[dict]:
    with session_scope() as session:
        infos = boards.list_boards(session=session)
    return [
        {
            "slug": board.slug,
            "name": board.name,
            "municipality": board.municipality_name,
            "address": board.address,
            "opening_hours": board.opening_hours,
            "is_sample": board.is_sample,
            "neighbourhoods": [{"slug": n.slug, "name": n.name} for n in board.neighbourhoods],
            "sheet_pdf": routes.board_sheet_pdf_url(board.slug),
            "sheet_page": routes.board_url(board.slug),
        }
        for board in infos
    ]


@public
async def list_boards(_request: Request) -> JSONResponse:
    return JSONResponse(await asyncio.to_thread(_listing), headers={"Cache-Control": "no-cache"})


# The sheet's query (up to 200 posts) runs in two threads of its own, not in the default pool that
# the event handlers' database work uses: twenty printers at once queue here, not in front of them.
_sheet_reads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sheet-read")


def _sheet(slug: str) -> BoardSheet | None:
    with session_scope() as session:
        return boards.get_sheet(session=session, slug=slug)


@public
async def board_sheet_pdf(request: Request) -> Response:
    """The sheet as it is now. `?lang=en` prints it in English. Drawn in a pool of its own and
    kept until a post on it changes (printing/pool.py): printing never slows the app down."""
    slug = request.path_params["slug"]
    sheet = await asyncio.get_running_loop().run_in_executor(_sheet_reads, _sheet, slug)
    if sheet is None:
        return JSONResponse({"error": "unknown board"}, status_code=404)
    data = await renderer.pdf(sheet, normalize_locale(request.query_params.get("lang")))
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{sheet_filename(slug)}"',
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    })

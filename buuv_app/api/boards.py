"""GET /api/boards and /api/boards/<slug>/sheet.pdf: the board locations and their current sheets.

Stable addresses for printing and for other sites: public, and only public data (a sheet holds
posts visible to everyone, never members-only ones; no ambassador is named). One exception: the
board's keepers, logged in, print it with this month's wijk code (services/verification.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import NotFound
from buuv_app.i18n import normalize_locale
from buuv_app.printing.pool import renderer, sheet_key
from buuv_app.printing.sheet import sheet_filename
from buuv_app.api.photos import SESSION_COOKIE
from buuv_app.services import boards, sessions, verification
from buuv_app.services.boards import BoardSheet, SheetVersion
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


# The sheets' queries run in two threads of their own, not in the default pool that the event
# handlers' database work uses: twenty printers at once queue here, not in front of them.
_sheet_reads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sheet-read")


def _version(slug: str, token: str | None) -> tuple[SheetVersion, str] | None:
    """The sheet's version (two small statements) and the wijk code to print on it: this month's
    when the one asking keeps the board (its ambassadors, the municipality's professionals:
    services/verification.can_see_board_code), else "". None for no such board."""
    with session_scope() as session:
        version = boards.get_sheet_version(session=session, slug=slug)
        if version is None or not token:
            return (version, "") if version else None
        viewer = sessions.resolve_session(session=session, raw_token=token)
        return version, verification.printed_code(session=session, board_id=version.board_id, viewer=viewer)


def _sheet(slug: str, wijk_code: str) -> BoardSheet:
    """The whole sheet, read only when it is not kept (printing/pool.py)."""
    with session_scope() as session:
        sheet = boards.get_sheet(session=session, slug=slug)
    if sheet is None:  # slugs never change and boards are not removed; but should one go, say so
        raise NotFound("board")
    return replace(sheet, wijk_code=wijk_code) if wijk_code else sheet


def _unknown_board() -> JSONResponse:
    return JSONResponse({"error": "unknown board"}, status_code=404)


@public
async def board_sheet_pdf(request: Request) -> Response:
    """The sheet as it is now. `?lang=en` prints it in English. Drawn in a pool of its own and
    kept until a post on it changes (printing/pool.py): printing never slows the app down. A kept
    sheet costs one version query; a browser that has it already gets 304 Not Modified."""
    slug = request.path_params["slug"]
    token = request.cookies.get(SESSION_COOKIE)
    loop = asyncio.get_running_loop()
    found = await loop.run_in_executor(_sheet_reads, _version, slug, token)
    if found is None:
        return _unknown_board()
    version, wijk_code = found
    locale = normalize_locale(request.query_params.get("lang"))
    key = sheet_key(version, locale, wijk_code)
    if wijk_code:
        # A sheet with the wijk code is for the one printing it: never kept by a browser or proxy.
        caching = {"Cache-Control": "private, no-store"}
    else:
        caching = {"Cache-Control": "no-cache", "ETag": f'"{key[:32]}"'}
        asked = _etags(request.headers.get("if-none-match", ""))
        if caching["ETag"] in asked or "*" in asked:
            return Response(status_code=304, headers=caching)
    try:
        data = await renderer.pdf(key, lambda: loop.run_in_executor(_sheet_reads, _sheet, slug, wijk_code), locale)
    except NotFound:
        return _unknown_board()
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{sheet_filename(slug)}"',
        **caching,
        "X-Content-Type-Options": "nosniff",
    })


def _etags(header: str) -> set[str]:
    """The strong ETags in an If-None-Match header (weak ones, W/"...", compare equal too)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}

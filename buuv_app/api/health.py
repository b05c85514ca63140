"""GET /api/health: is the app up and can it reach its database? For monitoring and smoke tests."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import JSONResponse

from buuv_app.db import get_engine
from buuv_app.services.permissions import public


def _database_ok() -> bool:
    try:
        with get_engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False


@public
async def health(_request: Request) -> JSONResponse:
    database_ok = await asyncio.to_thread(_database_ok)
    return JSONResponse(
        {"status": "ok" if database_ok else "degraded", "database": database_ok},
        status_code=200 if database_ok else 503,
        headers={"Cache-Control": "no-store"},
    )

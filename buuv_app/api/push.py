"""/api/push/...: the server's public push key, and a member's devices turning notifications on or off.

Called by assets/push.js straight from a tap (the permission prompt must follow a tap, and a
round trip through the websocket would lose it). The caller is the member behind the session
cookie (SameSite=strict: another site cannot send it along); a subscription is always stored for
that member and tied to that login, so logging out on the device ends it.
"""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from buuv_app.db import session_scope
from buuv_app.errors import ValidationError
from buuv_app.i18n import gettext, normalize_locale
from buuv_app.services import permissions, push, sessions
from buuv_app.services.permissions import ACCESS_ATTRIBUTE, Action, public

SESSION_COOKIE = "buuv_session"
BODY_LIMIT = 4096


@public  # the public key is public by design
async def push_key(_request: Request) -> Response:
    key = await asyncio.to_thread(push.public_key)
    return JSONResponse({"publicKey": key}, headers={"Cache-Control": "public, max-age=3600"})


async def _json(request: Request) -> dict | None:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    body = await request.body()
    if len(body) > BODY_LIMIT:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _change(token: str | None, data: dict, turn_on: bool) -> tuple[int, str]:
    with session_scope() as session:
        user = sessions.resolve_session(session=session, raw_token=token)
        if not permissions.allowed(user, Action.MANAGE_OWN_ACCOUNT):
            permissions.refuse(user, Action.MANAGE_OWN_ACCOUNT, "push subscription")
            return 403, ""
        if not turn_on:
            push.unsubscribe(session=session, user=user, endpoint=data.get("endpoint"))
            return 200, ""
        keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
        login = sessions.find_session(session=session, raw_token=token)
        push.subscribe(session=session, user=user, endpoint=data.get("endpoint"), p256dh=keys.get("p256dh"),
                       auth=keys.get("auth"), locale=data.get("locale"),
                       auth_session_id=login.id if login else None)
        return 200, ""


async def _handle(request: Request, turn_on: bool) -> Response:
    data = await _json(request)
    locale = normalize_locale(request.cookies.get("buuv_lang"))
    if data is None:
        return JSONResponse({"error": "bad request"}, status_code=400)
    try:
        status, _ = await asyncio.to_thread(_change, request.cookies.get(SESSION_COOKIE), data, turn_on)
    except ValidationError as error:
        return JSONResponse({"error": gettext(error.message, locale, **error.params)}, status_code=400)
    return JSONResponse({"ok": status == 200}, status_code=status, headers={"Cache-Control": "no-store"})


async def subscribe(request: Request) -> Response:
    return await _handle(request, turn_on=True)


async def unsubscribe(request: Request) -> Response:
    return await _handle(request, turn_on=False)


for _route in (subscribe, unsubscribe):
    setattr(_route, ACCESS_ATTRIBUTE, Action.MANAGE_OWN_ACCOUNT)  # checked in _change

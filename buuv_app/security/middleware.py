"""The ASGI layer around the whole app (rx.App(api_transformer=...)): security headers on every
HTTP response, and the door of Reflex's upload route.

Reflex's `/_upload` has no size limit and reads (spools) the whole multipart body before the
handler's guard can look at who is asking. Here, before a byte of the body is read, an upload is
refused with 401 when the request carries no valid session cookie and with 413 when its
Content-Length is over the limit; while the body streams in, it is cut off with 413 the moment it
passes the limit (a client can lie about, or leave out, Content-Length).
"""

from __future__ import annotations

import asyncio
import json
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from buuv_app.db import session_scope
from buuv_app.security.headers import security_headers
from buuv_app.services import photos, sessions

UPLOAD_PATH = "/_upload"
SESSION_COOKIE = "buuv_session"  # state/base.py AppState.auth_token
# One photo plus the multipart envelope (boundaries, part headers, the file's name).
UPLOAD_LIMIT = photos.MAX_BYTES + 64 * 1024


class _TooLarge(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def session_cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    cookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # noqa: BLE001 (a malformed Cookie header is the same as none)
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def _is_member(raw_token: str | None) -> bool:
    if not raw_token:
        return False
    with session_scope() as session:
        return sessions.resolve_session(session=session, raw_token=raw_token) is not None


async def _refuse(send: Send, status: int, message: str, extra: dict[str, str]) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]
    headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, upload_limit: int = UPLOAD_LIMIT):
        self.app = app
        self.upload_limit = upload_limit
        # Computed once: the settings do not change while the process runs.
        self.headers = security_headers()
        self._raw_headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in self._raw_headers if k not in present)]
            await send(message)

        if scope["path"].rstrip("/") == UPLOAD_PATH and scope.get("method") == "POST":
            await self._upload(scope, receive, send_with_headers)
        else:
            await self.app(scope, receive, send_with_headers)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.upload_limit):
            await _refuse(send, 413, "Dit bestand is te groot.", {})
            return
        if not await asyncio.to_thread(_is_member, session_cookie(scope)):
            await _refuse(send, 401, "Log in om een foto toe te voegen.", {})
            return

        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.upload_limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's answer to a cut-off body is replaced by our 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _refuse(send, 413, "Dit bestand is te groot.", {})


def security_middleware(app: ASGIApp) -> ASGIApp:
    """For rx.App(api_transformer=[..., security_middleware])."""
    return SecurityMiddleware(app)

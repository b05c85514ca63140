"""EndedSessionMiddleware: a tab that reconnects after its member's session ended gets an empty state.

Reflex sends a tab its whole state when it (re)connects (`hydrate_and_load`), before any of our
handlers run. When the member whose data that state holds (`AppState._member_id`) is no longer the
one logged in on this browser (logged out in another tab, session expired or revoked, the cookie
gone), the state is emptied first (`AppState._end_presence`), so the snapshot carries nothing of
them to whoever uses the device now.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils.format import format_event_handler

from buuv_app.state.base import AppState

_HYDRATE_EVENTS = ("hydrate", "hydrate_and_load")


def _hydrate_event_names() -> frozenset[str]:
    return frozenset(format_event_handler(rx.State.event_handlers[name]) for name in _HYDRATE_EVENTS
                     if name in rx.State.event_handlers)


def _browser_token(event_payload: dict[str, Any], stored: str) -> str:
    """The session cookie the browser sent with `hydrate_and_load` ("" when it has none)."""
    sent = event_payload.get("vars")
    if not isinstance(sent, dict):
        return stored  # the older `hydrate` carries no browser values: what the state last had
    owner = AppState.get_full_name()
    for name, value in sent.items():
        state_name, _, var_name = str(name).rpartition(".")
        if state_name == owner and var_name.removesuffix(FIELD_MARKER) == "auth_token":
            return value if isinstance(value, str) else ""
    return ""


@dataclasses.dataclass
class EndedSessionMiddleware(Middleware):
    async def preprocess(self, app, state, event):
        if event.name not in _hydrate_event_names():
            return None
        app_state = await state.get_state(AppState)
        if not app_state._member_id:
            return None  # holds nobody's data
        token = _browser_token(event.payload or {}, app_state.auth_token)
        user = await asyncio.to_thread(AppState._resolve_user, token)
        if user is None or user.id != app_state._member_id:
            await app_state._end_presence()
        return None  # the hydrate itself runs as always

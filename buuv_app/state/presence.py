"""What a tab's state holds when it (re)connects, and when the server lost it.

EndedSessionMiddleware: a tab that reconnects after its member's session ended gets an empty state.

Reflex sends a tab its whole state when it (re)connects (`hydrate_and_load`), before any of our
handlers run. When the member whose data that state holds (`AppState._member_id`) is no longer the
one logged in on this browser (logged out in another tab, session expired or revoked, the cookie
gone), the state is emptied first (`AppState._end_presence`), so the snapshot carries nothing of
them to whoever uses the device now.

LostStateMiddleware: a tab whose state the server lost while its connection stayed up (Redis
restarted, or the state expired after an idle hour: Reflex's token expiration, for every state
manager) would have its next event handled as a visitor's who is not logged in. Reflex rebuilds the
state for it, but without the browser's cookies, which only a (re)connect hands over. "Versturen"
was then refused and the device's outbox emptied ("je bent niet meer ingelogd") while the member's
session was fine. Now such an event is not handled; the page reloads (once per RELOAD_COOLDOWN_MS),
which hands over the cookies, and the outbox sends what waited. A state is taken for lost when this
connection hydrated (this process saw it: a browser always does, first) and the state says it did
not (`AppState._hydrated`, kept through logouts).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections import OrderedDict
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import StateUpdate
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event import Event
from reflex_base.utils.format import format_event_handler

from buuv_app.state.base import AppState

_HYDRATE_EVENTS = ("hydrate", "hydrate_and_load")


@functools.cache
def _hydrate_event_names() -> frozenset[str]:
    """The full names of Reflex's hydrate events (fixed once the state classes exist; both middlewares
    ask at every event)."""
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


log = logging.getLogger("buuv.presence")

# A reload within this many milliseconds of the last one (this tab: sessionStorage) is not done again:
# a state lost over and over (Redis away) must not keep reloading the page.
RELOAD_COOLDOWN_MS = 10_000
RELOAD_KEY = "buuv:state-reload"  # the time of the last one, in sessionStorage
RELOAD_SCRIPT = (
    f"(function () {{ var key = '{RELOAD_KEY}', now = Date.now(), last = 0;"
    " try { last = Number(sessionStorage.getItem(key)) || 0; sessionStorage.setItem(key, String(now)); }"
    " catch (e) { /* no storage: reload all the same */ }"
    f" if (now - last > {RELOAD_COOLDOWN_MS}) window.location.reload(); }})()"
)
# The connections (socket ids) of this process that hydrated, oldest first. A closed connection's
# entry stays (its socket id never comes back); past MAX_CONNECTIONS (about 100 bytes each) the
# oldest go, and a connection that old that loses its state is handled as before: as not logged in.
MAX_CONNECTIONS = 50_000


@dataclasses.dataclass
class LostStateMiddleware(Middleware):
    hydrated_connections: OrderedDict[str, None] = dataclasses.field(default_factory=OrderedDict)

    async def preprocess(self, app, state, event):
        connection = state.router.session.session_id
        hydrating = event.name in _hydrate_event_names()
        if not hydrating and connection not in self.hydrated_connections:
            return None  # a client that never hydrated (not a browser)
        app_state = await state.get_state(AppState)
        if hydrating:
            if connection:
                self.hydrated_connections[connection] = None
                self.hydrated_connections.move_to_end(connection)
                while len(self.hydrated_connections) > MAX_CONNECTIONS:
                    self.hydrated_connections.popitem(last=False)
            if not app_state._hydrated:
                app_state._hydrated = True
            return None
        if app_state._hydrated:
            return None  # the state as the browser left it
        log.info("tab state lost on a live connection: the page reloads (event %s not handled)", event.name)
        return StateUpdate(events=Event.from_event_type(rx.call_script(RELOAD_SCRIPT)))

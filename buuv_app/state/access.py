"""Markers that say who may call an event handler, checked on the server before it runs.

Every event handler in buuv_app is either `@public` (anyone may call it: it reads only public
data or is itself the way in, like logging in) or `@guarded(Action.X)`, which loads the caller
from their session token in the database and runs the handler only when
`permissions.allowed(user, Action.X)`. tests/security/test_handler_inventory.py fails for a handler
with neither marker. Inside a guarded handler, `self._user()` is the caller (a fresh User row); a
refused caller finds the handler's state emptied (`_forget`), so nothing another account loaded in
this tab lingers. Pages for one role say so once: `layout.page(..., requires=Action.X)`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import logging
from collections.abc import Callable

from buuv_app.errors import PermissionDenied
from buuv_app.models import User
from buuv_app.services.permissions import (  # noqa: F401  (public, access_of: re-exported)
    ACCESS_ATTRIBUTE,
    PUBLIC,
    Action,
    access_of,
    allowed,
    public,
    refuse,
)

log = logging.getLogger("buuv.security")

current_user: contextvars.ContextVar[User | None] = contextvars.ContextVar("buuv_current_user", default=None)


def guarded_background(action: Action) -> Callable[[Callable], Callable]:
    """@guarded for a background task (an async generator that may only change state inside
    `async with self`): the caller is looked up without touching the state; a refusal ends it."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        async def wrapper(self, *args, **kwargs):
            async with self:
                token = self.auth_token  # vars are only readable under the state lock here
            user = await asyncio.to_thread(self._resolve_user, token)
            if not allowed(user, action):
                refuse(user, action, f"handler={fn.__qualname__}")
                return
            reset = current_user.set(user)
            try:
                if inspect.isasyncgenfunction(fn):
                    async for update in fn(self, *args, **kwargs):
                        yield update
                else:
                    result = await fn(self, *args, **kwargs)
                    if result is not None:
                        yield result
            except PermissionDenied:
                return
            finally:
                current_user.reset(reset)

        setattr(wrapper, ACCESS_ATTRIBUTE, action)
        return wrapper

    return decorate


def guarded(action: Action) -> Callable[[Callable], Callable]:
    """Run the handler only for a caller allowed to do `action`; otherwise refuse and log."""

    def decorate(fn: Callable) -> Callable:
        if inspect.isasyncgenfunction(fn):
            @functools.wraps(fn)
            async def generator_wrapper(self, *args, **kwargs):
                user = await self._load_user()
                if not allowed(user, action):
                    refuse(user, action, f"handler={fn.__qualname__}")
                    self._forget()
                    yield self._on_refused(user, action)
                    return
                reset = current_user.set(user)
                try:
                    async for update in fn(self, *args, **kwargs):
                        yield update
                except PermissionDenied:
                    yield self._on_refused(user, action)
                finally:
                    current_user.reset(reset)

            wrapper = generator_wrapper
        else:
            @functools.wraps(fn)
            async def coroutine_wrapper(self, *args, **kwargs):
                user = await self._load_user()
                if not allowed(user, action):
                    refuse(user, action, f"handler={fn.__qualname__}")
                    self._forget()
                    return self._on_refused(user, action)
                reset = current_user.set(user)
                try:
                    result = fn(self, *args, **kwargs)
                    return await result if inspect.isawaitable(result) else result
                except PermissionDenied:
                    # A service refused an object-level check (and logged it): nothing changed.
                    return self._on_refused(user, action)
                finally:
                    current_user.reset(reset)

            wrapper = coroutine_wrapper
        setattr(wrapper, ACCESS_ATTRIBUTE, action)
        return wrapper

    return decorate

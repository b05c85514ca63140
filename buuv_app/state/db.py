"""Calling services from event handlers: a fresh session, in a worker thread, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from buuv_app.db import session_scope

T = TypeVar("T")


async def run_service(service: Callable[..., T], /, **kwargs) -> T:
    """`service(session=..., **kwargs)` in a thread, so one slow query never stalls other clients."""

    def call() -> T:
        with session_scope() as session:
            return service(session=session, **kwargs)

    return await asyncio.to_thread(call)

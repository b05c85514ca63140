"""What a visitor sees when a handler fails on the server: a calm word when the database is away."""

# No `from __future__ import annotations`: Reflex checks this handler's annotations by evaluating them.
import logging

import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from buuv_app.db import database_unavailable

logger = logging.getLogger("buuv.db")

# Dutch only: the handler sees the exception, not the visitor's state (and so not their language).
DATABASE_AWAY = "Even geen verbinding, we proberen het opnieuw."


def handle_backend_exception(exception: Exception) -> EventSpec:
    """rx.App's backend_exception_handler: the database being away is said plainly (and the
    device's outbox sends again later); anything else goes to Reflex's own handler."""
    if database_unavailable(exception):
        logger.warning("database unavailable: %s", str(exception).splitlines()[0] if str(exception) else exception)
        return rx.toast.error(DATABASE_AWAY, id="database_unavailable", duration=5000)
    return default_backend_exception_handler(exception)

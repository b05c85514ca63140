"""Plain HTTP routes beside the Reflex app, mounted under /api by buuv_app.buuv_app.

Like event handlers, each route is `@public` or checks a permission from
services/permissions.py itself (tests/security/test_handler_inventory.py holds them to it).
"""

from starlette.applications import Starlette
from starlette.routing import Route

from buuv_app.api.boards import board_sheet_pdf, list_boards
from buuv_app.api.health import health
from buuv_app.api.photos import photo
from buuv_app.api import push
from buuv_app.api.unsubscribe import one_click_unsubscribe


def create_api() -> Starlette:
    return Starlette(routes=[
        Route("/api/health", health, methods=["GET"]),
        Route("/api/boards", list_boards, methods=["GET"]),
        Route("/api/boards/{slug}/sheet.pdf", board_sheet_pdf, methods=["GET"]),
        Route("/api/photos/{key}", photo, methods=["GET"]),
        Route("/api/photos/{key}/{size:str}", photo, methods=["GET"]),
        Route("/api/push/key", push.push_key, methods=["GET"]),
        Route("/api/push/subscribe", push.subscribe, methods=["POST"]),
        Route("/api/push/unsubscribe", push.unsubscribe, methods=["POST"]),
        Route("/api/uitschrijven", one_click_unsubscribe, methods=["GET", "POST"]),
    ])

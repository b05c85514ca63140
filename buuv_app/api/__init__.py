"""Plain HTTP routes beside the Reflex app, mounted under /api by buuv_app.buuv_app."""

from starlette.applications import Starlette
from starlette.routing import Route

from buuv_app.api.health import health


def create_api() -> Starlette:
    return Starlette(routes=[Route("/api/health", health, methods=["GET"])])

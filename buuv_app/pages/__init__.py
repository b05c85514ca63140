"""One module per route; importing this package registers every page."""

from buuv_app.pages import home, neighbourhood, not_found, post

__all__ = ["home", "neighbourhood", "not_found", "post"]

"""One module per route; importing this package registers every page."""

from buuv_app.pages import (
    account,
    auth,
    home,
    legal,
    manage,
    neighbourhood,
    not_found,
    post,
)

__all__ = ["account", "auth", "home", "legal", "manage", "neighbourhood", "not_found", "post"]

"""One module per route; importing this package registers every page."""

from buuv_app.pages import (
    account,
    auth,
    boards,
    browse,
    home,
    legal,
    manage,
    messages,
    neighbourhood,
    new_post,
    not_found,
    post,
)

__all__ = ["account", "auth", "boards", "browse", "home", "legal", "manage", "messages", "neighbourhood", "new_post", "not_found", "post"]

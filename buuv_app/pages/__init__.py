"""One module per route; importing this package registers every page."""

from buuv_app.pages import (
    account,
    ambassador,
    auth,
    boards,
    browse,
    home,
    invitation,
    legal,
    manage,
    messaging,
    neighbourhood,
    new_post,
    not_found,
    post,
)

__all__ = ["account", "ambassador", "auth", "boards", "browse", "home", "invitation", "legal", "manage", "messaging",
           "neighbourhood", "new_post", "not_found", "post"]

"""The pages, one module per feature (manage/ is the back office); importing this package registers them all."""

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
    profile,
    verification,
)

__all__ = ["account", "ambassador", "auth", "boards", "browse", "home", "invitation", "legal", "manage", "messaging",
           "neighbourhood", "new_post", "not_found", "post", "profile", "verification"]

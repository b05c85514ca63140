"""The guard of a role-limited page: may this visitor see it, and has its data loaded?

`layout.page(route, ..., requires=Action.X)` wraps the page's on_load events in `open_page` and
`page_loaded` and shows the content only when both say so; no page or state writes its own
refused/loading block. This is display only: every handler that reads or changes data is
`@guarded` and checks the caller again on the server (state/access.py).
"""

from __future__ import annotations

import reflex as rx

from buuv_app.services.permissions import Action, allowed
from buuv_app.state.access import public
from buuv_app.state.base import AppState

ROUTE_MAX = 200


class PageAccessState(AppState):
    # Route patterns as the page decorator names them ("/beheer", "/ambassadeur/buur/[neighbour_id]").
    refused_route: str = ""  # the page this visitor's account may not see
    ready_route: str = ""  # the page whose on_load events have all run
    # What this visitor's account may do, for menus (the back office's tabs); never trusted.
    actions: list[str] = []

    @rx.event
    @public
    async def open_page(self, route: str, action: str):
        """First event of a role-limited page: whether the caller's own account may see it (it
        tells them about themselves only)."""
        user = await self._load_user()
        route = str(route)[:ROUTE_MAX]
        try:
            required = Action(str(action))
        except ValueError:
            required = None
        may = required is not None and allowed(user, required)
        actions = [a.value for a in Action if allowed(user, a)]
        # Assign only on change: an assignment sends the var again.
        if self.actions != actions:
            self.actions = actions
        if self.ready_route:
            self.ready_route = ""
        refused = "" if may else route
        if self.refused_route != refused:
            self.refused_route = refused

    @rx.event
    @public
    def page_loaded(self, route: str):
        """Last event of a role-limited page: everything before it has run (one client's events
        are handled in order)."""
        self.ready_route = str(route)[:ROUTE_MAX]

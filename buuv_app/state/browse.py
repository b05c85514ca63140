"""Browsing: the home page, a neighbourhood's feed and a single post."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.models import Neighbourhood
from buuv_app.services import categories, places, posts
from buuv_app.services.places import MunicipalityGroup
from buuv_app.state.access import public
from buuv_app.state.base import AppState
from buuv_app.state.views import PostCardView, card_view

HOME_POSTS = 12
FEED_PAGE = 20


def _route_param(state: rx.State, name: str) -> str:
    # Route parameters come from the client: use them only to pick public data to show.
    return str(state.router._page.params.get(name, "") or "")


@dataclass
class CategoryOption:
    slug: str
    name_nl: str
    name_en: str
    icon: str


class PlacesState(AppState):
    """Towns, districts, wijken and categories: for the picker, the filters and every form."""

    groups: list[MunicipalityGroup] = []
    category_options: list[CategoryOption] = []
    places_loaded: bool = False

    @rx.event
    @public
    async def load_places(self):
        if self.places_loaded:
            return

        def load():
            with session_scope() as session:
                groups = places.list_neighbourhood_groups(session=session)
                options = [CategoryOption(c.slug, c.name_nl, c.name_en, c.icon)
                           for c in categories.list_categories(session=session)]
            return groups, options

        self.groups, self.category_options = await asyncio.to_thread(load)
        self.places_loaded = True


class HomeState(AppState):
    """The home feed: the member's own neighbourhood, else the newest posts of both towns."""

    recent: list[PostCardView] = []
    home_name: str = ""
    home_url: str = ""
    loaded: bool = False

    @rx.event
    @public
    async def load_home(self):
        viewer = await self._load_user()

        def load():
            with session_scope() as session:
                home = (session.get(Neighbourhood, viewer.home_neighbourhood_id)
                        if viewer is not None and viewer.home_neighbourhood_id else None)
                feed = posts.list_open_posts(session=session, neighbourhood_id=home.id if home else None,
                                             limit=HOME_POSTS, viewer=viewer)
                return home, [card_view(post) for post in feed]

        home, self.recent = await asyncio.to_thread(load)
        self.home_name = home.name if home else ""
        self.home_url = routes.neighbourhood_url(home.slug) if home else ""
        self.loaded = True

"""Browsing: the home page, a neighbourhood's feed and a single post."""

from __future__ import annotations

import asyncio

import reflex as rx

from buuv_app.db import session_scope
from buuv_app.services import places, posts
from buuv_app.services.places import MunicipalityGroup
from buuv_app.state.access import public
from buuv_app.state.base import AppState
from buuv_app.state.views import PostCardView, PostPageView, card_view, page_view

HOME_POSTS = 12
FEED_PAGE = 20


def _route_param(state: rx.State, name: str) -> str:
    # Route parameters come from the client: use them only to pick public data to show.
    return str(state.router._page.params.get(name, "") or "")


class PlacesState(AppState):
    """Towns, districts and wijken: for the picker and for every form that asks for a buurt."""

    groups: list[MunicipalityGroup] = []
    places_loaded: bool = False

    @rx.event
    @public
    async def load_places(self):
        if self.places_loaded:
            return

        def load():
            with session_scope() as session:
                return places.list_neighbourhood_groups(session=session)

        self.groups = await asyncio.to_thread(load)
        self.places_loaded = True


class HomeState(AppState):
    """The newest posts of both towns."""

    recent: list[PostCardView] = []
    loaded: bool = False

    @rx.event
    @public
    async def load_home(self):
        def load():
            with session_scope() as session:
                return [card_view(post) for post in posts.list_open_posts(session=session, limit=HOME_POSTS)]

        self.recent = await asyncio.to_thread(load)
        self.loaded = True


class NeighbourhoodState(AppState):
    """One neighbourhood's open posts, newest first."""

    name: str = ""
    district: str = ""
    municipality: str = ""
    posts: list[PostCardView] = []
    found: bool = True
    loaded: bool = False

    @rx.event
    @public
    async def load_neighbourhood(self):
        slug = _route_param(self, "buurt")

        def load():
            with session_scope() as session:
                neighbourhood = places.get_neighbourhood_by_slug(session=session, slug=slug)
                if neighbourhood is None:
                    return None
                municipality = places.get_municipality(
                    session=session, municipality_id=neighbourhood.municipality_id
                )
                feed = posts.list_open_posts(
                    session=session, neighbourhood_id=neighbourhood.id, limit=FEED_PAGE
                )
                return neighbourhood, municipality, [card_view(post) for post in feed]

        self.loaded = False
        result = await asyncio.to_thread(load)
        self.found = result is not None
        if result is None:
            self.name, self.district, self.municipality, self.posts = "", "", "", []
        else:
            neighbourhood, municipality, self.posts = result
            self.name = neighbourhood.name
            self.district = neighbourhood.district or ""
            self.municipality = municipality.name if municipality else ""
        self.loaded = True


class PostState(AppState):
    """The public page of one request or offer."""

    post: PostPageView | None = None
    found: bool = True
    loaded: bool = False

    @rx.event
    @public
    async def load_post(self):
        raw = _route_param(self, "post_id")
        post_id = int(raw) if raw.isdigit() and len(raw) < 12 else None

        def load():
            if post_id is None:
                return None
            with session_scope() as session:
                detail = posts.get_post_detail(session=session, post_id=post_id)
            return page_view(detail) if detail else None

        self.loaded = False
        self.post = await asyncio.to_thread(load)
        self.found = self.post is not None
        self.loaded = True

"""Feeds with filters: /hulp (everything) and /buurt/<slug> (one neighbourhood).

The filters live in the address (soort, categorie, q, gemeente, buurten), so a link can be shared;
changing one updates the list and the address in one round trip. Members-only posts are loaded only
for a signed-in member: they never reach a visitor's state.
"""

from __future__ import annotations

import asyncio
import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.models import PostKind
from buuv_app.services import places, posts
from buuv_app.services.posts import PostFilter
from buuv_app.state.access import public
from buuv_app.state.base import AppState
from buuv_app.state.views import PostCardView, card_view

QUERY_MAX = 100


def _text(value, limit: int = QUERY_MAX) -> str:
    return value[:limit].strip() if isinstance(value, str) else ""


class FeedState(AppState):
    """One filtered list of open posts, page by page."""

    kind: str = ""
    category: str = ""
    query: str = ""
    municipality: str = ""
    neighbourhoods: list[str] = []
    items: list[PostCardView] = []
    next_cursor: str = ""
    total: int = 0
    kind_counts: dict[str, int] = {}
    category_counts: dict[str, int] = {}
    # /buurt/<slug>: the neighbourhood the page is about.
    place_slug: str = ""
    place_name: str = ""
    place_district: str = ""
    place_municipality: str = ""
    found: bool = True
    loaded: bool = False

    def _filters(self) -> PostFilter:
        slugs = (self.place_slug,) if self.place_slug else tuple(self.neighbourhoods)
        return PostFilter(neighbourhood_slugs=slugs, municipality_slug=self.municipality, kind=self.kind,
                          category_slug=self.category, query=self.query)

    def _base_url(self) -> str:
        return routes.neighbourhood_url(self.place_slug) if self.place_slug else routes.BROWSE

    def _url(self) -> str:
        return routes.feed_url(self._base_url(), kind=self.kind, category=self.category, query=self.query,
                               municipality="" if self.place_slug else self.municipality,
                               neighbourhoods=() if self.place_slug else self.neighbourhoods)

    async def _reload(self) -> None:
        viewer = await self._load_user()
        filters = self._filters()

        def load():
            with session_scope() as session:
                page = posts.browse(session=session, viewer=viewer, filters=filters)
                counts = posts.count(session=session, viewer=viewer, filters=filters)
            return page, counts

        page, counts = await asyncio.to_thread(load)
        self.items = [card_view(item) for item in page.items]
        self.next_cursor = page.next_cursor or ""
        self.total = counts.total
        self.kind_counts = counts.kinds
        self.category_counts = counts.categories
        self.loaded = True

    def _read_address(self) -> None:
        params = self.router.url.query_parameters
        self.kind = routes.kind_from_word(_text(params.get("soort")))
        self.category = _text(params.get("categorie"), 40)
        self.query = _text(params.get("q"))
        self.municipality = _text(params.get("gemeente"), 60)
        self.neighbourhoods = [s for s in _text(params.get("buurten"), 2000).split(",") if s][:50]

    @rx.event
    @public
    async def load_browse(self):
        """/hulp: every open post, filtered by the address."""
        self.place_slug = ""
        self.found = True
        self._read_address()
        await self._reload()

    @rx.event
    @public
    async def load_neighbourhood(self):
        """/buurt/<slug>: one neighbourhood's open posts, filtered by the address."""
        slug = _text(self.router._page.params.get("buurt"), 80)

        def find():
            with session_scope() as session:
                neighbourhood = places.get_neighbourhood_by_slug(session=session, slug=slug)
                if neighbourhood is None:
                    return None
                town = places.get_municipality(session=session, municipality_id=neighbourhood.municipality_id)
                return neighbourhood.slug, neighbourhood.name, neighbourhood.district or "", town.name if town else ""

        self.loaded = False
        found = await asyncio.to_thread(find)
        self.found = found is not None
        if found is None:
            self.place_slug, self.items = "", []
            self.loaded = True
            return
        self.place_slug, self.place_name, self.place_district, self.place_municipality = found
        self.municipality, self.neighbourhoods = "", []
        self._read_address()
        await self._reload()

    @rx.event
    @public
    async def apply_filters(self, form: dict):
        """The filter form: search words, kind, category (and on /hulp: town, wijken)."""
        form = form if isinstance(form, dict) else {}
        kind = _text(form.get("kind"), 10)
        self.kind = kind if kind in {k.value for k in PostKind} else ""
        self.category = _text(form.get("category"), 40)
        self.query = _text(form.get("q"))
        if not self.place_slug:
            self.municipality = _text(form.get("municipality"), 60)
            self.neighbourhoods = [key.removeprefix("wijk:") for key, value in form.items()
                                   if isinstance(key, str) and key.startswith("wijk:") and value][:50]
        await self._reload()
        return rx.call_script(f"window.history.replaceState(null, '', {self._url()!r})")

    @rx.event
    @public
    async def choose_kind(self, kind: str):
        self.kind = kind if kind in {k.value for k in PostKind} else ""
        await self._reload()
        return rx.call_script(f"window.history.replaceState(null, '', {self._url()!r})")

    @rx.event
    @public
    async def load_more(self):
        """The next page ("meer laden"), right after the last one shown: stable while new posts arrive."""
        if not self.next_cursor:
            return
        viewer = await self._load_user()
        filters, cursor = self._filters(), self.next_cursor

        def load():
            with session_scope() as session:
                return posts.browse(session=session, viewer=viewer, filters=filters, after=cursor)

        page = await asyncio.to_thread(load)
        self.items = self.items + [card_view(item) for item in page.items]
        self.next_cursor = page.next_cursor or ""

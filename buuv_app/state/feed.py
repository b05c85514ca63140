"""Feeds with filters: /hulp (everything) and /buurt/<slug> (one neighbourhood).

The filters live in the address (soort, categorie, q, gemeente, buurten), so a link can be shared;
the browser keeps the address in step (assets/feed-url.js), the server reads it on page load. Members-only posts are loaded only
for a signed-in member: they never reach a visitor's state.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.models import PostKind
from buuv_app.services import categories, places, posts, stats
from buuv_app.services.posts import PostFilter
from buuv_app.state.access import public
from buuv_app.state.base import AppState
from buuv_app.state.db import run_service
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
    place_matches: int = 0
    found: bool = True
    loaded: bool = False
    # Server-only: the grouped counts of the current wide filters, and what they were for.
    _count_rows: list[tuple[str, str, int]] = []
    _count_key: str = ""
    # Server-only ids, learnt on page load, so that a filter change asks the database one thing.
    _place_id: int = 0
    _category_ids: dict[str, int] = {}

    def _filters(self) -> PostFilter:
        slugs = (self.place_slug,) if self.place_slug else tuple(self.neighbourhoods)
        category_id = self._category_ids.get(self.category, -1) if self.category and self._category_ids else None
        return PostFilter(
            neighbourhood_slugs=slugs, municipality_slug=self.municipality, kind=self.kind,
            category_slug=self.category, query=self.query,
            neighbourhood_ids=(self._place_id,) if self.place_slug and self._place_id else (),
            category_id=category_id,
        )

    @staticmethod
    def _category_id_map() -> dict[str, int]:
        with session_scope() as session:
            return {c.slug: c.id for c in categories.list_categories(session=session)}

    async def _reload(self) -> None:
        token, filters = self.auth_token, self._filters()
        # The counts depend on everything but kind and category: switching those reuses them.
        count_key = repr((replace(filters, kind="", category_slug="", category_id=None), token))
        cached_rows = self._count_rows if count_key == self._count_key else None

        def load():
            # One trip to a worker thread for all of it: who asks, the page and the counts.
            viewer = self._resolve_user(token)
            with session_scope() as session:
                page = posts.browse(session=session, viewer=viewer, filters=filters)
                rows = cached_rows if cached_rows is not None else posts.count_rows(
                    session=session, viewer=viewer, filters=filters)
            return viewer, page, [card_view(item) for item in page.items], rows

        viewer, page, cards, rows = await asyncio.to_thread(load)
        await self._apply_user(viewer, token)
        self._count_rows, self._count_key = rows, count_key
        counts = posts.summarize_counts(rows, kind=filters.kind, category_slug=filters.category_slug)
        self.items = cards
        if self.next_cursor != (page.next_cursor or ""):
            self.next_cursor = page.next_cursor or ""
        if self.total != counts.total:
            self.total = counts.total
        if self.kind_counts != counts.kinds:
            self.kind_counts = counts.kinds
        if self.category_counts != counts.categories:
            self.category_counts = counts.categories
        if not self.loaded:
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
        self._count_key = ""  # a page load counts afresh
        self._category_ids = await asyncio.to_thread(self._category_id_map)
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
                matches = stats.count_matches(session=session, neighbourhood_id=neighbourhood.id)
                return (neighbourhood.id, neighbourhood.slug, neighbourhood.name, neighbourhood.district or "",
                        town.name if town else "", matches)

        self.loaded = False
        found = await asyncio.to_thread(find)
        self.found = found is not None
        if found is None:
            self.place_slug, self.items = "", []
            self.loaded = True
            return
        (self._place_id, self.place_slug, self.place_name, self.place_district, self.place_municipality,
         self.place_matches) = found
        self.municipality, self.neighbourhoods = "", []
        self._count_key = ""  # a page load counts afresh
        self._category_ids = await asyncio.to_thread(self._category_id_map)
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

    @rx.event
    @public
    async def choose_kind(self, kind: str):
        self.kind = kind if kind in {k.value for k in PostKind} else ""
        await self._reload()

    @rx.event
    @public
    async def load_more(self):
        """The next page ("meer laden"), right after the last one shown: stable while new posts arrive."""
        if not self.next_cursor:
            return
        viewer = await self._load_user()
        filters, cursor = self._filters(), self.next_cursor

        page = await run_service(posts.browse, viewer=viewer, filters=filters, after=cursor)
        self.items = self.items + [card_view(item) for item in page.items]
        self.next_cursor = page.next_cursor or ""

"""Feeds with filters: /hulp (everything) and /buurt/<slug> (one neighbourhood).

The filters live in the address (soort, categorie, q, gemeente, buurten), so a link can be shared;
the browser keeps the address in step (assets/feed-url.js), the server reads it on page load. Members-only posts are loaded only
for a signed-in member: they never reach a visitor's state.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace

from urllib.parse import urlencode

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


@dataclass
class FilterChip:
    """One active filter above the results; `key` says what removing it clears."""

    key: str
    label: str
    remove_label: str = ""


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
    # Every active filter, shown as a removable chip: nothing narrows the list unseen.
    chips: list[FilterChip] = []
    # Server-only: names for the chips (category slug -> (nl, en); town and wijk slug -> name).
    _category_names: dict[str, tuple[str, str]] = {}
    _place_names: dict[str, str] = {}
    # Server-only: the grouped counts of the current wide filters, and what they were for.
    _count_rows: list[tuple[str, str, int]] = []
    _count_key: str = ""
    # Server-only ids, learnt on page load, so that a filter change asks the database one thing.
    _place_id: int = 0
    _category_ids: dict[str, int] = {}

    @rx.var
    def found_text(self) -> str:
        """"1 oproep gevonden" / "8 oproepen gevonden", in the visitor's language."""
        return self._nt("{n} oproep gevonden", "{n} oproepen gevonden", self.total)

    @rx.var
    def matches_text(self) -> str:
        return self._nt("Buren hielpen elkaar hier al {n} keer via BUUV.",
                        "Buren hielpen elkaar hier al {n} keer via BUUV.", self.place_matches)

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
        self.chips = self._chips()
        if not self.loaded:
            self.loaded = True

    def _chips(self) -> list[FilterChip]:
        chips = []
        if self.kind:
            chips.append(FilterChip("kind", self._t("Vragen" if self.kind == PostKind.REQUEST.value else "Aanbod")))
        if self.category:
            nl, en = self._category_names.get(self.category, (self.category, self.category))
            chips.append(FilterChip("category", en if self.locale == "en" else nl))
        if self.query:
            chips.append(FilterChip("q", f"“{self.query}”"))
        if self.municipality and not self.place_slug:
            chips.append(FilterChip("municipality", self._place_names.get(self.municipality, self.municipality)))
        if not self.place_slug:
            chips += [FilterChip(f"wijk:{slug}", self._place_names.get(slug, slug)) for slug in self.neighbourhoods]
        for chip in chips:
            chip.remove_label = self._t("Filter weghalen: {name}", name=chip.label)
        return chips

    @staticmethod
    def _names() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
        with session_scope() as session:
            category_names = {c.slug: (c.name_nl, c.name_en) for c in categories.list_categories(session=session)}
            place_names = {}
            for town in places.list_neighbourhood_groups(session=session):
                place_names[town.slug] = town.name
                for district in town.districts:
                    place_names.update({n.slug: n.name for n in district.neighbourhoods})
        return category_names, place_names

    def _address_script(self):
        """The filters into the address bar after a change made here rather than in the form."""
        params = {"soort": routes.KIND_WORDS.get(self.kind, ""), "categorie": self.category, "q": self.query,
                  "gemeente": "" if self.place_slug else self.municipality,
                  "buurten": "" if self.place_slug else ",".join(self.neighbourhoods)}
        query = json.dumps(urlencode({k: v for k, v in params.items() if v}))
        return rx.call_script(
            f"window.history.replaceState(window.history.state, '', window.location.pathname + "
            f"({query} ? '?' + {query} : ''))")

    @rx.event
    @public
    async def remove_filter(self, key: str):
        """A chip's ×: that one filter off, the rest stay."""
        key = key if isinstance(key, str) else ""
        if key == "kind":
            self.kind = ""
        elif key == "category":
            self.category = ""
        elif key == "q":
            self.query = ""
        elif key == "municipality":
            self.municipality = ""
        elif key.startswith("wijk:"):
            self.neighbourhoods = [s for s in self.neighbourhoods if s != key.removeprefix("wijk:")]
        else:
            return
        await self._reload()
        return self._address_script()

    @rx.event
    @public
    async def clear_filters(self):
        """"Wis filters": everything off (a neighbourhood page stays on its neighbourhood)."""
        self.kind = self.category = self.query = self.municipality = ""
        self.neighbourhoods = []
        await self._reload()
        return self._address_script()

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
        self._category_names, self._place_names = await asyncio.to_thread(self._names)
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
        self._category_names, self._place_names = await asyncio.to_thread(self._names)
        self._read_address()
        await self._reload()

    @rx.event
    @public
    async def apply_filters(self, form: dict):
        """The filter form: search words, category (and on /hulp: town, wijken). Not the kind: its
        buttons apply it at once (choose_kind), and a form that carried it could send the kind it
        showed before a tap the server had not yet answered, undoing that tap."""
        form = form if isinstance(form, dict) else {}
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

"""Browse and search query timings on the 100,000-post database (in-process, through the services)."""

from __future__ import annotations

import random
import statistics
import time

from sqlmodel import Session, select

from buuv_app.db import make_engine
from buuv_app.models import Category, Neighbourhood
from buuv_app.services import posts
from buuv_app.services.posts import PostFilter

SEARCHES = ["boodschappen", "ziekenhuis", "computer hulp", "tuin heg", "apotheek", "koffie praatje",
            "verhuizen dozen", "DigiD", "fiets", "hond"]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); NaN for no values. Shared by every benchmark."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def _time(fn, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run(database_url: str, repeat: int = 300, seed: int = 11) -> dict[str, dict]:
    rng = random.Random(seed)
    engine = make_engine(database_url)
    with Session(engine) as session:
        slugs = session.exec(select(Neighbourhood.slug)).all()
        categories = session.exec(select(Category.slug)).all()

        def browse_once():
            filters = PostFilter(neighbourhood_slugs=(rng.choice(slugs),), kind=rng.choice(("request", "offer")),
                                 category_slug=rng.choice(categories))
            posts.browse(session=session, viewer=None, filters=filters, limit=20)

        _time(browse_once, 20)  # warm the caches
        browse = _time(browse_once, repeat)

        # Page 200 of everything, reached through the keyset.
        cursor = None
        for _ in range(199):
            cursor = posts.browse(session=session, viewer=None, after=cursor, limit=20).next_cursor
        deep = _time(lambda: posts.browse(session=session, viewer=None, after=cursor, limit=20), repeat)

        def search_once():
            posts.browse(session=session, viewer=None, filters=PostFilter(query=rng.choice(SEARCHES)), limit=20)

        _time(search_once, 10)
        searches = _time(search_once, repeat)
    engine.dispose()
    return {
        "browse_query_p50_ms": {"value": round(statistics.median(browse), 2), "unit": "ms"},
        "browse_query_p95_ms": {"value": round(percentile(browse, 95), 2), "unit": "ms"},
        "browse_deep_page_p95_ms": {"value": round(percentile(deep, 95), 2), "unit": "ms"},
        "search_p50_ms": {"value": round(statistics.median(searches), 2), "unit": "ms"},
        "search_p95_ms": {"value": round(percentile(searches, 95), 2), "unit": "ms"},
    }

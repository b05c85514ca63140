"""Browsing: filters, Dutch search, keyset pages, counts, members-only posts, short codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from buuv_app.models import Post, utcnow
from buuv_app.services import posts, search
from buuv_app.services.posts import PostFilter
from tests.factories import (
    make_category,
    make_member,
    make_municipality,
    make_neighbourhood,
)


@pytest.fixture
def world(session):
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    leiderdorp = make_municipality(session, slug="leiderdorp", name="Leiderdorp")
    places = {
        "merenwijk": make_neighbourhood(session, leiden, slug="merenwijk", name="Merenwijk"),
        "de-kooi": make_neighbourhood(session, leiden, slug="de-kooi", name="De Kooi"),
        "oude-dorp": make_neighbourhood(session, leiderdorp, slug="oude-dorp", name="Oude Dorp"),
    }
    categories = {
        "tuin": make_category(session, slug="tuin", name_nl="Tuin", name_en="Garden"),
        "vervoer": make_category(session, slug="vervoer", name_nl="Vervoer", name_en="Transport"),
    }
    author = make_member(session, places["merenwijk"])
    return {"places": places, "categories": categories, "author": author}


def post(session, world, *, minutes_ago=0, **overrides):
    values = dict(session=session, author=world["author"], kind="request", title="Hulp gezocht",
                  body="Wie helpt er even?", category_slug="tuin", neighbourhood_slug="merenwijk",
                  created_at=utcnow() - timedelta(minutes=minutes_ago))
    return posts.create_post(**(values | overrides))


def ids(page):
    return [item.id for item in page.items]


def test_filters_by_kind_category_neighbourhoods_and_municipality(session, world):
    a = post(session, world, kind="request", category_slug="tuin", neighbourhood_slug="merenwijk")
    b = post(session, world, kind="offer", category_slug="tuin", neighbourhood_slug="de-kooi")
    c = post(session, world, kind="offer", category_slug="vervoer", neighbourhood_slug="oude-dorp")
    browse = lambda **f: set(ids(posts.browse(session=session, viewer=None, filters=PostFilter(**f))))  # noqa: E731
    assert browse(kind="offer") == {b.id, c.id}
    assert browse(category_slug="tuin") == {a.id, b.id}
    assert browse(neighbourhood_slugs=("merenwijk", "de-kooi")) == {a.id, b.id}
    assert browse(municipality_slug="leiderdorp") == {c.id}
    assert browse(municipality_slug="leiden", kind="offer", category_slug="tuin") == {b.id}


@pytest.mark.parametrize("query", ["cafe", "CAFÉ", "Café", "caf", "koffie cafe"])
def test_search_ignores_case_and_accents_and_matches_word_starts(session, world, query):
    hit = post(session, world, title="Koffie in het café", body="Wie gaat mee naar het Café de Burcht?")
    post(session, world, title="Heg snoeien", body="Mijn heg is te hoog.")
    assert ids(posts.browse(session=session, viewer=None, filters=PostFilter(query=query))) == [hit.id]


def test_search_finds_category_and_place_names_too(session, world):
    hit = post(session, world, title="Wie rijdt mij?", body="Naar het ziekenhuis.", category_slug="vervoer",
               neighbourhood_slug="oude-dorp")
    assert ids(posts.browse(session=session, viewer=None, filters=PostFilter(query="vervoer oude dorp"))) == [hit.id]


def test_search_follows_edits(session, world):
    item = post(session, world, title="Ladder te leen")
    posts.update_post(session=session, actor=world["author"], post_id=item.id, title="Boormachine te leen",
                      body="Wie wil hem lenen?")
    assert ids(posts.browse(session=session, viewer=None, filters=PostFilter(query="ladder"))) == []
    assert ids(posts.browse(session=session, viewer=None, filters=PostFilter(query="boormachine"))) == [item.id]


@pytest.mark.parametrize("plan", ["rare word: read the matches", "common word: walk the newest posts"])
def test_search_shows_the_same_newest_matches_in_order_whichever_plan_it_takes(session, world, monkeypatch, plan):
    """A search reads the few matches of a rare word, and walks the newest posts for a common one
    (services/search.py feed_match): the same posts, newest first, page after page, either way."""
    common = plan.startswith("common")
    monkeypatch.setattr(search, "FEW_MATCHES", 0 if common else 10_000)  # SQLite's choice
    monkeypatch.setattr(search, "COMMON_IN_SAMPLE", 0 if common else 10_000)  # PostgreSQL's
    made = [post(session, world, minutes_ago=n // 2, title="Heg snoeien" if n % 3 else "Ramen zemen")
            for n in range(9)]  # pairs share a minute: the id breaks the tie
    hidden = post(session, world, title="Heg snoeien", visibility="members")  # not for a visitor
    hedges = [item.id for item in made if "Heg" in item.title]
    seen, cursor = [], None
    while True:
        page = posts.browse(session=session, viewer=None, filters=PostFilter(query="heg"), after=cursor, limit=2)
        seen += ids(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    newest_first = sorted(hedges, key=lambda post_id: (next(m.created_at for m in made if m.id == post_id), post_id),
                          reverse=True)
    assert seen == newest_first and hidden.id not in seen
    assert ids(posts.browse(session=session, viewer=None, filters=PostFilter(query="heg ramen"))) == []


def test_a_search_walks_the_newest_posts_once_its_word_is_common(session, world, monkeypatch):
    """The choice between the two plans, at its threshold: SQLite counts the word's matches in its
    index (more than FEW_MATCHES: walk), PostgreSQL tests the newest posts (in COMMON_IN_SAMPLE or
    more of them: walk; the count stops there)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    # PostgreSQL also walks when the index finds more than FEW_MATCHES: keep that out of the way.
    monkeypatch.setattr(search, "FEW_MATCHES", 2 if sqlite else 10_000)
    monkeypatch.setattr(search, "COMMON_IN_SAMPLE", 3)

    def walks() -> bool:
        clause = str(search.feed_match(session.connection(), "heg", Post.id))
        return "ts_match_vq" in clause or "post_fts" in clause  # else: the ids found, read at once

    post(session, world, title="Ramen zemen")
    for _ in range(2):
        post(session, world, title="Heg snoeien")
    assert not walks()
    post(session, world, title="Heg snoeien")
    assert walks()
    for _ in range(3):
        post(session, world, title="Heg snoeien")
    assert walks()


def test_a_page_of_cards_is_read_without_joins(session):
    """A card's names (category, wijk, town, author, ambassador) are looked up per card, not
    joined: PostgreSQL took longer to plan the seven-table join than to run it (services/posts.py
    _of_post). Joining them back would pass every other test and slow every feed page."""
    statement = str(posts._summary_query().compile(session.get_bind()))
    assert " JOIN " not in statement.upper()


def test_search_text_with_quotes_or_symbols_is_harmless(session, world):
    post(session, world, title="Gewoon een bericht")
    for query in ['"', "' OR 1=1 --", "*", "NEAR(", "a:*&|!"]:
        posts.browse(session=session, viewer=None, filters=PostFilter(query=query))


def test_keyset_pages_are_stable_and_complete(session, world):
    made = [post(session, world, minutes_ago=n // 2) for n in range(7)]  # pairs share a minute
    seen, cursor = [], None
    while True:
        page = posts.browse(session=session, viewer=None, after=cursor, limit=3)
        seen += ids(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(p.id for p in made)
    assert len(seen) == len(set(seen))
    newest_first = sorted(made, key=lambda p: (p.created_at, p.id), reverse=True)
    assert seen == [p.id for p in newest_first]


def test_a_broken_cursor_starts_at_the_first_page(session, world):
    first = post(session, world)
    assert ids(posts.browse(session=session, viewer=None, after="rommel")) == [first.id]


def test_counts_per_kind_and_category_keep_the_other_filters(session, world):
    post(session, world, kind="request", category_slug="tuin")
    post(session, world, kind="offer", category_slug="tuin")
    post(session, world, kind="offer", category_slug="vervoer")
    counts = posts.count(session=session, viewer=None, filters=PostFilter(kind="offer"))
    assert counts.total == 2
    assert counts.kinds == {"request": 1, "offer": 2}
    assert counts.categories == {"tuin": 1, "vervoer": 1}


def test_members_only_posts_never_reach_a_visitor(session, world):
    shy = post(session, world, visibility="members", title="Ik zoek wat gezelschap")
    open_post = post(session, world)
    assert ids(posts.browse(session=session, viewer=None)) == [open_post.id]
    assert posts.get_post_detail(session=session, post_id=shy.id, viewer=None) is None
    assert posts.count(session=session, viewer=None).total == 1
    member = make_member(session, world["places"]["de-kooi"])
    assert set(ids(posts.browse(session=session, viewer=member))) == {shy.id, open_post.id}
    assert posts.get_post_detail(session=session, post_id=shy.id, viewer=member).title == "Ik zoek wat gezelschap"


def test_short_codes_are_unique_and_found_however_they_are_typed(session, world):
    made = [post(session, world) for _ in range(20)]
    codes = {p.short_code for p in made}
    assert len(codes) == 20
    target = made[3]
    for typed in (f"BUUV-{target.short_code}", target.short_code.lower(), f" buuv {target.short_code} "):
        assert posts.get_post_by_code(session=session, code=typed).id == target.id
    assert posts.get_post_by_code(session=session, code="BUUV-00000") is None

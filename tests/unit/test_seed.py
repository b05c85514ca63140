"""Seed data: the real towns and wijken, the categories, and demo posts only where allowed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from buuv_app.errors import PermissionDenied
from buuv_app.models import Category, Municipality, Neighbourhood, Post, User
from buuv_app.services import seed
from tests.factories import count_rows, make_post

LEIDEN_DISTRICTS = {
    "Binnenstad-Noord", "Binnenstad-Zuid", "Stationsdistrict", "Leiden-Noord", "Merenwijk",
    "Stevenshof", "Morsdistrict", "Bos- en Gasthuisdistrict",
}
CATEGORY_SLUGS = [
    "gezelschap", "tuin", "klussen", "boodschappen", "vervoer", "computer", "verhuizen",
    "administratie", "koken", "dieren", "lenen", "overig",
]


def test_reference_data_has_both_towns_leidens_districts_and_the_categories(session):
    seed.load_reference_data(session=session)
    towns = {m.slug: m for m in session.exec(select(Municipality)).all()}
    assert set(towns) == {"leiden", "leiderdorp"}
    leiden = session.exec(select(Neighbourhood).where(Neighbourhood.municipality_id == towns["leiden"].id)).all()
    assert LEIDEN_DISTRICTS <= {n.district for n in leiden}
    assert len({n.district for n in leiden}) == 10
    leiderdorp = session.exec(
        select(Neighbourhood).where(Neighbourhood.municipality_id == towns["leiderdorp"].id)
    ).all()
    assert len(leiderdorp) >= 8 and all(n.district is None for n in leiderdorp)
    categories = session.exec(select(Category).order_by(Category.sort_order)).all()
    assert [c.slug for c in categories] == CATEGORY_SLUGS
    assert all(c.name_nl and c.name_en and c.icon for c in categories)


def test_reference_data_can_be_loaded_twice_without_duplicates(session):
    first = seed.load_reference_data(session=session)
    seed.load_reference_data(session=session)
    assert count_rows(session, Neighbourhood) == first.neighbourhoods
    assert count_rows(session, Category) == first.categories


def test_slugs_are_ascii_and_unique(session):
    seed.load_reference_data(session=session)
    slugs = [n.slug for n in session.exec(select(Neighbourhood)).all()]
    assert len(slugs) == len(set(slugs))
    assert all(slug.isascii() and slug == slug.lower() and " " not in slug for slug in slugs)
    assert seed.slugify("Bos- en Gasthuisdistrict") == "bos-en-gasthuisdistrict"
    assert seed.slugify("D'Oude Morsch") == "d-oude-morsch"


def test_the_wijken_known_at_build_time_are_the_seeded_ones_in_the_same_order(session):
    """The build prerenders a page for each of seed.wijk_slugs(): it must be every wijk in the
    database, no more."""
    seed.load_reference_data(session=session)
    seeded = [n.slug for n in session.exec(select(Neighbourhood).order_by(Neighbourhood.sort_order)).all()]
    assert seed.wijk_slugs() == seeded
    assert "merenwijk" in seeded and "oude-dorp" in seeded


def test_demo_data_loads_at_least_60_posts_of_both_kinds_marked_as_demo(session):
    seed.load_reference_data(session=session)
    report = seed.load_demo_data(session=session, environment="development")
    demo_posts = session.exec(select(Post)).all()
    assert report.demo_posts == len(demo_posts) >= 60
    assert {p.kind for p in demo_posts} == {"request", "offer"}
    assert all(p.is_demo for p in demo_posts)
    assert all(u.is_demo for u in session.exec(select(User)).all())
    assert len({p.neighbourhood_id for p in demo_posts}) >= 20
    merenwijk = session.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()
    assert sum(p.neighbourhood_id == merenwijk.id for p in demo_posts) >= 3


def test_demo_data_is_never_loaded_in_production(session):
    seed.load_reference_data(session=session)
    with pytest.raises(PermissionDenied):
        seed.load_demo_data(session=session, environment="production")
    assert count_rows(session, Post) == 0


def test_demo_data_goes_only_into_a_database_without_posts(session):
    seed.load_reference_data(session=session)
    make_post(session)
    report = seed.load_demo_data(session=session, environment="development")
    assert report.demo_posts == 0
    assert count_rows(session, Post) == 1

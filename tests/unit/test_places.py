"""Places service: neighbourhood look-up and the grouped picker list."""

from __future__ import annotations

from buuv_app.services import places
from tests.factories import make_municipality, make_neighbourhood


def test_neighbourhoods_are_grouped_by_town_and_district_in_seed_order(session):
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    leiderdorp = make_municipality(session, slug="leiderdorp", name="Leiderdorp")
    make_neighbourhood(session, leiden, name="Merenwijk", district="Merenwijk", sort_order=1)
    make_neighbourhood(session, leiden, name="Slaaghwijk", district="Merenwijk", sort_order=2)
    make_neighbourhood(session, leiden, name="De Kooi", district="Leiden-Noord", sort_order=3)
    make_neighbourhood(session, leiderdorp, name="Oude Dorp", district=None, sort_order=4)

    groups = places.list_neighbourhood_groups(session=session)

    assert [g.name for g in groups] == ["Leiden", "Leiderdorp"]
    assert [(d.name, [n.name for n in d.neighbourhoods]) for d in groups[0].districts] == [
        ("Merenwijk", ["Merenwijk", "Slaaghwijk"]),
        ("Leiden-Noord", ["De Kooi"]),
    ]
    assert [(d.name, [n.name for n in d.neighbourhoods]) for d in groups[1].districts] == [
        ("", ["Oude Dorp"])
    ]


def test_unknown_slug_gives_none(session):
    make_neighbourhood(session, slug="merenwijk")
    assert places.get_neighbourhood_by_slug(session=session, slug="merenwijk") is not None
    assert places.get_neighbourhood_by_slug(session=session, slug="atlantis") is None

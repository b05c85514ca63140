"""No single member can flood the others: posts and member look-ups are limited per member
(services/throttle.py; reports per day by services/moderation.py), and a refused attempt saves nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from buuv_app.errors import Throttled
from buuv_app.models import Post
from buuv_app.services import posts, roles, seed, throttle
from tests.factories import count_rows, make_member


@pytest.fixture
def merenwijk(session):
    seed.load_reference_data(session=session)
    from buuv_app.models import Neighbourhood

    return session.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()


def place(session, author, n, **kw):
    return posts.create_post(session=session, author=author, kind="request", title=f"Hulp nummer {n}",
                             body="Wie kan mij helpen?", category_slug="tuin", neighbourhood_slug="merenwijk", **kw)


def test_a_member_can_place_only_so_many_posts_an_hour(session, merenwijk, monkeypatch):
    monkeypatch.setattr(throttle, "POST_LIMIT", 3)
    author, other = make_member(session, merenwijk), make_member(session, merenwijk)
    for n in range(3):
        place(session, author, n, client_id=f"device-post-{n:04d}")
    with pytest.raises(Throttled) as refused:
        place(session, author, 99)
    assert refused.value.retry_after > 0
    assert count_rows(session, Post) == 3  # the refused post is not there
    # A resend of a post that was placed is answered as before; someone else is not held up.
    assert place(session, author, 0, client_id="device-post-0000").title == "Hulp nummer 0"
    place(session, other, 1)


def test_demo_posts_are_not_limited(session, merenwijk, monkeypatch):
    monkeypatch.setattr(throttle, "POST_LIMIT", 1)
    author = make_member(session, merenwijk)
    for n in range(3):
        place(session, author, n, is_demo=True)


def test_professionals_can_look_members_up_only_so_often(session, merenwijk, monkeypatch):
    monkeypatch.setattr(throttle, "LOOKUP_LIMIT", 2)
    admin = make_member(session, merenwijk, role="admin")
    make_member(session, merenwijk, email="zoek@example.org")
    for _ in range(2):
        roles.find_member(session=session, actor=admin, email="zoek@example.org")
    with pytest.raises(Throttled):
        roles.find_member(session=session, actor=admin, email="zoek@example.org")

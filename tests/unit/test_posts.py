"""Posts service: creating with validation, the open feed, a single post."""

from __future__ import annotations

from datetime import timedelta

import pytest

from buuv_app.errors import ValidationError
from buuv_app.models import POST_LIFETIME, Post, utcnow
from buuv_app.services import posts
from tests.factories import (
    count_rows,
    make_category,
    make_member,
    make_neighbourhood,
    make_post,
    make_user,
)


def _create(session, **overrides):
    neighbourhood = overrides.pop("neighbourhood", None) or make_neighbourhood(session, slug="merenwijk")
    category = overrides.pop("category", None) or make_category(session, slug="tuin")
    values = dict(
        session=session,
        author=make_user(session, neighbourhood),
        kind="request",
        title="Wie helpt met mijn heg?",
        body="Mijn heg is te hoog geworden, wie snoeit mee?",
        category_slug=category.slug,
        neighbourhood_slug=neighbourhood.slug,
    )
    return posts.create_post(**(values | overrides))


def test_create_post_stores_an_open_post_that_expires_after_six_weeks(session):
    post = _create(session)
    stored = session.get(Post, post.id)
    assert stored.status == "open"
    assert stored.title == "Wie helpt met mijn heg?"
    assert stored.expires_at - stored.created_at == POST_LIFETIME
    assert stored.created_at.tzinfo is not None


def test_create_post_collapses_whitespace_in_the_title(session):
    post = _create(session, title="  Wie   helpt\tmij? ")
    assert post.title == "Wie helpt mij?"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "gift"}, "kind"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 81}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"category_slug": "bestaat-niet"}, "category"),
        ({"neighbourhood_slug": "atlantis"}, "neighbourhood"),
    ],
)
def test_create_post_refuses_bad_input_and_stores_nothing(session, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _create(session, **overrides)
    assert caught.value.field == field
    session.rollback()
    assert count_rows(session, Post) == 0


def test_an_empty_post_names_every_field_at_fault_at_once_in_form_order(session):
    with pytest.raises(ValidationError) as caught:
        _create(session, title="", body="", category_slug="", neighbourhood_slug="")
    assert [e.field for e in caught.value.errors] == ["category", "title", "body", "neighbourhood"]
    session.rollback()
    assert count_rows(session, Post) == 0


def test_a_refused_edit_changes_nothing_and_names_every_field(session):
    neighbourhood = make_neighbourhood(session, slug="merenwijk")
    author = make_member(session, neighbourhood)
    post = _create(session, neighbourhood=neighbourhood, author=author)
    with pytest.raises(ValidationError) as caught:
        posts.update_post(session=session, actor=author, post_id=post.id, title="", body="")
    assert [e.field for e in caught.value.errors] == ["title", "body"]
    session.refresh(post)
    assert post.title == "Wie helpt met mijn heg?"


def test_a_post_written_offline_is_placed_once_however_often_the_device_sends_it(session):
    first = _create(session, client_id="device-post-0001")
    again = posts.create_post(session=session, author=_author(session, first), kind="request",
                              title="Wie helpt met mijn heg?", body="Nog een keer verstuurd.",
                              category_slug="tuin", neighbourhood_slug="merenwijk", client_id="device-post-0001")
    assert again.id == first.id
    assert count_rows(session, Post) == 1
    # Another id from the same author is another post.
    posts.create_post(session=session, author=_author(session, first), kind="offer", title="Ik snoei mee",
                      body="Zaterdag.", category_slug="tuin", neighbourhood_slug="merenwijk",
                      client_id="device-post-0002")
    assert count_rows(session, Post) == 2


def test_a_malformed_device_id_is_refused_and_nothing_stored(session):
    with pytest.raises(ValidationError):
        _create(session, client_id="x; DROP TABLE post")
    session.rollback()
    assert count_rows(session, Post) == 0


def _author(session, post):
    from buuv_app.models import User

    return session.get(User, post.author_id)


def test_title_of_exactly_80_characters_is_accepted(session):
    assert len(_create(session, title="x" * 80).title) == 80


def test_feed_lists_open_posts_of_one_neighbourhood_newest_first(session):
    here = make_neighbourhood(session)
    elsewhere = make_neighbourhood(session)
    now = utcnow()
    old = make_post(session, neighbourhood=here, created_at=now - timedelta(days=2))
    new = make_post(session, neighbourhood=here, created_at=now - timedelta(hours=1))
    make_post(session, neighbourhood=elsewhere)
    feed = posts.list_open_posts(session=session, neighbourhood_id=here.id)
    assert [p.id for p in feed] == [new.id, old.id]


def test_feed_order_is_stable_for_posts_made_in_the_same_instant(session):
    here = make_neighbourhood(session)
    moment = utcnow()
    first = make_post(session, neighbourhood=here, created_at=moment)
    second = make_post(session, neighbourhood=here, created_at=moment)
    feed = posts.list_open_posts(session=session, neighbourhood_id=here.id)
    assert [p.id for p in feed] == [second.id, first.id]


@pytest.mark.parametrize("status", ["matched", "closed"])
def test_feed_leaves_out_matched_and_closed_posts(session, status):
    here = make_neighbourhood(session)
    make_post(session, neighbourhood=here, status=status)
    visible = make_post(session, neighbourhood=here, status="in_contact")
    assert [p.id for p in posts.list_open_posts(session=session, neighbourhood_id=here.id)] == [visible.id]


def test_feed_leaves_out_expired_posts(session):
    here = make_neighbourhood(session)
    long_ago = utcnow() - timedelta(weeks=7)
    make_post(session, neighbourhood=here, created_at=long_ago)
    assert posts.list_open_posts(session=session, neighbourhood_id=here.id) == []


def test_feed_respects_the_limit(session):
    here = make_neighbourhood(session)
    for _ in range(5):
        make_post(session, neighbourhood=here)
    assert len(posts.list_open_posts(session=session, neighbourhood_id=here.id, limit=3)) == 3


def test_post_detail_carries_names_for_both_languages_and_no_email(session):
    category = make_category(session, name_nl="Tuin", name_en="Garden")
    author = make_user(session, display_name="Anneke", email="anneke@example.org")
    post = make_post(session, category=category, author=author, body="Een lange tekst. " * 20)
    detail = posts.get_post_detail(session=session, post_id=post.id)
    assert (detail.category_name_nl, detail.category_name_en) == ("Tuin", "Garden")
    assert detail.author_name == "Anneke"
    assert detail.body == post.body
    assert len(detail.excerpt) <= posts.EXCERPT_LENGTH + 1 and detail.excerpt.endswith("…")
    assert "anneke@example.org" not in repr(detail)


def test_unknown_post_id_gives_none(session):
    assert posts.get_post_detail(session=session, post_id=424242) is None


def test_excerpt_cuts_at_a_word_boundary():
    assert posts.excerpt("een twee drie vier", length=10) == "een twee…"
    assert posts.excerpt("kort", length=10) == "kort"

"""Lifecycle: open -> matched or closed; six weeks, renewing, reminders; only the author acts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from buuv_app.errors import PermissionDenied, ValidationError
from buuv_app.models import Post, utcnow
from buuv_app.services import posts, stats
from tests.factories import make_category, make_member, make_neighbourhood


@pytest.fixture
def setting(session):
    neighbourhood = make_neighbourhood(session, slug="merenwijk", name="Merenwijk")
    make_category(session, slug="tuin")
    author = make_member(session, neighbourhood)
    item = posts.create_post(session=session, author=author, kind="request", title="Heg snoeien",
                             body="Wie helpt?", category_slug="tuin", neighbourhood_slug="merenwijk")
    return {"author": author, "post": item, "other": make_member(session, neighbourhood)}


def test_author_marks_matched_with_a_thank_you(session, setting):
    posts.mark_matched(session=session, actor=setting["author"], post_id=setting["post"].id,
                       helped_by="Henk", thank_you="Dank je wel, Henk!")
    stored = session.get(Post, setting["post"].id)
    assert (stored.status, stored.helped_by, stored.thank_you) == ("matched", "Henk", "Dank je wel, Henk!")
    assert stats.match_counts(session=session) == [("Merenwijk", "tuin", 1)]
    assert posts.browse(session=session, viewer=None).items == []


@pytest.mark.parametrize("action", ["mark_matched", "close_post", "renew_post", "delete_post"])
def test_only_the_author_changes_the_lifecycle(session, setting, action):
    with pytest.raises(PermissionDenied):
        getattr(posts, action)(session=session, actor=setting["other"], post_id=setting["post"].id)
    assert session.get(Post, setting["post"].id).status == "open"


def test_a_finished_post_cannot_be_edited_or_matched_again(session, setting):
    posts.close_post(session=session, actor=setting["author"], post_id=setting["post"].id)
    with pytest.raises(ValidationError):
        posts.update_post(session=session, actor=setting["author"], post_id=setting["post"].id, title="x", body="y")
    with pytest.raises(ValidationError):
        posts.mark_matched(session=session, actor=setting["author"], post_id=setting["post"].id)


def test_an_expired_post_must_be_renewed_before_editing(session, setting):
    item = session.get(Post, setting["post"].id)
    item.expires_at = utcnow() - timedelta(days=1)
    session.add(item)
    session.commit()
    with pytest.raises(ValidationError) as caught:
        posts.update_post(session=session, actor=setting["author"], post_id=item.id, title="Nieuw", body="Tekst")
    assert caught.value.field == "post"
    posts.renew_post(session=session, actor=setting["author"], post_id=item.id)
    session.refresh(item)
    assert item.expires_at > utcnow() + timedelta(weeks=5)
    posts.update_post(session=session, actor=setting["author"], post_id=item.id, title="Nieuw", body="Tekst")


def test_posts_close_to_expiry_need_a_reminder_once(session, setting):
    item = session.get(Post, setting["post"].id)
    now = utcnow()
    assert posts.posts_needing_reminder(session=session, now=now) == []
    later = item.expires_at - timedelta(days=2)
    assert [p.id for p in posts.posts_needing_reminder(session=session, now=later)] == [item.id]
    item.reminder_sent_at = later
    session.add(item)
    session.commit()
    assert posts.posts_needing_reminder(session=session, now=later) == []


@pytest.mark.parametrize(
    ("when", "field"),
    [
        (dict(when_kind="sometimes"), "when"),
        (dict(when_kind="date"), "when_start"),
        (dict(when_kind="date", when_start=date(2000, 1, 1)), "when_start"),
        (dict(when_kind="period", when_start=date.today() + timedelta(days=3),
              when_end=date.today() + timedelta(days=1)), "when_end"),
        (dict(visibility="secret"), "visibility"),
    ],
)
def test_bad_when_or_visibility_is_refused(session, setting, when, field):
    with pytest.raises(ValidationError) as caught:
        posts.create_post(session=session, author=setting["author"], kind="offer", title="Tuinhulp",
                          body="Ik help graag.", category_slug="tuin", neighbourhood_slug="merenwijk", **when)
    assert caught.value.field == field


def test_html_in_text_is_stored_as_text(session, setting):
    item = posts.create_post(session=session, author=setting["author"], kind="offer",
                             title="<script>alert(1)</script>", body="<b>vet</b>", category_slug="tuin",
                             neighbourhood_slug="merenwijk")
    assert item.title == "<script>alert(1)</script>"  # Reflex renders it as text, never as HTML


def test_the_author_gets_one_nog_nodig_mail_before_expiry(session, setting):
    from buuv_app.services import mail, reminders

    item = session.get(Post, setting["post"].id)
    soon = item.expires_at - timedelta(days=2)
    assert reminders.send_expiry_reminders(session=session, now=soon) == 1
    assert reminders.send_expiry_reminders(session=session, now=soon) == 0
    [sent] = mail.list_outbox(session=session, to=setting["author"].email)
    assert "Nog nodig?" in sent.subject and f"/hulp/{item.id}" in sent.body
    item.expires_at = utcnow() + timedelta(days=2)  # the mail went out: renewing is due
    session.add(item)
    session.commit()
    posts.renew_post(session=session, actor=setting["author"], post_id=item.id)
    session.refresh(item)
    assert item.reminder_sent_at is None  # renewing starts the count again


def test_matches_are_counted_per_neighbourhood(session, setting):
    item = session.get(Post, setting["post"].id)
    assert stats.count_matches(session=session, neighbourhood_id=item.neighbourhood_id) == 0
    posts.mark_matched(session=session, actor=setting["author"], post_id=item.id)
    assert stats.count_matches(session=session, neighbourhood_id=item.neighbourhood_id) == 1


def test_a_reminder_already_claimed_by_another_worker_is_not_sent_again(session, setting):
    from buuv_app.services import mail, reminders

    item = session.get(Post, setting["post"].id)
    soon = item.expires_at - timedelta(days=2)
    stale = posts.posts_needing_reminder(session=session, now=soon)  # what a second worker saw
    assert reminders.send_expiry_reminders(session=session, now=soon) == 1
    # The second worker's list was read before the first one sent: its claim must fail.
    from unittest.mock import patch

    with patch.object(posts, "posts_needing_reminder", return_value=stale):
        assert reminders.send_expiry_reminders(session=session, now=soon) == 0
    assert len(mail.list_outbox(session=session, to=setting["author"].email)) == 1


def test_renewing_is_refused_until_the_last_three_days(session, setting):
    """The button shows only near the end; a client calling the handler earlier changes nothing."""
    item = session.get(Post, setting["post"].id)
    weeks_left = item.expires_at
    with pytest.raises(ValidationError) as caught:
        posts.renew_post(session=session, actor=setting["author"], post_id=item.id)
    assert caught.value.field == "post"
    session.refresh(item)
    assert item.expires_at == weeks_left
    item.expires_at = utcnow() + timedelta(days=2, hours=23)
    session.add(item)
    session.commit()
    posts.renew_post(session=session, actor=setting["author"], post_id=item.id)
    session.refresh(item)
    assert item.expires_at > utcnow() + timedelta(weeks=5)

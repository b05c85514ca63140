"""Moderation's handlers called directly over the websocket: a visitor, a resident and an
ambassador get no queue and change nothing; bad reports are refused with a clear message and
store nothing; a professional of another municipality cannot act on Leiden's reports. The Leiden
professional and a well-formed report are the positive controls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from buuv_app.models import MemberNotice, ModerationAction, Municipality, Post, Report, utcnow
from buuv_app.services import messaging, moderation, posts
from buuv_app.state.base import AppState
from buuv_app.state.manage.reports import ModerationQueueState
from buuv_app.state.messaging import ConversationState
from buuv_app.state.moderation import NoticesState
from buuv_app.state.post import PostState
from tests.e2e.auth import create_member, unique_email
from tests.factories import make_message
from tests.security.client import HostileClient, delta_value
from tests.security.hostile import handler, logged_in

pytestmark = pytest.mark.security

QUEUE = "/beheer/meldingen"
SECRET_NOTE = "Geheime toelichting van de melder"
SECRET_MESSAGE = "Mijn pincode is 1234, niet doorvertellen"


def moderation_snapshot(db: Session) -> dict:
    db.rollback()
    return {
        "reports": [(r.id, r.status, r.outcome, r.assignee_id, r.reason, r.note)
                    for r in db.exec(select(Report).order_by(Report.id)).all()],
        "posts": [(p.id, p.hidden_at, p.appealed_at) for p in db.exec(select(Post).order_by(Post.id)).all()],
        "actions": len(db.exec(select(ModerationAction)).all()),
        "notices": [(n.id, n.seen_at) for n in db.exec(select(MemberNotice).order_by(MemberNotice.id)).all()],
    }


@pytest.fixture
def cast(app_db):
    old = utcnow() - timedelta(days=30)
    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    leiderdorp = app_db.exec(select(Municipality).where(Municipality.slug == "leiderdorp")).one()
    author = create_member(app_db, email=unique_email("auteur"), display_name="Auteur", created_at=old)
    helper = create_member(app_db, email=unique_email("helper"), display_name="Helper", created_at=old)
    post = posts.create_post(session=app_db, author=author, kind="request", title="Wie leent mij een boormachine?",
                             body="Voor een plankje.", category_slug="klussen", neighbourhood_slug="merenwijk")
    conversation = messaging.start_conversation(session=app_db, user=helper, post_id=post.id)
    secret = make_message(app_db, conversation, author, body=SECRET_MESSAGE)
    reporter = create_member(app_db, email=unique_email("melder"), display_name="Melder", created_at=old)
    report = moderation.report_post(session=app_db, user=reporter, post_id=post.id, reason="spam", note=SECRET_NOTE)
    notice = MemberNotice(user_id=author.id, kind="warning", text="Alleen voor Auteur")
    app_db.add(notice)
    app_db.commit()
    return {
        "post": post, "conversation": conversation, "secret": secret, "report": report, "notice": notice,
        "author": author,
        "resident": create_member(app_db, email=unique_email("mallory"), display_name="Mallory", created_at=old),
        "ambassador": create_member(app_db, email=unique_email("amb"), display_name="Amb", role="ambassador"),
        "professional": create_member(app_db, email=unique_email("prof"), role="professional",
                                      municipality_id=leiden.id),
        "elsewhere": create_member(app_db, email=unique_email("prof-ldorp"), role="professional",
                                   municipality_id=leiderdorp.id),
    }


def _queue_calls(client: HostileClient, cast) -> str:
    report_id = cast["report"].id
    texts = []
    for name, payload in (
            ("load_queue", {}), ("show_tab", {"tab": "resolved"}), ("show_tab", {"tab": "'; drop table report"}),
            ("take_report", {"report_id": report_id}),
            ("act", {"form": {"report_id": str(report_id), "action": "hide", "reason": "weg"}}),
            ("act", {"form": {"report_id": str(report_id), "action": "suspend", "days": "voorgoed", "reason": "x"}}),
            ("act", {"form": {"report_id": str(report_id), "action": "restore", "reason": "x"}})):
        texts.extend(u.text for u in client.call(handler(ModerationQueueState, name), payload, path=QUEUE))
    return "".join(texts)


def test_a_visitor_cannot_report_appeal_dismiss_or_use_the_queue(app_url, cast, app_db):
    before = moderation_snapshot(app_db)
    client = HostileClient(app_url)
    try:
        answers = _queue_calls(client, cast)
        post_path, query = f"/hulp/{cast['post'].id}", {"post_id": str(cast["post"].id)}
        client.call(handler(PostState, "load_post"), path=post_path, query=query)
        client.call(handler(PostState, "report_post"), {"form": {"reason": "spam"}}, path=post_path, query=query)
        client.call(handler(PostState, "appeal_post"), {"form": {"appeal": "x"}}, path=post_path, query=query)
        client.call(handler(ConversationState, "choose_report_message"), {"message_id": cast["secret"].id})
        client.call(handler(ConversationState, "report_conversation"), {"form": {"reason": "spam", "share": "on"}})
        client.call(handler(NoticesState, "dismiss_notice"), {"notice_id": cast["notice"].id})
        updates = client.call(handler(AppState, "load_viewer"))
        assert "/inloggen" in answers
        assert not client.saw(SECRET_NOTE) and not client.saw(SECRET_MESSAGE) and not client.saw("Alleen voor Auteur")
        assert delta_value(updates, "notices") in (None, [])
    finally:
        client.close()
    assert moderation_snapshot(app_db) == before


@pytest.mark.parametrize("who", ["resident", "ambassador"])
def test_a_resident_or_an_ambassador_cannot_use_the_queue(app_url, cast, app_db, who):
    before = moderation_snapshot(app_db)
    client = logged_in(app_url, cast[who].email)
    try:
        answers = _queue_calls(client, cast)
        assert answers.count("Dat mag je niet doen") >= 7
        assert not client.saw(SECRET_NOTE)
        # Someone else's notice is neither shown nor marked read.
        client.call(handler(NoticesState, "dismiss_notice"), {"notice_id": cast["notice"].id})
        client.call(handler(AppState, "load_viewer"))
        assert not client.saw("Alleen voor Auteur")
    finally:
        client.close()
    assert moderation_snapshot(app_db) == before


def test_bad_reports_are_refused_with_a_clear_message_and_store_nothing(app_url, cast, app_db):
    before = moderation_snapshot(app_db)
    client = logged_in(app_url, cast["resident"].email)
    post_path, query = f"/hulp/{cast['post'].id}", {"post_id": str(cast["post"].id)}
    try:
        client.call(handler(PostState, "load_post"), path=post_path, query=query)
        answered = client.call(handler(PostState, "report_post"), {"form": {"reason": "ik vind hem stom"}},
                               path=post_path, query=query)
        assert "Kies een reden uit de lijst." in "".join(u.text for u in answered)
        answered = client.call(handler(PostState, "report_post"), {"form": {"reason": "spam", "note": "x" * 10_000}},
                               path=post_path, query=query)
        assert "hoogstens 500 tekens" in "".join(u.text for u in answered)
        for junk in ({"reason": ["spam"]}, "not a form", {"reason": None, "note": {"a": 1}}):
            client.call(handler(PostState, "report_post"), {"form": junk}, path=post_path, query=query)
        # Someone else's post cannot be appealed; a post that does not exist cannot be reported.
        client.call(handler(PostState, "appeal_post"), {"form": {"appeal": "Het is van mij"}}, path=post_path,
                    query=query)
        client.call(handler(PostState, "load_post"), path="/hulp/99999999", query={"post_id": "99999999"})
        answered = client.call(handler(PostState, "report_post"), {"form": {"reason": "spam"}}, path="/hulp/99999999",
                               query={"post_id": "99999999"})
        assert "bestaat niet" in "".join(u.text for u in answered)
        # A conversation Mallory is not in: its message cannot be chosen, the conversation not reported.
        path = f"/berichten/{cast['conversation'].id}"
        conversation_query = {"conversation_id": str(cast["conversation"].id)}
        client.call(handler(ConversationState, "load_conversation"), path=path, query=conversation_query)
        updates = client.call(handler(ConversationState, "choose_report_message"), {"message_id": cast["secret"].id},
                              path=path, query=conversation_query)
        assert delta_value(updates, "report_message_id") in (None, 0)
        client.call(handler(ConversationState, "report_conversation"), {"form": {"reason": "spam", "share": "on"}},
                    path=path, query=conversation_query)
        assert not client.saw(SECRET_MESSAGE)
    finally:
        client.close()
    assert moderation_snapshot(app_db) == before
    # Positive control: a well-formed report does get stored.
    client = logged_in(app_url, cast["resident"].email)
    try:
        client.call(handler(PostState, "load_post"), path=post_path, query=query)
        client.call(handler(PostState, "report_post"), {"form": {"reason": "spam", "note": "Reclame"}},
                    path=post_path, query=query)
    finally:
        client.close()
    assert len(moderation_snapshot(app_db)["reports"]) == len(before["reports"]) + 1


def test_a_professional_cannot_act_outside_their_municipality(app_url, cast, app_db):
    before = moderation_snapshot(app_db)
    client = logged_in(app_url, cast["elsewhere"].email)
    try:
        _queue_calls(client, cast)
        assert not client.saw(SECRET_NOTE)
    finally:
        client.close()
    assert moderation_snapshot(app_db) == before
    # Positive control: Leiden's professional sees the report and acts on it; a bad action is refused.
    client = logged_in(app_url, cast["professional"].email)
    try:
        client.call(handler(ModerationQueueState, "load_queue"), path=QUEUE)
        assert client.saw(SECRET_NOTE)
        report_id = str(cast["report"].id)
        answered = client.call(handler(ModerationQueueState, "act"),
                               {"form": {"report_id": report_id, "action": "explode", "reason": "x"}}, path=QUEUE)
        assert "Kies wat er moet gebeuren." in "".join(u.text for u in answered)
        answered = client.call(handler(ModerationQueueState, "act"),
                               {"form": {"report_id": report_id, "action": "suspend", "days": "-4", "reason": "x"}},
                               path=QUEUE)
        assert "Kies een aantal dagen" in "".join(u.text for u in answered)
        assert moderation_snapshot(app_db) == before
        client.call(handler(ModerationQueueState, "act"),
                    {"form": {"report_id": report_id, "action": "hide", "reason": "Reclame"}}, path=QUEUE)
    finally:
        client.close()
    app_db.rollback()
    assert app_db.get(Post, cast["post"].id).hidden_at is not None


def test_an_appeal_after_the_twenty_day_window_is_refused_and_stores_nothing(app_url, cast, app_db):
    post = app_db.get(Post, cast["post"].id)
    post.hidden_at, post.hidden_cause, post.hidden_reason = utcnow() - timedelta(days=21), "moderator", "Reclame"
    app_db.add(post)
    app_db.commit()
    before = moderation_snapshot(app_db)
    client = logged_in(app_url, cast["author"].email)
    post_path, query = f"/hulp/{post.id}", {"post_id": str(post.id)}
    try:
        client.call(handler(PostState, "load_post"), path=post_path, query=query)
        answered = client.call(handler(PostState, "appeal_post"), {"form": {"appeal": "Het is geen reclame."}},
                               path=post_path, query=query)
        assert "termijn voor bezwaar is voorbij" in "".join(u.text for u in answered)
    finally:
        client.close()
    assert moderation_snapshot(app_db) == before
    # Positive control: within the window the same appeal is stored.
    post = app_db.get(Post, post.id)
    post.hidden_at = utcnow() - timedelta(days=19)
    app_db.add(post)
    app_db.commit()
    client = logged_in(app_url, cast["author"].email)
    try:
        client.call(handler(PostState, "load_post"), path=post_path, query=query)
        client.call(handler(PostState, "appeal_post"), {"form": {"appeal": "Het is geen reclame."}},
                    path=post_path, query=query)
    finally:
        client.close()
    assert moderation_snapshot(app_db)["reports"][-1][4] == moderation.APPEAL_REASON

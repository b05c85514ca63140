"""Moderation: reporting (reasons, limits, shared messages), the automatic hold and grouping,
the moderators' actions with their audit trail, suspension, notices, appeals and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from buuv_app.errors import NotFound, PermissionDenied, ValidationError
from buuv_app.models import (
    APPEAL_WINDOW,
    AuthSession,
    MemberNotice,
    ModerationAction,
    OutboxMail,
    Post,
    Report,
    utcnow,
)
from buuv_app.services import accounts, messaging, moderation, posts, sessions
from buuv_app.services.moderation import REPORTS_PER_DAY
from tests.factories import (
    count_rows,
    make_conversation,
    make_member,
    make_message,
    make_municipality,
    make_neighbourhood,
    make_post,
)

OLD = utcnow() - timedelta(days=30)


@pytest.fixture
def town(session):
    municipality = make_municipality(session)
    wijk = make_neighbourhood(session, municipality)
    author = make_member(session, wijk, created_at=OLD)
    return {
        "municipality": municipality,
        "wijk": wijk,
        "author": author,
        "post": make_post(session, author=author, neighbourhood=wijk),
        "neighbours": [make_member(session, wijk, created_at=OLD) for _ in range(4)],
        "newcomer": make_member(session, wijk),
        "professional": make_member(session, wijk, role="professional", municipality_id=municipality.id),
        "elsewhere": make_member(session, role="professional", municipality_id=make_municipality(session).id),
        "ambassador": make_member(session, wijk, role="ambassador"),
        "admin": make_member(session, role="admin"),
    }


def report(session, user, post, reason="spam", note=""):
    return moderation.report_post(session=session, user=user, post_id=post.id, reason=reason, note=note)


def hidden(session, post) -> bool:
    session.expire_all()
    return session.get(Post, post.id).hidden_at is not None


# --- the automatic hold and grouping ---------------------------------------------------------

def test_three_established_members_hide_a_post_pending_review(session, town):
    post = town["post"]
    report(session, town["neighbours"][0], post)
    report(session, town["neighbours"][1], post, "oplichting")
    assert not hidden(session, post)
    report(session, town["neighbours"][2], post, "onveilig")
    assert hidden(session, post)
    assert session.get(Post, post.id).hidden_cause == "hold"
    assert posts.get_post_detail(session=session, post_id=post.id, viewer=town["newcomer"]) is None
    assert post.id not in [p.id for p in posts.browse(session=session, viewer=None).items]
    # Its author still sees it, with the reason.
    detail = posts.get_post_detail(session=session, post_id=post.id, viewer=town["author"])
    assert detail.hidden_cause == "hold"
    [line] = session.exec(select(ModerationAction).where(ModerationAction.action == "hold")).all()
    assert line.actor_id is None and line.post_id == post.id
    [item] = moderation.list_queue(session=session, actor=town["professional"])
    assert item.post_held and item.reporters == 3 and item.earlier_reports == 0


def test_accounts_younger_than_a_week_do_not_count_towards_the_hold(session, town):
    post = town["post"]
    report(session, town["neighbours"][0], post)
    report(session, town["neighbours"][1], post)
    report(session, town["newcomer"], post)
    assert not hidden(session, post)


def test_a_professionals_single_report_is_enough(session, town):
    report(session, town["professional"], town["post"])
    assert hidden(session, town["post"])


def test_repeated_reports_against_one_person_are_grouped_not_counted_as_independent(session, town):
    reporter, author = town["neighbours"][0], town["author"]
    others = [make_post(session, author=author, neighbourhood=town["wijk"]) for _ in range(3)]
    first = report(session, reporter, town["post"])
    grouped = [report(session, reporter, p) for p in others]
    assert all(r.group_id == first.id for r in grouped)
    [line] = moderation.list_queue(session=session, actor=town["professional"])
    assert line.report_id == first.id and line.grouped == 3 and line.reporters == 1
    # A different member's report is independent: it counts once against the author.
    independent = report(session, town["neighbours"][1], others[0])
    assert independent.group_id is None
    items = {i.report_id: i for i in moderation.list_queue(session=session, actor=town["professional"])}
    assert items[first.id].earlier_reports == 1
    # After the window a new report starts its own group.
    later = moderation.report_post(session=session, user=reporter, post_id=make_post(
        session, author=author, neighbourhood=town["wijk"]).id, reason="spam", now=utcnow() + timedelta(days=2))
    assert later.group_id is None


# --- refusals ----------------------------------------------------------------------------------

def test_a_reason_outside_the_list_is_refused_and_nothing_is_stored(session, town):
    with pytest.raises(ValidationError) as error:
        report(session, town["neighbours"][0], town["post"], reason="ik vind hem stom")
    assert error.value.message == "Kies een reden uit de lijst."
    assert count_rows(session, Report) == 0


def test_a_note_of_ten_thousand_characters_is_refused(session, town):
    with pytest.raises(ValidationError) as error:
        report(session, town["neighbours"][0], town["post"], note="x" * 10_000)
    assert error.value.field == "note" and "hoogstens" in error.value.message
    assert count_rows(session, Report) == 0


def test_a_post_that_does_not_exist_or_is_members_only_for_a_visitor_is_not_found(session, town):
    with pytest.raises(NotFound):
        moderation.report_post(session=session, user=town["neighbours"][0], post_id=999_999, reason="spam")
    with pytest.raises(NotFound):
        moderation.report_post(session=session, user=town["neighbours"][0], post_id="1; drop", reason="spam")
    with pytest.raises(PermissionDenied):
        moderation.report_post(session=session, user=None, post_id=town["post"].id, reason="spam")
    assert count_rows(session, Report) == 0


def test_one_open_report_per_member_per_item_and_a_daily_limit(session, town):
    reporter = town["neighbours"][0]
    report(session, reporter, town["post"])
    with pytest.raises(ValidationError) as error:
        report(session, reporter, town["post"], reason="onveilig")
    assert "al gemeld" in error.value.message
    for _ in range(REPORTS_PER_DAY - 1):
        report(session, reporter, make_post(session, neighbourhood=town["wijk"]))
    with pytest.raises(ValidationError) as error:
        report(session, reporter, make_post(session, neighbourhood=town["wijk"]))
    assert "vandaag" in error.value.message


def test_a_conversation_you_are_not_in_cannot_be_reported(session, town):
    conversation = make_conversation(session, town["post"], town["neighbours"][0])
    with pytest.raises(NotFound):
        moderation.report_conversation(session=session, user=town["neighbours"][1],
                                       conversation_id=conversation.id, reason="ongepast")
    assert count_rows(session, Report) == 0


@pytest.mark.parametrize("who", ["ambassador", "newcomer"])
def test_an_ambassador_or_a_resident_cannot_act(session, town, who):
    reported = report(session, town["neighbours"][0], town["post"])
    for act in (lambda: moderation.take(session=session, actor=town[who], report_id=reported.id),
                lambda: moderation.hide_post(session=session, actor=town[who], report_id=reported.id, reason="x"),
                lambda: moderation.suspend(session=session, actor=town[who], report_id=reported.id, days=7,
                                           reason="x"),
                lambda: moderation.list_queue(session=session, actor=town[who])):
        with pytest.raises(PermissionDenied):
            act()
    assert not hidden(session, town["post"]) and count_rows(session, ModerationAction) == 0


def test_a_professional_cannot_act_outside_their_municipality(session, town):
    reported = report(session, town["neighbours"][0], town["post"])
    with pytest.raises(PermissionDenied):
        moderation.hide_post(session=session, actor=town["elsewhere"], report_id=reported.id, reason="weg ermee")
    assert moderation.list_queue(session=session, actor=town["elsewhere"]) == []
    assert not hidden(session, town["post"])
    # An admin may act anywhere.
    moderation.hide_post(session=session, actor=town["admin"], report_id=reported.id, reason="Reclame")
    assert hidden(session, town["post"])


# --- conversations: only what the reporter shared ----------------------------------------------

def test_only_the_reported_message_and_those_shared_around_it_reach_the_moderator(session, town):
    reporter = town["neighbours"][0]
    conversation = make_conversation(session, town["post"], reporter)
    sent = [make_message(session, conversation, town["author"] if n % 2 else reporter, body=f"bericht {n}")
            for n in range(20)]
    reported = sent[11]
    moderation.report_conversation(
        session=session, user=reporter, conversation_id=conversation.id, reason="oplichting",
        note="Vraagt om geld", message_id=reported.id,
        shared_message_ids=[sent[10].id, sent[12].id, sent[0].id, "x"])  # sent[0] is too far away
    [item] = moderation.list_queue(session=session, actor=town["professional"])
    assert [m.body for m in item.messages] == ["bericht 10", "bericht 11", "bericht 12"]
    assert [m.reported for m in item.messages] == [False, True, False]
    assert item.subject_id == town["author"].id


def test_a_whole_conversation_shares_at_most_its_last_five_messages_and_none_unless_asked(session, town):
    reporter = town["neighbours"][0]
    conversation = make_conversation(session, town["post"], reporter)
    sent = [make_message(session, conversation, town["author"], body=f"bericht {n}") for n in range(8)]
    moderation.report_conversation(session=session, user=reporter, conversation_id=conversation.id,
                                   reason="ongepast", shared_message_ids=[m.id for m in sent])
    other = make_conversation(session, make_post(session, author=town["author"], neighbourhood=town["wijk"]),
                              town["neighbours"][1])
    make_message(session, other, town["author"], body="niet gedeeld")
    moderation.report_conversation(session=session, user=town["neighbours"][1], conversation_id=other.id,
                                   reason="ongepast")
    items = moderation.list_queue(session=session, actor=town["professional"])
    assert [m.body for m in items[0].messages] == [f"bericht {n}" for n in range(3, 8)]
    assert items[1].messages == []


# --- actions, audit, outcome -----------------------------------------------------------------

def test_every_action_is_in_the_audit_trail_and_the_reporters_hear_the_outcome(session, town):
    post = town["post"]
    for neighbour in town["neighbours"][:3]:
        report(session, neighbour, post)
    [item] = moderation.list_queue(session=session, actor=town["professional"])
    moderation.take(session=session, actor=town["professional"], report_id=item.report_id)
    assert moderation.list_queue(session=session, actor=town["professional"]) == []
    [mine] = moderation.list_queue(session=session, actor=town["professional"], tab="mine")
    moderation.restore(session=session, actor=town["professional"], report_id=mine.report_id, reason="Past prima")
    assert not hidden(session, post)
    trail = moderation.audit_trail(session=session, actor=town["professional"], report_id=item.report_id)
    assert [line.action for line in trail] == ["hold", "take", "restored"]
    assert trail[-1].actor_name == town["professional"].display_name and trail[-1].reason == "Past prima"
    assert {r.status for r in session.exec(select(Report)).all()} == {"resolved"}
    for neighbour in town["neighbours"][:3]:
        [notice] = moderation.list_notices(session=session, user=neighbour)
        assert "teruggezet" in notice.text
    assert count_rows(session, OutboxMail) == 3
    # Handled once: a second action on it is refused.
    with pytest.raises(ValidationError):
        moderation.hide_post(session=session, actor=town["professional"], report_id=item.report_id, reason="x")


def test_dismissing_needs_a_reason(session, town):
    reported = report(session, town["neighbours"][0], town["post"])
    with pytest.raises(ValidationError):
        moderation.dismiss(session=session, actor=town["professional"], report_id=reported.id, reason="  ")
    moderation.dismiss(session=session, actor=town["professional"], report_id=reported.id, reason="Geen probleem")
    [line] = session.exec(select(ModerationAction)).all()
    assert (line.action, line.reason) == ("no_action", "Geen probleem")


@pytest.mark.parametrize("statement", ["UPDATE moderation_action SET reason = 'anders', actor_id = NULL",
                                       "DELETE FROM moderation_action"], ids=["update", "delete"])
def test_the_database_refuses_to_change_or_remove_audit_lines(session, town, statement):
    reported = report(session, town["neighbours"][0], town["post"])
    moderation.dismiss(session=session, actor=town["professional"], report_id=reported.id, reason="Geen probleem")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        session.exec(sa.text(statement))
        session.commit()
    session.rollback()
    session.expire_all()
    [line] = session.exec(select(ModerationAction)).all()
    assert (line.actor_id, line.reason) == (town["professional"].id, "Geen probleem")


def test_deleting_an_account_leaves_the_audit_lines_about_it_untouched(session, town):
    password = "een lange zin om te onthouden"
    reported = report(session, town["neighbours"][0], town["post"])
    moderation.hide_post(session=session, actor=town["professional"], report_id=reported.id, reason="Reclame")
    before = [(a.actor_id, a.action, a.post_id, a.subject_id, a.reason) for a in session.exec(select(ModerationAction))]
    for leaving in (town["author"], town["professional"]):
        accounts.delete_account(session=session, user=leaving, password=password)
    session.expire_all()
    after = [(a.actor_id, a.action, a.post_id, a.subject_id, a.reason) for a in session.exec(select(ModerationAction))]
    assert after == before
    trail = moderation.audit_trail(session=session, actor=town["admin"], report_id=reported.id)
    assert trail[-1].actor_name == accounts.DELETED_NAME and trail[-1].reason == "Reclame"


def test_a_warning_is_shown_to_the_member_until_they_dismiss_it(session, town):
    reported = report(session, town["neighbours"][0], town["post"])
    moderation.warn(session=session, actor=town["professional"], report_id=reported.id,
                    text="Vraag geen geld voor burenhulp.")
    [notice] = moderation.list_notices(session=session, user=town["author"])
    assert notice.kind == "warning" and notice.text == "Vraag geen geld voor burenhulp."
    with pytest.raises(NotFound):
        moderation.dismiss_notice(session=session, user=town["neighbours"][1], notice_id=notice.id)
    moderation.dismiss_notice(session=session, user=town["author"], notice_id=notice.id)
    assert moderation.list_notices(session=session, user=town["author"]) == []


def test_a_suspension_hides_open_posts_ends_sessions_and_refuses_sending(session, town):
    author, responder = town["author"], town["neighbours"][0]
    other_post = make_post(session, author=author, neighbourhood=town["wijk"])
    conversation = make_conversation(session, make_post(session, neighbourhood=town["wijk"]), author)
    sessions.create_session(session=session, user=author)
    reported = report(session, responder, town["post"])
    moderation.suspend(session=session, actor=town["professional"], report_id=reported.id, days=14,
                       reason="Oplichting")
    session.expire_all()
    assert hidden(session, town["post"]) and hidden(session, other_post)
    assert session.exec(select(AuthSession).where(AuthSession.user_id == author.id)).all() == []
    suspended = session.get(type(author), author.id)
    assert suspended.is_suspended and not suspended.is_active
    with pytest.raises(PermissionDenied):
        messaging.send_message(session=session, user=suspended, conversation_id=conversation.id,
                               client_id="device-00000001", body="hallo")
    with pytest.raises(PermissionDenied):
        posts.create_post(session=session, author=suspended, kind="request", title="Nieuwe vraag",
                          body="Wie helpt?", category_slug="x", neighbourhood_slug=town["wijk"].slug)
    [line] = session.exec(select(ModerationAction).where(ModerationAction.action == "suspended")).all()
    assert line.until is not None and line.subject_id == author.id
    # Restoring (from the resolved tab) lifts it, and the posts it hid come back.
    moderation.restore(session=session, actor=town["professional"], report_id=reported.id, reason="Vergissing")
    session.expire_all()
    assert not hidden(session, other_post) and session.get(type(author), author.id).is_active


def test_a_suspension_for_good_and_a_bad_period(session, town):
    reported = report(session, town["neighbours"][0], town["post"])
    for days in (0, -3, 100_000, "7", True):
        with pytest.raises(ValidationError):
            moderation.suspend(session=session, actor=town["professional"], report_id=reported.id, days=days,
                               reason="x")
    moderation.suspend(session=session, actor=town["professional"], report_id=reported.id, days=None, reason="x")
    session.expire_all()
    author = session.get(type(town["author"]), town["author"].id)
    assert author.suspended_until is None and author.is_suspended


# --- appeals ---------------------------------------------------------------------------------

def test_the_author_of_a_hidden_post_may_appeal_once_and_it_returns_to_the_queue(session, town):
    reported = report(session, town["neighbours"][0], town["post"])
    with pytest.raises(ValidationError):
        moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Waarom?")
    moderation.hide_post(session=session, actor=town["professional"], report_id=reported.id, reason="Reclame")
    with pytest.raises(NotFound):
        moderation.appeal(session=session, user=town["neighbours"][1], post_id=town["post"].id, text="Niet van mij")
    moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Het is geen reclame.")
    with pytest.raises(ValidationError) as error:
        moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Nog eens")
    assert "al bezwaar" in error.value.message
    [item] = moderation.list_queue(session=session, actor=town["professional"])
    assert item.is_appeal and item.note == "Het is geen reclame." and item.post_hidden
    moderation.restore(session=session, actor=town["professional"], report_id=item.report_id, reason="Klopt")
    assert not hidden(session, town["post"])
    [told] = moderation.list_notices(session=session, user=town["author"])
    assert "bezwaar" in told.text and "weer zichtbaar" in told.text


def test_an_appeal_turned_down_leaves_the_post_hidden(session, town):
    for neighbour in town["neighbours"][:3]:
        report(session, neighbour, town["post"])
    assert session.get(Post, town["post"].id).hidden_cause == "hold"
    moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Klopt niet")
    appeal = session.exec(select(Report).where(Report.is_appeal)).one()
    moderation.dismiss(session=session, actor=town["professional"], report_id=appeal.id, reason="Blijft weg")
    assert hidden(session, town["post"])
    [told] = moderation.list_notices(session=session, user=town["author"])
    assert "blijft verborgen" in told.text


def hide_at(session, town, when):
    """The professional hides the author's post at `when`."""
    reported = report(session, town["neighbours"][0], town["post"])
    moderation.hide_post(session=session, actor=town["professional"], report_id=reported.id, reason="Reclame", now=when)
    return when


@pytest.mark.parametrize("after", [timedelta(days=1), timedelta(days=19, hours=23, minutes=59), APPEAL_WINDOW],
                         ids=["a day after", "just within", "exactly at the end"])
def test_an_appeal_within_twenty_days_of_the_hiding_is_accepted(session, town, after):
    hidden_at = hide_at(session, town, utcnow() - timedelta(days=30))
    moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Het is geen reclame.",
                      now=hidden_at + after)
    assert session.exec(select(Report).where(Report.is_appeal)).one().note == "Het is geen reclame."


def test_an_appeal_after_twenty_days_is_refused_and_nothing_is_stored(session, town):
    hidden_at = hide_at(session, town, utcnow() - timedelta(days=30))
    actions = count_rows(session, ModerationAction)
    with pytest.raises(ValidationError) as error:
        moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Te laat",
                          now=hidden_at + APPEAL_WINDOW + timedelta(seconds=1))
    assert error.value.field == "appeal" and "termijn voor bezwaar is voorbij" in error.value.message
    session.expire_all()
    assert session.get(Post, town["post"].id).appealed_at is None
    assert session.exec(select(Report).where(Report.is_appeal)).all() == []
    assert count_rows(session, ModerationAction) == actions
    # The greyed post says so instead of offering the button.
    detail = posts.get_post_detail(session=session, post_id=town["post"].id, viewer=town["author"])
    assert detail.appeal_closed and not detail.appealed


def test_a_second_appeal_within_the_window_is_refused(session, town):
    hidden_at = hide_at(session, town, utcnow() - timedelta(days=2))
    moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Eerste",
                      now=hidden_at + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        moderation.appeal(session=session, user=town["author"], post_id=town["post"].id, text="Tweede",
                          now=hidden_at + timedelta(days=2))
    assert "al bezwaar" in error.value.message
    assert len(session.exec(select(Report).where(Report.is_appeal)).all()) == 1


def test_a_recently_hidden_post_still_offers_the_appeal(session, town):
    hide_at(session, town, utcnow() - timedelta(days=19))
    detail = posts.get_post_detail(session=session, post_id=town["post"].id, viewer=town["author"])
    assert detail.hidden_cause == "moderator" and not detail.appeal_closed


# --- reminders -------------------------------------------------------------------------------

def test_reminders_go_to_the_municipalitys_professionals_once_a_day(session, town):
    report(session, town["neighbours"][0], town["post"])
    now = utcnow()
    assert moderation.send_reminders(session=session, now=now) == 0  # not 48 hours old yet
    later = now + timedelta(hours=49)
    assert moderation.send_reminders(session=session, now=later) == 1
    assert moderation.send_reminders(session=session, now=later + timedelta(hours=1)) == 0
    [sent] = session.exec(select(OutboxMail).where(OutboxMail.to_address == town["professional"].email)).all()
    assert "/beheer/meldingen" in sent.body
    assert moderation.send_reminders(session=session, now=later + timedelta(days=1)) == 1
    assert session.exec(select(MemberNotice)).all() == []


def test_a_suspended_member_is_told_so_at_login_and_gets_no_session(session, town):
    from buuv_app.services import accounts

    reported = report(session, town["neighbours"][0], town["post"])
    moderation.suspend(session=session, actor=town["professional"], report_id=reported.id, days=7, reason="x")
    with pytest.raises(ValidationError) as error:
        accounts.log_in(session=session, email=town["author"].email, password="een lange zin om te onthouden",
                        ip=None)
    assert "geschorst tot" in error.value.message
    assert session.exec(select(AuthSession).where(AuthSession.user_id == town["author"].id)).all() == []


def test_a_reported_post_deleted_by_its_author_is_closed_and_kept_for_the_moderators(session, town):
    report(session, town["neighbours"][0], town["post"])
    posts.delete_post(session=session, actor=town["author"], post_id=town["post"].id)
    session.expire_all()
    assert session.get(Post, town["post"].id).status == "closed"
    [item] = moderation.list_queue(session=session, actor=town["professional"])
    assert item.post_title == town["post"].title

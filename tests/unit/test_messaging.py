"""Messaging: reply to a post, send exactly once, read and unread, blocks, limits (reports: test_moderation.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from buuv_app.errors import NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.models import Message, Post, utcnow
from buuv_app.services import accounts, messaging, notifications, posts
from tests.factories import count_rows, make_member, make_neighbourhood, make_post

PASSWORD = "een lange zin om te onthouden"


@pytest.fixture
def talk(session):
    place = make_neighbourhood(session, slug="merenwijk")
    long_ago = utcnow() - timedelta(days=30)
    author = make_member(session, place, display_name="Truus", created_at=long_ago)
    helper = make_member(session, place, display_name="Henk", created_at=long_ago)
    post = make_post(session, author=author, neighbourhood=place, title="Boodschappen op vrijdag")
    conversation = messaging.start_conversation(session=session, user=helper, post_id=post.id)
    return {"author": author, "helper": helper, "post": post, "conversation": conversation,
            "stranger": make_member(session, place, created_at=long_ago)}


def send(session, talk, who="helper", text="Ik kan vrijdag!", client_id="device-00000001", **kw):
    return messaging.send_message(session=session, user=talk[who], conversation_id=talk["conversation"].id,
                                  client_id=client_id, body=text, **kw)


def test_replying_opens_one_conversation_per_responder_and_puts_the_post_in_contact(session, talk):
    again = messaging.start_conversation(session=session, user=talk["helper"], post_id=talk["post"].id)
    assert again.id == talk["conversation"].id
    assert session.get(Post, talk["post"].id).status == "in_contact"


def test_you_cannot_reply_to_your_own_post(session, talk):
    with pytest.raises(ValidationError):
        messaging.start_conversation(session=session, user=talk["author"], post_id=talk["post"].id)


def test_a_resent_message_is_stored_once(session, talk):
    first = send(session, talk)
    second = send(session, talk)
    assert first.id == second.id
    assert count_rows(session, Message) == 1


def test_both_sides_see_the_messages_and_unread_counts_follow_what_was_seen(session, talk):
    send(session, talk, text="Ik kan vrijdag!", client_id="device-00000001")
    last = send(session, talk, text="Om tien uur?", client_id="device-00000002")
    assert messaging.unread_total(session=session, user=talk["author"]) == 2
    assert messaging.unread_total(session=session, user=talk["helper"]) == 0
    [item] = messaging.list_inbox(session=session, user=talk["author"])
    assert (item.other_name, item.unread, item.last_message) == ("Henk", 2, "Om tien uur?")
    view = messaging.open_conversation(session=session, user=talk["author"], conversation_id=talk["conversation"].id)
    assert [m.body for m in view.messages] == ["Ik kan vrijdag!", "Om tien uur?"]
    assert not any(m.mine for m in view.messages)
    # Loading a conversation (perhaps in a hidden tab) reads nothing; the page in view says so.
    assert messaging.unread_total(session=session, user=talk["author"]) == 2
    messaging.mark_seen(session=session, user=talk["author"], conversation_id=talk["conversation"].id,
                        message_id=last.id)
    assert messaging.unread_total(session=session, user=talk["author"]) == 0


def test_seen_marks_only_messages_of_that_conversation_that_exist(session, talk):
    first = send(session, talk, text="Ik kan vrijdag!", client_id="device-00000001")
    # An id far beyond the newest cannot mark tomorrow's messages read.
    assert messaging.mark_seen(session=session, user=talk["author"], conversation_id=talk["conversation"].id,
                               message_id=first.id + 1000) == first.id
    send(session, talk, text="Om tien uur?", client_id="device-00000002")
    assert messaging.unread_total(session=session, user=talk["author"]) == 1
    for bad in (0, -5, True, "12", None):
        assert messaging.mark_seen(session=session, user=talk["author"], conversation_id=talk["conversation"].id,
                                   message_id=bad) == 0
    assert messaging.unread_total(session=session, user=talk["author"]) == 1


def test_what_a_push_delivers_is_what_the_recipient_has_not_read_and_reading_it_clears_the_badge(session, talk):
    conversation_id = talk["conversation"].id
    first = send(session, talk, text="Ik kan vrijdag!", client_id="device-00000001")
    messaging.mark_seen(session=session, user=talk["author"], conversation_id=conversation_id, message_id=first.id)
    send(session, talk, text="Om tien uur?", client_id="device-00000002")
    send(session, talk, text="Of later?", client_id="device-00000003")
    news = messaging.unread_messages(session=session, user=talk["author"], conversation_id=conversation_id)
    assert [(m.body, m.mine, m.sender_name) for m in news] == [("Om tien uur?", False, "Henk"), ("Of later?", False, "Henk")]
    assert messaging.unread_total(session=session, user=talk["author"]) == 2
    messaging.mark_seen(session=session, user=talk["author"], conversation_id=conversation_id, message_id=news[-1].id)
    assert messaging.unread_total(session=session, user=talk["author"]) == 0
    assert messaging.unread_messages(session=session, user=talk["author"], conversation_id=conversation_id) == []
    with pytest.raises(PermissionDenied):
        messaging.unread_messages(session=session, user=talk["stranger"], conversation_id=conversation_id)
    with pytest.raises(PermissionDenied):
        messaging.mark_seen(session=session, user=talk["stranger"], conversation_id=conversation_id, message_id=1)


def test_cannot_read_or_write_a_conversation_you_are_not_in(session, talk):
    with pytest.raises(PermissionDenied):
        messaging.open_conversation(session=session, user=talk["stranger"], conversation_id=talk["conversation"].id)
    with pytest.raises(PermissionDenied):
        messaging.send_message(session=session, user=talk["stranger"], conversation_id=talk["conversation"].id,
                               client_id="device-99999999", body="Hoi")
    with pytest.raises(NotFound):
        messaging.open_conversation(session=session, user=talk["stranger"], conversation_id=424242)
    assert count_rows(session, Message) == 0


@pytest.mark.parametrize(("text", "client_id"), [("   ", "device-00000001"), ("x" * 2001, "device-00000001"),
                                                 ("Hoi", "kort"), ("Hoi", "<script>bad</script>")])
def test_empty_oversized_or_malformed_messages_are_refused(session, talk, text, client_id):
    with pytest.raises(ValidationError):
        send(session, talk, text=text, client_id=client_id)
    assert count_rows(session, Message) == 0


def test_blocking_stops_messages_both_ways(session, talk):
    send(session, talk, client_id="device-00000001")
    messaging.block(session=session, user=talk["author"], conversation_id=talk["conversation"].id)
    for who, cid in (("helper", "device-00000002"), ("author", "device-00000003")):
        with pytest.raises(ValidationError):
            send(session, talk, who=who, client_id=cid)
    messaging.unblock(session=session, user=talk["author"], conversation_id=talk["conversation"].id)
    send(session, talk, client_id="device-00000004")


def test_no_messages_about_a_closed_post(session, talk):
    post = session.get(Post, talk["post"].id)
    post.status = "closed"
    session.add(post)
    session.commit()
    with pytest.raises(ValidationError):
        send(session, talk)


def test_a_new_member_may_send_a_burst_of_five_messages_in_a_minute_but_not_more(session, talk):
    talk["helper"].created_at = utcnow() - timedelta(hours=2)
    session.add(talk["helper"])
    session.commit()
    now = utcnow()
    for n in range(5):  # arranging help: several short messages in quick succession
        send(session, talk, client_id=f"device-0000000{n}", now=now + timedelta(seconds=2 * n))
    with pytest.raises(Throttled) as refused:
        send(session, talk, client_id="device-00000009", now=now + timedelta(seconds=20))
    assert 0 < refused.value.retry_after <= 41
    send(session, talk, client_id="device-00000010", now=now + timedelta(seconds=61))


def test_a_spamming_new_member_is_held_to_the_burst_after_it(session, talk):
    talk["helper"].created_at = utcnow() - timedelta(hours=2)
    session.add(talk["helper"])
    session.commit()
    now, sent, refused = utcnow(), 0, 0
    for second in range(0, 180, 3):  # a message every three seconds for three minutes
        try:
            send(session, talk, client_id=f"device-spam{second:04d}", now=now + timedelta(seconds=second))
            sent += 1
        except Throttled:
            refused += 1
    assert sent <= 15 and refused >= 45


def test_members_past_their_first_day_have_no_burst_limit(session, talk):
    now = utcnow()
    for n in range(8):
        send(session, talk, client_id=f"device-0000000{n}", now=now + timedelta(seconds=n))


def test_a_new_member_starts_at_most_five_conversations_on_the_first_day(session, talk):
    place = make_neighbourhood(session, slug="stevenshof")
    newcomer = make_member(session, place, display_name="Nieuw", created_at=utcnow() - timedelta(hours=1))
    asks = [make_post(session, author=talk["author"], neighbourhood=place, title=f"Vraag {n}") for n in range(6)]
    started = [messaging.start_conversation(session=session, user=newcomer, post_id=p.id) for p in asks[:5]]
    with pytest.raises(ValidationError) as refused:
        messaging.start_conversation(session=session, user=newcomer, post_id=asks[5].id)
    assert refused.value.params == {"max": 5}
    # Reopening a conversation already started is not a new one.
    assert messaging.start_conversation(session=session, user=newcomer, post_id=asks[0].id).id == started[0].id
    # A day later the newcomer is a member like any other.
    later = messaging.start_conversation(session=session, user=newcomer, post_id=asks[5].id,
                                         now=utcnow() + timedelta(days=1, minutes=1))
    assert later.post_id == asks[5].id


def test_everyone_sends_at_most_thirty_messages_an_hour(session, talk):
    now = utcnow()
    for n in range(30):
        send(session, talk, client_id=f"device-{n:08d}", now=now + timedelta(seconds=n))
    with pytest.raises(Throttled):
        send(session, talk, client_id="device-99999999", now=now + timedelta(minutes=5))


def test_messages_of_a_deleted_account_stay_as_from_verwijderde_gebruiker(session, talk):
    send(session, talk)
    accounts.delete_account(session=session, user=talk["helper"], password=PASSWORD)
    view = messaging.open_conversation(session=session, user=talk["author"], conversation_id=talk["conversation"].id)
    assert [m.sender_name for m in view.messages] == ["verwijderde gebruiker"]
    with pytest.raises(ValidationError):
        messaging.send_message(session=session, user=talk["author"], conversation_id=talk["conversation"].id,
                               client_id="device-00000009", body="Hallo?")


def test_an_author_who_leaves_keeps_the_conversation_readable_for_the_other(session, talk):
    send(session, talk)
    accounts.delete_account(session=session, user=talk["author"], password=PASSWORD)
    post = session.get(Post, talk["post"].id)
    assert (post.title, post.body, post.status) == (posts.REMOVED_POST_TITLE, "", "closed")
    view = messaging.open_conversation(session=session, user=talk["helper"], conversation_id=talk["conversation"].id)
    assert view.other_name == "verwijderde gebruiker" and [m.body for m in view.messages] == ["Ik kan vrijdag!"]


def test_the_posts_of_someone_you_blocked_disappear_from_your_feeds(session, talk):
    from buuv_app.services import posts

    assert talk["post"].id in [p.id for p in posts.browse(session=session, viewer=talk["helper"]).items]
    messaging.block(session=session, user=talk["helper"], conversation_id=talk["conversation"].id)
    assert talk["post"].id not in [p.id for p in posts.browse(session=session, viewer=talk["helper"]).items]
    assert posts.get_post_detail(session=session, post_id=talk["post"].id, viewer=talk["helper"]) is None
    # Others still see it.
    assert talk["post"].id in [p.id for p in posts.browse(session=session, viewer=talk["stranger"]).items]


def test_someone_away_gets_one_mail_per_conversation_an_hour(session, talk):
    from buuv_app.services import mail

    now = utcnow()
    send(session, talk, client_id="device-00000001", now=now)
    send(session, talk, client_id="device-00000002", now=now + timedelta(minutes=5))
    [sent] = mail.list_outbox(session=session, to=talk["author"].email)
    assert "Henk" in sent.subject and f"/berichten/{talk['conversation'].id}" in sent.body
    send(session, talk, client_id="device-00000003", now=now + timedelta(minutes=61))
    assert len(mail.list_outbox(session=session, to=talk["author"].email)) == 2


def test_someone_with_a_tab_in_view_gets_no_mail(session, talk):
    from buuv_app.services import mail

    messaging.note_visibility(session=session, user=talk["author"], client_token="tab-1", visible=True)
    send(session, talk)
    assert mail.list_outbox(session=session, to=talk["author"].email) == []


def test_a_hidden_tab_or_a_locked_phone_does_not_stop_the_mail(session, talk):
    from buuv_app.services import mail

    messaging.mark_online(session=session, user=talk["author"])  # a tab checked in moments ago...
    messaging.note_live_view(session=session, user=talk["author"], client_token="tab-1",
                             conversation_id=talk["conversation"].id)  # ...showing this conversation...
    messaging.note_visibility(session=session, user=talk["author"], client_token="tab-1", visible=False)  # ...hidden
    send(session, talk)
    [sent] = mail.list_outbox(session=session, to=talk["author"].email)
    assert "Henk" in sent.subject
    assert messaging.unread_total(session=session, user=talk["author"]) == 1


def test_a_message_reads_the_recipients_open_tabs_once_for_both_the_mail_and_the_push(session, talk):
    """Whether a tab of the recipient is in view decides the mail, and whether it shows this
    conversation the push: one read of their tabs answers both (every message pays for it)."""
    import sqlalchemy as sa

    from buuv_app.services import mail

    messaging.note_visibility(session=session, user=talk["author"], client_token="tab-1", visible=True)
    reads: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _many):
        if "FROM live_view" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        send(session, talk)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(reads) == 1, reads
    assert mail.list_outbox(session=session, to=talk["author"].email) == []  # in view: no mail


def test_a_tab_reports_only_its_own_visibility(session, talk):
    from buuv_app.models import LiveView

    messaging.note_live_view(session=session, user=talk["author"], client_token="tab-of-truus")
    messaging.note_visibility(session=session, user=talk["stranger"], client_token="tab-of-truus", visible=True)
    assert session.get(LiveView, "tab-of-truus").visible is False
    assert session.get(LiveView, "tab-of-truus").user_id == talk["author"].id


def test_a_visibility_report_that_changes_nothing_writes_nothing_until_the_check_in_is_due(session, talk):
    """The page reports its visibility at every message seen in an open conversation: only a
    change, or a check-in that is due (the tab stays counted as open), writes the tab's row."""
    import sqlalchemy as sa

    from buuv_app.models import LiveView

    now = utcnow()
    writes: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _many):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT")) and "live_view" in statement:
            writes.append(statement)

    def report(visible: bool, at: datetime) -> None:
        messaging.note_visibility(session=session, user=talk["author"], client_token="tab-1", visible=visible, now=at)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        report(True, now)
        report(True, now + timedelta(seconds=5))  # the same, moments later
        assert len(writes) == 1
        report(False, now + timedelta(seconds=6))  # hidden: written at once
        report(True, now + timedelta(seconds=7))  # and in view again
        assert len(writes) == 3
        report(True, now + timedelta(seconds=7) + messaging.ONLINE_TOUCH)  # the check-in is due
        assert len(writes) == 4
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    view = session.get(LiveView, "tab-1")
    assert view.visible is True and view.updated_at == now + timedelta(seconds=7) + messaging.ONLINE_TOUCH
    assert messaging.live_views(session=session, user_id=talk["author"].id,
                                now=now + timedelta(seconds=7) + messaging.ONLINE_TOUCH) == [("tab-1", None, True)]


def test_the_unsubscribe_link_works_without_logging_in_and_cannot_be_forged(session, talk):
    import re

    from buuv_app.services import mail

    send(session, talk)
    token = re.search(r"uitschrijven\?token=([\w.]+)", mail.list_outbox(session=session, to=talk["author"].email)[0].body).group(1)
    forged = f"{talk['helper'].id}.{token.split('.')[1]}"
    assert notifications.unsubscribe(session=session, kind="berichten", token=forged) is False
    assert notifications.unsubscribe(session=session, kind="berichten", token="rommel") is False
    assert notifications.unsubscribe(session=session, kind="digest", token=token) is False  # the other kind
    assert notifications.unsubscribe(session=session, kind="berichten", token=token) is True
    session.refresh(talk["author"])
    assert talk["author"].message_mail is False
    send(session, talk, client_id="device-00000002", now=utcnow() + timedelta(hours=2))
    assert len(mail.list_outbox(session=session, to=talk["author"].email)) == 1

"""Scenario: two neighbours chat live about a post, with the unread badge; plus refusals."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from buuv_app.models import Conversation, Message
from buuv_app.services import posts
from tests.e2e.auth import create_member, log_in, start_talk

# Well below the watchers' own looks (45 s at the earliest): an update within it was woken by the send.
WOKEN_WITHIN_MS = 15_000

pytestmark = pytest.mark.e2e

# The device's outbox has handed `message` to the server again since it was queued: assets/outbox.js
# marks each hand-over in tried_at, the first one as it queues it (in the same millisecond or the
# next) and a retry only seconds later.
RETRIED = """message => (window.buuvOutbox ? buuvOutbox.pending() : [])
    .some(item => item.message === message && item.tried_at - item.queued_at > 1000)"""


def test_two_neighbours_chat_live_with_the_badge(page: Page, browser, browser_context_args, a11y, app_db):
    author = create_member(app_db, display_name="Truus")
    helper = create_member(app_db, display_name="Henk")
    post = posts.create_post(session=app_db, author=author, kind="request", title="Wie helpt mij met mijn printer?",
                             body="Hij doet niets meer.", category_slug="computer", neighbourhood_slug="merenwijk")

    # Truus waits on the home page.
    log_in(page, author.email, a11y=a11y)
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    expect(page.locator("#unread-badge")).to_have_count(0)
    a11y.check()

    # Henk, in another browser, responds.
    other_context = browser.new_context(**browser_context_args)
    henk = other_context.new_page()
    log_in(henk, helper.email)
    henk.goto(f"/hulp/{post.id}")
    henk.get_by_role("button", name="Reageer").click()
    expect(henk).to_have_url(re.compile(r"/berichten/\d+$"))
    expect(henk.get_by_role("heading", name="Truus")).to_be_visible()
    henk.get_by_label("Je bericht").fill("Ik kom morgen even kijken!")
    henk.get_by_role("button", name="Versturen").click()
    expect(henk.locator("#chat-messages")).to_contain_text("Ik kom morgen even kijken!")
    expect(henk.get_by_label("Je bericht")).to_have_value("")

    # Truus's badge appears without a reload, woken by the send: the watcher's own look comes only
    # every 45-75 s (state/base.py UNREAD_POLL_SECONDS), so within 15 s means it was woken.
    expect(page.locator("#unread-badge")).to_have_text("1", timeout=WOKEN_WITHIN_MS)
    a11y.check()
    page.get_by_role("link", name=re.compile("^Berichten")).click()
    expect(page.get_by_role("heading", name="Berichten", exact=True)).to_be_visible()
    a11y.check()
    page.get_by_role("link", name=re.compile("Henk")).click()
    expect(page.locator("#chat-messages")).to_contain_text("Ik kom morgen even kijken!")
    expect(page.locator("#unread-badge")).to_have_count(0)
    a11y.check()

    # Truus answers; Henk's open conversation is woken by it (its own look: every 90-150 s).
    page.get_by_label("Je bericht").fill("Fijn, om tien uur?")
    page.get_by_role("button", name="Versturen").click()
    expect(henk.locator("#chat-messages")).to_contain_text("Fijn, om tien uur?", timeout=WOKEN_WITHIN_MS)
    other_context.close()

    app_db.rollback()
    # This conversation's messages only: the run's other tests share the database (and may say the same).
    bodies = [m.body for m in app_db.exec(select(Message).join(Conversation).where(Conversation.post_id == post.id)
                                          .order_by(Message.id)).all()]
    assert bodies == ["Ik kom morgen even kijken!", "Fijn, om tien uur?"]


def test_someone_elses_conversation_is_not_found(page: Page, a11y, app_db):
    from buuv_app.services import messaging

    author = create_member(app_db)
    helper = create_member(app_db)
    post = posts.create_post(session=app_db, author=author, kind="offer", title="Ladder te leen",
                             body="Drie meter.", category_slug="lenen", neighbourhood_slug="merenwijk")
    conversation = messaging.start_conversation(session=app_db, user=helper, post_id=post.id)
    log_in(page, create_member(app_db).email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()
    a11y.check()


def test_a_message_resent_after_the_connection_dropped_arrives_exactly_once(app_url, app_db):
    """The sender's connection drops right after sending; the device resends the same message
    (same device id) on a new connection. The server stores it once."""
    from buuv_app.state.account import LoginState
    from buuv_app.state.messaging import ConversationState
    from tests.e2e.auth import PASSWORD
    from tests.security.client import HostileClient, reconnect

    author, helper, post, conversation = start_talk(
        app_db, kind="offer", title="Hulp bij de DigiD-app", body="Ik help graag.",
        category="computer")
    path, query = f"/berichten/{conversation.id}", {"conversation_id": str(conversation.id)}
    send = f"{ConversationState.get_full_name()}.send"
    form = {"form": {"client_id": "tunnel-device-0001", "message": "Ik rijd net de tunnel in!"}}

    first = HostileClient(app_url)
    first.call(f"{LoginState.get_full_name()}.log_in", {"form": {"email": helper.email, "password": PASSWORD}},
               path="/inloggen")
    first.call(f"{ConversationState.get_full_name()}.load_conversation", path=path, query=query)
    first.send(send, form, path=path, query=query)
    first.ws.close()  # gone before any answer came back

    # Back online: the same browser (same client token, same session) sends it again.
    second = reconnect(app_url, first.token)
    try:
        second.call(f"{ConversationState.get_full_name()}.load_conversation", path=path, query=query)
        second.call(send, form, path=path, query=query)
        second.call(send, form, path=path, query=query)  # and a nervous third tap
    finally:
        second.close()

    app_db.rollback()
    stored = app_db.exec(select(Message).where(Message.conversation_id == conversation.id)).all()
    assert [m.body for m in stored] == ["Ik rijd net de tunnel in!"]


def test_an_unanswered_message_shows_as_sending_and_is_retried_once_the_line_is_back(page: Page, a11y, app_db):
    """The device keeps the message until the server has it: while the server's answers are lost
    it stays "wordt verstuurd", survives a reload, and goes out once (same device id) after."""
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Boodschappen op zaterdag", body="Een kleine lijst.",
        category="boodschappen")
    log_in(page, helper.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", name="Truus")).to_be_visible()

    # A tunnel: the page's messages to the server are lost on the way (the rest gets through), on
    # every connection opened while it lasts: to the end of that connection, so that nothing sent
    # into the tunnel gets out at the moment it ends.
    tunnel = {"on": True}

    def to_server(server, frame, lossy: bool):
        if lossy and isinstance(frame, str) and re.search(r'conversation_state\.(re)?send"', frame):
            return
        server.send(frame)

    def proxy(ws):
        server = ws.connect_to_server()
        lossy = tunnel["on"]
        ws.on_message(lambda frame: to_server(server, frame, lossy))
        server.on_message(lambda frame: ws.send(frame))

    page.route_web_socket(re.compile(r"/_event"), proxy)
    page.reload()
    expect(page.get_by_role("heading", name="Truus")).to_be_visible()

    page.get_by_label("Je bericht").fill("Ik neem brood mee.")
    page.get_by_role("button", name="Versturen").click()
    pending = page.locator("#chat-pending li")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("Ik neem brood mee.")
    expect(pending).to_contain_text("wordt verstuurd")
    expect(page.get_by_label("Je bericht")).to_have_value("")

    # Half a sentence typed, then the app is closed and opened again: nothing typed is lost.
    page.get_by_label("Je bericht").fill("En melk?")
    # The outbox hands the unanswered message over again (marking when): lost in the tunnel too.
    page.wait_for_function(RETRIED, arg="Ik neem brood mee.")
    expect(pending).to_contain_text("wordt verstuurd")
    tunnel["on"] = False
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_label("Je bericht")).to_have_value("En melk?")
    # The outbox sends the waiting message again, with its own id: it arrives once.
    expect(page.locator("#chat-messages")).to_contain_text("Ik neem brood mee.", timeout=10_000)
    expect(pending).to_have_count(0)
    a11y.check()
    app_db.rollback()
    stored = app_db.exec(select(Message).where(Message.conversation_id == conversation.id)).all()
    assert [m.body for m in stored] == ["Ik neem brood mee."]
    assert len(stored[0].client_id) == 32  # made on the device


def test_after_a_network_blip_the_conversation_shows_everything_missed(page: Page, a11y, app_db):
    """The connection drops while the other person writes; when it is back the open conversation
    catches up on its own, without a reload."""
    from buuv_app.services import messaging

    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Hulp met de thermostaat", body="Hij staat steeds op 15 graden.",
        category="computer")

    # A tunnel: the connection stalls (nothing gets through either way) until the phone notices
    # it is dead and reconnects, out of the tunnel.
    line = {"up": True, "sockets": []}

    def proxy(ws):
        server = ws.connect_to_server()
        ws.on_message(lambda frame: line["up"] and server.send(frame))
        server.on_message(lambda frame: line["up"] and ws.send(frame))
        line["sockets"].append(ws)

    page.route_web_socket(re.compile(r"/_event"), proxy)
    log_in(page, author.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", name="Henk")).to_be_visible()

    line["up"] = False
    # Meanwhile Henk writes (stored; what the server pushes is lost in the tunnel).
    for n, body in enumerate(["Ik kan dinsdag.", "Of woensdag, als dat beter is."]):
        messaging.send_message(session=app_db, user=helper, conversation_id=conversation.id,
                               client_id=f"henk-blip-{n:04d}", body=body)
    # Stored, and none of it can have reached the page: the line was down before they were written.
    chat = page.locator("#chat-messages")
    expect(chat.locator("li")).to_have_count(0)
    line["up"] = True
    line["sockets"][-1].close()  # the dead connection is noticed; the page reconnects by itself

    expect(chat).to_contain_text("Ik kan dinsdag.", timeout=15_000)
    expect(chat).to_contain_text("Of woensdag, als dat beter is.")
    expect(chat.locator("li")).to_have_count(2)
    a11y.check()


def test_a_refused_message_comes_back_into_the_box(page: Page, a11y, app_db):
    from buuv_app.services import messaging

    author = create_member(app_db, display_name="Truus")
    helper = create_member(app_db, display_name="Henk")
    post = posts.create_post(session=app_db, author=author, kind="offer", title="Fietsje te leen",
                             body="Voor een dag.", category_slug="lenen", neighbourhood_slug="merenwijk")
    conversation = messaging.start_conversation(session=app_db, user=helper, post_id=post.id)
    log_in(page, helper.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", name="Truus")).to_be_visible()
    messaging.block(session=app_db, user=author, conversation_id=conversation.id)  # meanwhile

    page.get_by_label("Je bericht").fill("Mag ik hem morgen lenen?")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Je kunt deze buur geen bericht sturen.")).to_be_visible()
    expect(page.get_by_label("Je bericht")).to_have_value("Mag ik hem morgen lenen?")
    expect(page.locator("#chat-pending li")).to_have_count(0)
    a11y.check()
    app_db.rollback()
    assert app_db.exec(select(Message).where(Message.conversation_id == conversation.id)).all() == []


def test_the_unsubscribe_link_in_a_message_mail_works_without_logging_in(page: Page, a11y, app_db):
    from buuv_app.services import notifications

    member = create_member(app_db)
    page.goto(f"/uitschrijven?token={notifications.unsubscribe_token('berichten', member.id)}")
    expect(page.get_by_text("Je krijgt geen mail meer over nieuwe berichten.")).to_be_visible()
    a11y.check()
    app_db.rollback()
    assert app_db.get(type(member), member.id).message_mail is False
    page.goto("/uitschrijven?token=1.vervalst")
    expect(page.get_by_text("Deze link klopt niet.")).to_be_visible()
    a11y.check()


def test_the_message_mail_setting_on_the_account_page(page: Page, a11y, app_db):
    member = create_member(app_db)
    log_in(page, member.email, a11y=a11y)
    checkbox = page.get_by_role("checkbox", name=re.compile("Mail me als ik een bericht krijg"))
    expect(checkbox).to_be_checked()
    checkbox.click()
    expect(page.get_by_text("Je keuze is opgeslagen.")).to_be_visible()
    expect(checkbox).not_to_be_checked()
    app_db.rollback()
    assert app_db.get(type(member), member.id).message_mail is False


PHONE = {"width": 390, "height": 844}
# What a browser does when its tab goes to the background or the phone's screen locks.
SET_IN_VIEW = """visible => {
    Object.defineProperty(document, "visibilityState", {configurable: true, get: () => visible ? "visible" : "hidden"});
    Object.defineProperty(document, "hidden", {configurable: true, get: () => !visible});
    document.dispatchEvent(new Event("visibilitychange"));
}"""


def _mails_about(db, to: str, sender: str, timeout: float = 10.0) -> list:
    """The "new message" mails to `to` (waits for the first one to arrive)."""
    import time

    from buuv_app.services import mail

    deadline = time.monotonic() + timeout
    while True:
        db.rollback()  # a fresh read, not the snapshot of an earlier one
        found = [m for m in mail.list_outbox(session=db, to=to) if sender in m.subject]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_reply_to_a_conversation_left_open_in_a_hidden_tab_stays_unread_and_is_mailed(
        page: Page, browser, browser_context_args, a11y, app_db):
    """Truus had the conversation open, then locked her phone. Henk's reply reaches the tab, but
    nobody saw it: the badge, "1 nieuw" in the inbox and the mail all appear. Once she looks at
    the conversation again, it is read."""
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Wie haalt mijn boodschappen?", body="Ik kan slecht lopen.",
        category="boodschappen")
    page.set_viewport_size(PHONE)
    log_in(page, author.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", name="Henk")).to_be_visible()
    a11y.check()
    page.evaluate(SET_IN_VIEW, False)  # the screen locks

    other_context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    henk = other_context.new_page()
    log_in(henk, helper.email)
    henk.goto(f"/berichten/{conversation.id}")
    henk.get_by_label("Je bericht").fill("Ik kan morgen om tien uur.")
    henk.get_by_role("button", name="Versturen").click()
    expect(henk.locator("#chat-messages")).to_contain_text("Ik kan morgen om tien uur.")
    other_context.close()

    # The hidden tab got the message, but it is not read: the badge and the mail say so.
    expect(page.locator("#chat-messages")).to_contain_text("Ik kan morgen om tien uur.")
    expect(page.locator("#unread-badge")).to_have_text("1")
    [sent] = _mails_about(app_db, author.email, "Henk")
    assert f"/berichten/{conversation.id}" in sent.body
    page.get_by_role("link", name=re.compile("^Berichten")).click()
    expect(page.get_by_role("link", name=re.compile("Henk"))).to_contain_text("1 nieuw")
    a11y.check()

    # Back in view, she opens it: now it is read.
    page.evaluate(SET_IN_VIEW, True)
    page.get_by_role("link", name=re.compile("Henk")).click()
    expect(page.locator("#chat-messages")).to_contain_text("Ik kan morgen om tien uur.")
    expect(page.locator("#unread-badge")).to_have_count(0)
    a11y.check()
    page.get_by_role("link", name="← Alle berichten").click()
    expect(page.get_by_role("link", name=re.compile("Henk"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Henk"))).not_to_contain_text("nieuw")


def test_a_new_member_can_arrange_help_in_a_quick_back_and_forth(page: Page, a11y, app_db):
    """Signed up an hour ago, Henk answers Truus's request in a few short messages in a row:
    all go out (a new member's first day allows a burst; one message per 30 s did not)."""
    from datetime import timedelta

    from buuv_app.models import utcnow

    author = create_member(app_db, display_name="Truus", created_at=utcnow() - timedelta(days=30))
    newcomer = create_member(app_db, display_name="Henk", created_at=utcnow() - timedelta(hours=1))
    post = posts.create_post(session=app_db, author=author, kind="request", title="Wie brengt mij naar de huisarts?",
                             body="Donderdagochtend.", category_slug="vervoer", neighbourhood_slug="merenwijk")
    page.set_viewport_size(PHONE)
    log_in(page, newcomer.email, a11y=a11y)
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", name="Wie brengt mij naar de huisarts?")).to_be_visible()
    a11y.check()
    page.get_by_role("button", name="Reageer").click()
    expect(page.get_by_role("heading", name="Truus")).to_be_visible()
    a11y.check()
    chat = page.locator("#chat-messages")
    for text in ("Ik kan u donderdag brengen.", "Hoe laat is de afspraak?", "Ik heb een auto met een lage instap."):
        page.get_by_label("Je bericht").fill(text)
        page.get_by_role("button", name="Versturen").click()
        expect(chat).to_contain_text(text)
    expect(page.get_by_text("Even rustig aan")).to_have_count(0)
    expect(page.locator("#chat-pending li")).to_have_count(0)

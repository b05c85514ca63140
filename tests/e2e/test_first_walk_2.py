"""Issue 16 on a phone, continued: offline copies keep their look, one vocabulary, the smaller snags,
and "Meldingen aanzetten" after a first message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from buuv_app import routes
from buuv_app.models import User
from tests.e2e.auth import create_member, log_in, start_talk
from tests.e2e.device import wait_for_offline_copy

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_after_the_first_message_notifications_are_offered_once(page: Page, a11y, app_db):
    page.set_viewport_size(PHONE)
    _, helper, _, conversation = start_talk(app_db, kind="request", title="Wie helpt met de vuilnisbak?",
                                            body="Elke maandagavond.", category="klussen")
    log_in(page, helper.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", level=1, name="Truus")).to_be_visible()
    expect(page.locator("#push-offer")).to_have_count(0)  # nothing written yet
    page.get_by_label("Je bericht").fill("Dat kan ik wel doen, ik woon om de hoek.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#chat-messages")).to_contain_text("ik woon om de hoek")

    offer = page.locator("#push-offer")
    expect(offer.get_by_role("button", name="Meldingen aanzetten")).to_be_visible()
    assert page.evaluate("Notification.permission") == "default"  # nothing asked before the tap
    a11y.check()
    offer.get_by_role("button", name="Niet nu").click()
    expect(offer).to_have_count(0)
    app_db.expire_all()
    assert app_db.get(User, helper.id).push_offered_at is not None

    page.get_by_label("Je bericht").fill("Zal ik maandag om acht uur langskomen?")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#chat-messages")).to_contain_text("om acht uur")
    page.reload()
    expect(page.locator("#chat-messages")).to_contain_text("om acht uur")
    expect(page.locator("#push-offer")).to_have_count(0)


def _placed_for_a_neighbour(db):
    """Anna, an ambassador, asked for help for Riet (no smartphone); Henk replied. Returns (anna, henk,
    post, conversation)."""
    from datetime import timedelta

    from buuv_app.models import utcnow
    from buuv_app.services import ambassador, messaging

    old = utcnow() - timedelta(days=30)
    anna = create_member(db, display_name="Anna", role="ambassador", created_at=old)
    henk = create_member(db, display_name="Henk", created_at=old)
    riet = ambassador.create_neighbour(session=db, actor=anna, first_name="Riet", neighbourhood_slug="merenwijk",
                                       contact_method="phone", phone="071 512 34 56", consent_method="verbal")
    post = ambassador.create_post_for_neighbour(
        session=db, actor=anna, neighbour_id=riet.neighbour_id, kind="request", title="Wie brengt Riet naar de markt?",
        body="Woensdagochtend, met de rollator.", category_slug="gezelschap", neighbourhood_slug="merenwijk")
    return anna, henk, post, messaging.start_conversation(session=db, user=henk, post_id=post.id)


def test_a_helper_writing_about_a_neighbours_post_sees_the_ambassador_and_for_whom(page: Page, a11y, app_db):
    page.set_viewport_size(PHONE)
    _, henk, _, conversation = _placed_for_a_neighbour(app_db)
    log_in(page, henk.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", level=1, name="Anna")).to_be_visible()
    expect(page.get_by_text("ambassadeur, voor Riet")).to_be_visible()
    expect(page.locator("#ambassador-hint")).to_contain_text(
        "Riet heeft geen smartphone: de ambassadeur geeft je bericht door. Schrijf wat je kunt doen en wanneer.")
    a11y.check()
    page.goto("/berichten")
    row = page.get_by_role("listitem").filter(has_text="Wie brengt Riet naar de markt?")
    expect(row).to_contain_text("Anna")
    expect(row).to_contain_text("ambassadeur, voor Riet")
    a11y.check()


def test_the_inbox_says_jij_before_ones_own_last_message(page: Page, a11y, app_db):
    from datetime import timedelta

    from buuv_app.models import utcnow
    from buuv_app.services import messaging, posts

    page.set_viewport_size(PHONE)
    _, helper, _, mine = start_talk(app_db, kind="request", title="Wie plakt mijn fietsband?",
                                    body="Achterband, lek.", category="klussen")
    messaging.send_message(session=app_db, user=helper, conversation_id=mine.id, client_id="henk-device-0001",
                           body="Ik heb plakspullen, morgen?")
    bep = create_member(app_db, display_name="Bep", created_at=utcnow() - timedelta(days=30))
    offer = posts.create_post(session=app_db, author=bep, kind="offer", title="Ik lees voor", body="Op dinsdag.",
                              category_slug="gezelschap", neighbourhood_slug="merenwijk")
    theirs = messaging.start_conversation(session=app_db, user=helper, post_id=offer.id)
    messaging.send_message(session=app_db, user=bep, conversation_id=theirs.id, client_id="bep-device-0001",
                           body="Wat fijn, welke dinsdag?")
    log_in(page, helper.email, a11y=a11y)
    page.goto("/berichten")
    own = page.get_by_role("listitem").filter(has_text="Wie plakt mijn fietsband?")
    expect(own.locator(".inbox-last")).to_have_text("Jij: Ik heb plakspullen, morgen?")
    other = page.get_by_role("listitem").filter(has_text="Ik lees voor")
    expect(other.locator(".inbox-last")).to_have_text("Wat fijn, welke dinsdag?")  # Bep's: no "Jij:"
    a11y.check()


WEEKDAY_NL = r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} \w+ \d{4}"
WEEKDAY_EN = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \w+ \d{1,2}, \d{4}"


def test_renewing_is_offered_only_near_the_end_and_dates_name_the_weekday(page: Page, a11y, app_db):
    from datetime import timedelta

    from buuv_app.models import Post, utcnow
    from buuv_app.services import posts

    page.set_viewport_size(PHONE)
    member = create_member(app_db, display_name="Riet")
    post = posts.create_post(session=app_db, author=member, kind="request", title="Wie maait mijn gras?",
                             body="Een klein veldje.", category_slug="tuin", neighbourhood_slug="merenwijk")
    log_in(page, member.email, a11y=a11y)
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", level=1, name="Wie maait mijn gras?")).to_be_visible()
    # Just posted: six weeks to go, nothing to renew yet. The dates say which day it is.
    expect(page.get_by_text(re.compile("Staat online tot " + WEEKDAY_NL))).to_be_visible()
    expect(page.get_by_text(re.compile("Geplaatst op " + WEEKDAY_NL))).to_be_visible()
    expect(page.get_by_role("button", name="Sluiten")).to_be_visible()
    expect(page.get_by_role("button", name="Verlengen (nog nodig)")).to_have_count(0)
    a11y.check()

    # Two days before its end (when the "nog nodig?" mail goes out): now it is offered.
    stored = app_db.get(Post, post.id)
    stored.expires_at = utcnow() + timedelta(days=2)
    app_db.add(stored)
    app_db.commit()
    page.reload()
    page.get_by_role("button", name="Verlengen (nog nodig)").click()
    expect(page.get_by_role("button", name="Verlengen (nog nodig)")).to_have_count(0)  # six weeks again
    app_db.expire_all()
    assert app_db.get(Post, post.id).expires_at > utcnow() + timedelta(days=40)

    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_text(re.compile(WEEKDAY_EN)).first).to_be_visible()
    a11y.check()


def test_a_touch_screen_is_asked_to_choose_a_photo_not_to_drag_it(browser, browser_context_args, app_db):
    member = create_member(app_db, display_name="Riet")
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE}, has_touch=True, is_mobile=True)
    try:
        phone = context.new_page()
        log_in(phone, member.email)
        phone.goto("/hulp/nieuw")
        expect(phone.get_by_text("Kies een foto (JPEG, PNG of WebP, hoogstens 5 MB)")).to_be_visible()
        expect(phone.get_by_text(re.compile("sleep"))).not_to_be_visible()
    finally:
        context.close()


def test_a_toast_appears_below_the_header_not_over_it(page: Page, a11y, app_db):
    page.set_viewport_size(PHONE)
    member = create_member(app_db, display_name="Riet")
    log_in(page, member.email, a11y=a11y)
    page.goto("/account")
    page.get_by_role("button", name="Uitloggen").click()
    toast = page.locator("[data-sonner-toast]").filter(has_text="Je bent uitgelogd.")
    expect(toast).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    # Once it has slid in, the toast's top is below the header's bottom.
    page.wait_for_function("() => { const t = document.querySelector('[data-sonner-toast]');"
                           " const h = document.querySelector('body header');"
                           " return t && h && t.getBoundingClientRect().top >= h.getBoundingClientRect().bottom; }",
                           timeout=5000)
    a11y.check()


STYLE = ("el => { const s = getComputedStyle(el); const b = el.getBoundingClientRect();"
         " return {color: s.color, background: s.backgroundColor, justify: s.justifyContent,"
         " fit: s.objectFit, width: Math.round(b.width), height: Math.round(b.height)}; }")


def _close(one: str, other: str, step: int = 4) -> bool:
    """Two CSS rgb()/rgba() colours within `step` per channel."""
    a, b = (re.findall(r"[\d.]+", c) for c in (one, other))
    return len(a) == len(b) and all(abs(float(x) - float(y)) <= step for x, y in zip(a, b))


def test_offline_copies_look_like_the_page_online_and_keep_the_members_name(
        page: Page, a11y, app_db, running, monkeypatch):
    import io

    from PIL import Image

    from buuv_app.services import messaging, photos, posts
    from tests.e2e.test_pwa import CONTROLLED

    page.set_viewport_size(PHONE)
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(running.upload_dir))  # where the app looks
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Wie loopt mee naar de bakker?", body="Zaterdag, rustig aan.",
        category="gezelschap")
    messaging.send_message(session=app_db, user=helper, conversation_id=conversation.id,
                           client_id="henk-device-0009", body="Ik loop graag mee.")
    messaging.send_message(session=app_db, user=author, conversation_id=conversation.id,
                           client_id="truus-device-0009", body="Fijn! Om tien uur?")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(buffer, "JPEG")
    photo_post = posts.create_post(session=app_db, author=author, kind="offer", title="Ik heb een kruiwagen te leen",
                                   body="Voor de tuin.", category_slug="tuin", neighbourhood_slug="merenwijk",
                                   photo_key=photos.store_photo(data=buffer.getvalue()).key)

    log_in(page, helper.email, a11y=a11y)
    page.goto("/hulp")
    # This post's own card (the app's database is shared by the whole run: a title may recur).
    this_post = f'[href="{routes.post_url(photo_post.id)}"]'
    card = page.get_by_role("link", name=re.compile("Ik heb een kruiwagen te leen")).and_(page.locator(this_post))
    expect(card.locator("img")).to_be_visible()
    page.wait_for_function("[...document.images].every(i => i.complete)")
    feed_online = card.evaluate(STYLE), card.locator("img").evaluate(STYLE)
    a11y.check()
    wait_for_offline_copy(page, "/hulp", "Ik heb een kruiwagen te leen")
    page.goto(f"/berichten/{conversation.id}")
    expect(page.locator("#chat-messages")).to_contain_text("Om tien uur?")
    bubbles = page.locator("#chat-messages li")
    chat_online = [bubbles.nth(i).evaluate(STYLE) for i in (0, 1)]
    chat_online += [bubbles.nth(i).locator("> div").evaluate(STYLE) for i in (0, 1)]
    a11y.check()
    page.wait_for_function(CONTROLLED, timeout=60_000)  # the service worker has the app
    wait_for_offline_copy(page, f"/berichten/{conversation.id}", "Om tien uur?")

    # Offline, the app opened again: the conversation shows who said what, as bubbles.
    page.context.set_offline(True)
    page.goto(f"/berichten/{conversation.id}")
    view = page.locator("#offline-view")
    expect(view.get_by_role("status")).to_contain_text("Offline — bijgewerkt om")
    mine, theirs = view.locator(".offline-page li").nth(0), view.locator(".offline-page li").nth(1)
    expect(mine).to_contain_text("Ik loop graag mee.")
    offline = [mine.evaluate(STYLE), theirs.evaluate(STYLE),
               mine.locator("> div").evaluate(STYLE), theirs.locator("> div").evaluate(STYLE)]
    assert offline[0]["justify"] == "flex-end" and offline[1]["justify"] == "flex-start"  # mine on the right
    assert offline[2]["background"] != offline[3]["background"]  # and in another colour
    # The same look as online (sizes differ where online had a button, "Melden"). Text may be the
    # theme's warm near-black (sand 12) offline where Radix draws neutral gray 12 online: a step of a
    # few units per channel that nobody sees; anything more is a different look.
    assert [{k: d[k] for k in ("background", "justify")} for d in offline] == \
        [{k: d[k] for k in ("background", "justify")} for d in chat_online]
    for seen_offline, seen_online in zip(offline, chat_online):
        assert _close(seen_offline["color"], seen_online["color"]), (seen_offline, seen_online)
    # The header still knows who is logged in on this device.
    expect(view.get_by_role("link", name="Mijn account")).to_contain_text("Henk")
    expect(page.get_by_role("link", name="Inloggen")).not_to_be_visible()
    a11y.check()

    # /hulp offline: cards and the photo as online (no green link text, no stretched photo).
    page.goto("/hulp")
    offline_card = view.get_by_role("link", name=re.compile("Ik heb een kruiwagen te leen")).and_(
        view.locator(this_post))
    expect(offline_card.locator("img")).to_be_visible()
    page.wait_for_function("[...document.images].every(i => i.complete)")
    for seen_offline, seen_online in zip((offline_card.evaluate(STYLE), offline_card.locator("img").evaluate(STYLE)),
                                         feed_online):
        assert {k: v for k, v in seen_offline.items() if k != "color"} == \
            {k: v for k, v in seen_online.items() if k != "color"}
        assert _close(seen_offline["color"], seen_online["color"]), (seen_offline, seen_online)
    expect(view.get_by_role("link", name="Mijn account")).to_contain_text("Henk")
    a11y.check()
    page.context.set_offline(False)
    assert photo_post.id


def _words_with_bericht(page: Page) -> set[str]:
    """Words with "bericht" on the page, apart from the chats: the inbox and "je een bericht sturen"."""
    text = page.locator("#inhoud").inner_text().replace("je een bericht sturen", "")
    return set(re.findall(r"\w*ericht\w*", text))


def test_posts_are_oproepen_and_only_chats_are_berichten(page: Page, a11y, app_db):
    from buuv_app.services import posts

    page.set_viewport_size(PHONE)
    member = create_member(app_db, display_name="Riet")
    post = posts.create_post(session=app_db, author=member, kind="request", title="Wie repareert mijn lamp?",
                             body="Een staande lamp, de schakelaar hapert.", category_slug="klussen",
                             neighbourhood_slug="merenwijk")
    log_in(page, member.email, a11y=a11y)
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", name="Jouw oproep")).to_be_visible()
    expect(page.get_by_role("link", name="Reacties op je oproep staan bij Berichten")).to_be_visible()
    # On the post page "Berichten" only names the inbox; the post itself is never a "bericht".
    assert _words_with_bericht(page) <= {"Berichten"}, _words_with_bericht(page)
    a11y.check()
    page.goto("/account")
    expect(page.get_by_role("heading", name="Mijn oproepen")).to_be_visible()
    a11y.check()
    page.goto("/hulp/nieuw")
    expect(page).to_have_title("Nieuwe oproep · BUUV")
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_text("Geef je oproep een titel.")).to_be_visible()
    expect(page.get_by_role("group", name="Wie mag je oproep zien?")).to_be_visible()
    assert _words_with_bericht(page) == set(), _words_with_bericht(page)
    a11y.check()
    # The header's "Berichten" is the inbox of conversations.
    page.get_by_role("link", name=re.compile("^Berichten")).click()
    expect(page.get_by_role("heading", level=1, name="Berichten")).to_be_visible()
    a11y.check()
    # English: posts and messages.
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("heading", level=1, name="Messages")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_role("heading", name="My posts")).to_be_visible()
    a11y.check()

"""Scenario: a resident loses the connection and keeps reading and writing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from buuv_app import routes
from buuv_app.models import Message
from buuv_app.services import messaging
from tests.e2e.auth import create_member, log_in, start_talk
from tests.e2e.device import (
    OUTBOX_EMPTY,
    OUTBOX_MESSAGES,
    OUTBOX_POSTS,
    wait_for_offline_copy,
    wait_for_offline_form_choices,
)
from tests.e2e.test_pwa import CONTROLLED

pytestmark = pytest.mark.e2e


def test_what_was_seen_stays_readable_offline_and_a_message_written_offline_goes_out_once(
        page: Page, a11y, app_db):
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Wie loopt er mee naar de markt?", body="Zaterdagochtend, rustig tempo.",
        category="gezelschap")
    messaging.send_message(session=app_db, user=author, conversation_id=conversation.id,
                           client_id="truus-device-0001", body="Graag! Om tien uur bij de bakker?")

    log_in(page, helper.email, a11y=a11y)
    page.goto("/buurt/merenwijk")
    # This post's own card (the app's database is shared by the whole run: a title may recur).
    card = page.get_by_role("link", name=re.compile("Wie loopt er mee naar de markt?"))
    this_post = f'[href="{routes.post_url(post.id)}"]'
    expect(card.and_(page.locator(this_post))).to_be_visible()
    a11y.check()
    wait_for_offline_copy(page, "/buurt/merenwijk", "Wie loopt er mee naar de markt?")
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", name="Wie loopt er mee naar de markt?")).to_be_visible()
    a11y.check()
    page.goto(f"/berichten/{conversation.id}")
    expect(page.locator("#chat-messages")).to_contain_text("Om tien uur bij de bakker?")
    a11y.check()
    page.wait_for_function(CONTROLLED, timeout=60_000)  # the service worker has the app
    wait_for_offline_copy(page, f"/berichten/{conversation.id}", "Om tien uur bij de bakker?")

    # The tunnel: the page keeps showing the conversation, now from the device, with a banner.
    page.context.set_offline(True)
    view = page.locator("#offline-view")
    expect(view.get_by_role("status")).to_have_text(re.compile(r"Offline — bijgewerkt om \d\d:\d\d"))
    expect(view).to_contain_text("Om tien uur bij de bakker?")
    a11y.check()
    # Reloading offline (the app starting from the home-screen icon): the feed and the
    # conversation come from the device.
    page.goto("/buurt/merenwijk")
    expect(view.get_by_role("status")).to_contain_text("Offline — bijgewerkt om")
    expect(view.get_by_role("link", name=re.compile("Wie loopt er mee naar de markt?")).and_(view.locator(this_post))
           ).to_be_visible()
    a11y.check()
    page.goto(f"/berichten/{conversation.id}")
    expect(view).to_contain_text("Om tien uur bij de bakker?")

    # A message written offline waits on the device.
    view.get_by_label("Je bericht").fill("Prima, tot zaterdag!")
    view.get_by_role("button", name="Versturen zodra er verbinding is").click()
    expect(view.locator("#offline-pending li")).to_contain_text("Prima, tot zaterdag!")
    expect(view.locator("#offline-pending li")).to_contain_text("wacht op verbinding")
    view.get_by_label("Je bericht").fill("Neem ik een paraplu mee?")
    view.get_by_role("button", name="Versturen zodra er verbinding is").click()
    expect(view.locator("#offline-pending li")).to_have_count(2)

    # Back online: the first goes out by itself, once, while the page is open.
    page.context.set_offline(False)
    expect(page.locator("#offline-view")).to_have_count(0)
    expect(page.locator("#chat-messages")).to_contain_text("Prima, tot zaterdag!", timeout=15_000)
    expect(page.locator("#chat-messages")).to_contain_text("Neem ik een paraplu mee?")
    expect(page.locator("#chat-pending li")).to_have_count(0)
    a11y.check()
    app_db.rollback()
    bodies = [m.body for m in app_db.exec(select(Message).where(Message.conversation_id == conversation.id)
                                          .order_by(Message.id)).all()]
    assert bodies == ["Graag! Om tien uur bij de bakker?", "Prima, tot zaterdag!", "Neem ik een paraplu mee?"]


def test_a_message_written_offline_goes_out_once_after_the_app_was_closed(page: Page, a11y, app_db):
    author, helper, post, conversation = start_talk(
        app_db, kind="offer", title="Ik help met de tuin", body="Op maandag.",
        category="tuin")
    log_in(page, helper.email, a11y=a11y)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_role("heading", name="Truus")).to_be_visible()
    a11y.check()
    wait_for_offline_copy(page, f"/berichten/{conversation.id}", "Truus")

    context = page.context
    context.set_offline(True)
    view = page.locator("#offline-view")
    view.get_by_label("Je bericht").fill("Graag, komende maandag?")
    view.get_by_role("button", name="Versturen zodra er verbinding is").click()
    expect(view.locator("#offline-pending li")).to_contain_text("wacht op verbinding")
    page.close()  # the app is closed in the tunnel

    context.set_offline(False)
    again = context.new_page()
    again.goto("/")  # opened again, on another page: the outbox sends from there
    expect(again.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    # The server's answer takes it off the device: from then on no retry has anything to send.
    again.wait_for_function(OUTBOX_EMPTY, arg=OUTBOX_MESSAGES, timeout=15_000)
    again.reload()
    # The reloaded page is the server's again (its member shown), so anything this tab handed the
    # server before has been handled: and still the message is there once, with nothing queued.
    # (Hydrating took over 5 s on a machine with a load of 39 on two cores: 15 s, as for the outbox.)
    expect(again.get_by_role("link", name="Mijn account")).to_contain_text(helper.display_name, timeout=15_000)
    app_db.rollback()
    stored = app_db.exec(select(Message).where(Message.conversation_id == conversation.id)).all()
    assert [m.body for m in stored] == ["Graag, komende maandag?"]
    assert again.evaluate("buuvOutbox.pending()") == []


def test_logging_out_wipes_what_the_device_kept(page: Page, a11y, app_db):
    member = create_member(app_db)
    log_in(page, member.email, a11y=a11y)
    page.goto("/account")
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible()
    wait_for_offline_copy(page, "/account", "Mijn account")  # the account page was kept
    page.evaluate("localStorage.setItem('buuv:outbox:messages', '[]')")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    a11y.check()
    # (The public home page, where logging out lands, is kept again afterwards: that is all.)
    left = ("() => Object.keys(localStorage).filter(k => k.startsWith('buuv:')"
            " && k !== 'buuv:pages' && k !== 'buuv:page:/')")
    page.wait_for_function(f"({left})().length === 0", timeout=10_000)
    assert page.evaluate("Object.keys(buuvOffline.pages()).filter(k => k.startsWith('/account'))") == []


def test_a_request_written_offline_is_posted_once_when_back_even_after_closing_the_app(
        page: Page, browser, a11y, app_db):
    from buuv_app.models import Post

    member = create_member(app_db, display_name="Riet")
    log_in(page, member.email, a11y=a11y)
    page.goto("/hulp/nieuw")
    expect(page.get_by_label("Titel")).to_be_visible()
    expect(page.locator("[data-category]").first).to_be_visible()
    a11y.check()
    wait_for_offline_form_choices(page)  # the form's choices are kept for offline use

    page.context.set_offline(True)
    view = page.locator("#offline-view")
    expect(view.get_by_role("heading", name="Hulp vragen of aanbieden")).to_be_visible()
    view.get_by_label("Waarmee?").select_option("boodschappen")
    view.get_by_label("Titel").fill("Wie haalt dinsdag mijn boodschappen?")
    view.get_by_label("Beschrijving").fill("Een kleine lijst, bij de Albert Heijn om de hoek.")
    expect(view.get_by_label("Buurt")).to_have_value("merenwijk")  # the home neighbourhood
    a11y.check()
    view.get_by_role("button", name="Plaatsen zodra er verbinding is").click()
    expect(view.locator(".offline-outbox-status")).to_contain_text(
        "Vraag “Wie haalt dinsdag mijn boodschappen?”: wacht op verbinding")
    expect(view.get_by_label("Titel")).to_have_value("")

    # The app is closed while still offline, and opened again later with a connection.
    context = page.context
    page.close()
    context.set_offline(False)
    again = context.new_page()
    again.goto("/")
    status = again.locator("#outbox-status")
    expect(status).to_contain_text(re.compile(r"Vraag “Wie haalt dinsdag mijn boodschappen\?” is geplaatst om \d\d:\d\d"),
                                   timeout=15_000)
    app_db.rollback()
    placed = app_db.exec(select(Post).where(Post.author_id == member.id)).all()
    assert [p.title for p in placed] == ["Wie haalt dinsdag mijn boodschappen?"]
    assert placed[0].client_id and placed[0].neighbourhood_id == member.home_neighbourhood_id
    again.get_by_role("link", name="Bekijken").click()
    expect(again.get_by_role("heading", name="Wie haalt dinsdag mijn boodschappen?")).to_be_visible()
    # Nothing left to send: reloading places nothing twice. (The answer that placed it took it off
    # the device; once the reloaded post page has come from the server, anything this tab handed
    # over before has been handled.)
    assert again.evaluate(OUTBOX_EMPTY, OUTBOX_POSTS)
    again.reload()
    expect(again.get_by_role("heading", name="Wie haalt dinsdag mijn boodschappen?")).to_be_visible(timeout=15_000)
    assert again.evaluate(OUTBOX_EMPTY, OUTBOX_POSTS)
    app_db.rollback()
    assert len(app_db.exec(select(Post).where(Post.author_id == member.id)).all()) == 1


def test_what_is_typed_in_a_new_post_survives_a_lost_connection_and_a_reload(page: Page, a11y, app_db):
    member = create_member(app_db)
    log_in(page, member.email, a11y=a11y)
    page.goto("/hulp/nieuw")
    page.get_by_label("Titel").fill("Wie leest mij de post voor?")
    page.get_by_label("Beschrijving").fill("Mijn ogen worden slechter; een keer per week.")
    a11y.check()
    page.reload()
    expect(page.get_by_label("Titel")).to_have_value("Wie leest mij de post voor?")
    expect(page.get_by_label("Beschrijving")).to_have_value("Mijn ogen worden slechter; een keer per week.")
    page.get_by_role("button", name="Gezelschap").click()
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_role("heading", name="Wie leest mij de post voor?")).to_be_visible()
    a11y.check()
    # Placed: the next new post starts empty.
    page.goto("/hulp/nieuw")
    expect(page.get_by_label("Titel")).to_have_value("")

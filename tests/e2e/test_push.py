"""Push notifications in Chromium: a push delivered to the registered service worker (DevTools'
ServiceWorker.deliverPushMessage, what a push service's message becomes in the browser) shows a
notification, and tapping it opens the page it links to; the settings on /account."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from sqlmodel import select

from buuv_app.models import User
from tests.e2e.auth import create_member, log_in
from tests.e2e.device import wait_until_resolved

pytestmark = pytest.mark.e2e

CONTROLLED = "navigator.serviceWorker.controller !== null"
NOTIFICATIONS = "navigator.serviceWorker.ready.then(r => r.getNotifications())"


def registration_id(context: BrowserContext, page: Page, app_url: str) -> str:
    cdp = context.new_cdp_session(page)
    found: dict[str, str] = {}
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.update(
        {r["scopeURL"]: r["registrationId"] for r in event["registrations"] if not r.get("isDeleted")}))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("() => true")  # let the enable's events arrive
    for _ in range(100):
        if f"{app_url}/" in found:
            break
        page.wait_for_timeout(50)  # polling the CDP event, not timing the app
    return found[f"{app_url}/"], cdp


# In the worker: wait for the notification the push made, note what it shows, then tap it (the
# worker's own notificationclick code, openFromNotification in assets/sw.js). One step, because
# headless Chromium may close a notification soon after showing it.
SHOWN_THEN_TAPPED = """() => { self.__shownThenTapped = (async () => {
    for (let i = 0; i < 600; i++) {  // gives up after about 30 s: the test then fails, never hangs
        const list = await self.registration.getNotifications();
        if (list.length) {
            const n = list[0];
            const shown = {title: n.title, body: n.body, tag: n.tag, data: n.data};
            await openFromNotification(n);
            return shown;
        }
        await new Promise(resolve => setTimeout(resolve, 50));  // polling a condition
    }
    return null;
})(); }"""


def deliver(context: BrowserContext, page: Page, app_url: str, payload: dict) -> dict:
    context.grant_permissions(["notifications"], origin=app_url)
    page.wait_for_function(CONTROLLED, timeout=60_000)
    reg_id, cdp = registration_id(context, page, app_url)
    worker = next(w for w in context.service_workers if w.url.endswith("/sw.js"))
    worker.evaluate(SHOWN_THEN_TAPPED)  # starts watching before the push arrives; returns at once
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": app_url, "registrationId": reg_id, "data": json.dumps(payload)})
    return worker.evaluate("() => self.__shownThenTapped")


def test_a_pushed_message_shows_a_notification_and_a_tap_opens_its_page(page: Page, context: BrowserContext,
                                                                         app_url: str):
    page.goto("/")
    payload = {"id": "message-41", "kind": "message", "title": "Nieuw bericht van Henk", "url": "/hulp"}
    shown = deliver(context, page, app_url, payload)
    assert shown == {"title": "Nieuw bericht van Henk", "body": "", "tag": "message-41", "data": {"url": "/hulp"}}
    expect(page).to_have_url(re.compile(r"/hulp/?$"))  # the tap took the open tab there
    wait_until_resolved(page, f"() => {NOTIFICATIONS}.then(list => list.length === 0)")  # tapped: gone


def test_a_push_naming_another_site_opens_nothing_but_the_app(page: Page, context: BrowserContext, app_url: str):
    page.goto("/hulp")
    shown = deliver(context, page, app_url, {"title": "x", "url": "https://evil.example/"})
    assert shown["data"] == {"url": "/"}
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def test_the_account_page_offers_notifications_from_a_tap_and_keeps_each_setting(page: Page, a11y, app_db):
    member = create_member(app_db)
    log_in(page, member.email, a11y=a11y)
    section = page.locator("#meldingen")
    expect(section.get_by_role("heading", name="Meldingen en mail")).to_be_visible()
    # Nothing is asked on page load: the question waits for the tap on this button.
    expect(section.get_by_role("button", name="Meldingen aanzetten")).to_be_visible()
    assert page.evaluate("Notification.permission") == "default"

    text = section.get_by_role("checkbox", name=re.compile("Toon de tekst van een bericht"))
    expect(text).not_to_be_checked()
    text.click()
    expect(page.get_by_text("Je keuze is opgeslagen.")).to_be_visible()
    weekly = section.get_by_role("checkbox", name=re.compile("Elke maandag een kort overzicht"))
    weekly.click()
    expect(weekly).not_to_be_checked()
    section.get_by_text("Ook buurten in de buurt in mijn weekoverzicht").click()
    section.get_by_role("checkbox", name="Slaaghwijk").check()
    section.get_by_role("button", name="Buurten opslaan").click()
    expect(page.get_by_text("Je keuze is opgeslagen.").first).to_be_visible()
    a11y.check()
    app_db.expire_all()
    saved = app_db.get(User, member.id)
    assert saved.push_show_text is True and saved.digest_mail is False
    from buuv_app.models import DigestNeighbourhood, Neighbourhood

    chosen = app_db.exec(select(Neighbourhood.slug).join(
        DigestNeighbourhood, DigestNeighbourhood.neighbourhood_id == Neighbourhood.id).where(
        DigestNeighbourhood.user_id == member.id)).all()
    assert chosen == ["slaaghwijk"]


def test_ios_outside_the_installed_app_is_told_to_add_buuv_to_the_home_screen(browser, browser_context_args, app_url,
                                                                              app_db):
    iphone = browser.new_context(**{**browser_context_args, "base_url": app_url, "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1")})
    try:
        page = iphone.new_page()
        member = create_member(app_db)
        log_in(page, member.email)
        expect(page.get_by_text(re.compile("zet BUUV eerst op je beginscherm"))).to_be_visible()
        expect(page.get_by_role("button", name="Meldingen aanzetten")).to_be_hidden()
    finally:
        iphone.close()

"""Scenario: the line to the server drops while the phone is online; a new build meets an old page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


# Wraps the page's WebSocket before any script of the app runs: while the line is "down", the
# connection to the server drops and every new attempt goes to a port where nothing listens, so it
# fails the way an unreachable server does (an error, then a close), while the device stays online.
LINE = """(() => {
    const Real = window.WebSocket;
    const open = [];
    window.__line = {down: false, cut() { this.down = true; open.splice(0).forEach(ws => ws.close()); }};
    window.WebSocket = class extends Real {
        constructor(url, protocols) {
            const event = String(url).includes("/_event");
            super(event && window.__line.down ? "ws://127.0.0.1:9/_event/" : url, protocols);
            if (event) open.push(this);
        }
    };
})();"""


class EventLine:
    """The page's websocket to the server (/_event): `cut()` drops it and keeps it down,
    `restore()` lets Reflex's next attempt to reconnect through."""

    def __init__(self, page: Page) -> None:
        self.page = page
        page.add_init_script(LINE)

    def cut(self) -> None:
        self.page.evaluate("window.__line.cut()")

    def restore(self) -> None:
        self.page.evaluate("window.__line.down = false")


def test_a_lost_connection_shows_our_banner_in_the_members_language_not_reflexs_english_toast(
        page: Page, a11y):
    page.set_viewport_size(PHONE)
    line = EventLine(page)
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    a11y.check()

    line.cut()
    banner = page.get_by_role("status").filter(has_text="Verbinding verbroken")
    expect(banner).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Verbinding verbroken — we proberen het opnieuw…")).to_be_visible()
    expect(page.get_by_text("Connection lost — trying again…")).to_be_hidden()
    expect(page.get_by_text(re.compile("Cannot connect to server|Check if server is reachable"))).to_have_count(0)
    a11y.check()

    line.restore()
    expect(page.locator("#connection-lost")).to_have_count(0, timeout=30_000)


def test_an_english_speaking_member_reads_the_banner_in_english(page: Page, a11y, app_url):
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "buuv_lang", "value": "en", "url": app_url}])
    line = EventLine(page)
    page.goto("/")
    expect(page.get_by_role("heading", name="Asking for help is perfectly normal")).to_be_visible()
    line.cut()
    expect(page.get_by_text("Connection lost — trying again…")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Verbinding verbroken — we proberen het opnieuw…")).to_be_hidden()
    expect(page.get_by_text(re.compile("Cannot connect to server|Check if server is reachable"))).to_have_count(0)
    a11y.check()


def test_reflexs_new_version_banner_gives_way_to_our_update_prompt(page: Page, a11y):
    """What Reflex's state.js does when a page meets a server of another build (after its one reload)."""
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    page.evaluate("""() => {
        const banner = document.createElement("div");
        banner.id = "reflex-new-version-banner";
        banner.append("A new version of this app is available.");
        document.body.append(banner);
    }""")
    expect(page.get_by_text("A new version of this app is available.")).to_have_count(0)
    expect(page.get_by_role("button", name="Nieuwe versie — herladen")).to_be_visible()
    a11y.check()

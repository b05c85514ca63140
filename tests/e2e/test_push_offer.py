""""Meldingen aanzetten" is offered once, after one's first post, on a phone: from a tap only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from buuv_app.models import User
from tests.e2e.auth import create_member, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def place_post(page: Page, a11y, title: str) -> None:
    page.goto("/")
    a11y.check()
    page.get_by_role("link", name="Vraag om hulp").click()
    page.get_by_role("button", name="Boodschappen").click()
    a11y.check()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Beschrijving").fill("Wie kan er op vrijdag even langs de winkel?")
    page.get_by_role("button", name="Plaatsen").click()
    expect(page).to_have_url(re.compile(r"/hulp/\d+$"))
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def test_after_the_first_post_notifications_are_offered_once_from_a_tap(page: Page, a11y, app_db):
    page.set_viewport_size(PHONE)
    member = create_member(app_db)
    log_in(page, member.email, a11y=a11y)

    place_post(page, a11y, "Boodschappen op vrijdag")
    offer = page.locator("#push-offer")
    expect(offer.get_by_role("button", name="Meldingen aanzetten")).to_be_visible()
    assert page.evaluate("Notification.permission") == "default"  # nothing asked before the tap
    a11y.check()
    offer.get_by_role("button", name="Niet nu").click()
    expect(offer).to_have_count(0)
    app_db.expire_all()
    assert app_db.get(User, member.id).push_offered_at is not None

    place_post(page, a11y, "Nog meer boodschappen")
    page.reload()  # a fresh page load: still not offered again
    expect(page.get_by_role("heading", level=1, name="Nog meer boodschappen")).to_be_visible()
    expect(page.get_by_role("button", name="Niet nu")).to_have_count(0)
    expect(page.locator("#push-offer")).to_have_count(0)
    a11y.check()

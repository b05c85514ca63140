"""Issue 16 on a phone: forms say everything at once, and the way in remembers why you came."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.auth import create_member, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_an_empty_sign_up_shows_every_error_at_once_and_focuses_the_first(page: Page, a11y):
    page.set_viewport_size(PHONE)
    page.goto("/aanmelden")
    expect(page.get_by_role("heading", name="Aanmelden bij BUUV")).to_be_visible()
    page.get_by_role("button", name="Aanmelden").click()

    for message in ("Vul je naam in, zoals buren je mogen noemen.",
                    "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.",
                    "Kies een wachtwoord van minstens 8 tekens.",
                    "Kies je buurt uit de lijst.",
                    "Je kunt je aanmelden als je de huisregels en de privacyverklaring accepteert.",
                    "BUUV is voor mensen van 16 jaar en ouder."):
        expect(page.get_by_text(message)).to_be_visible()
    # Each message is read with its own field, and the first field at fault has the focus.
    expect(page.get_by_label("E-mailadres")).to_have_accessible_description(
        re.compile(r"^Vul een geldig e-mailadres in"))
    expect(page.get_by_label("Je naam")).to_be_focused()
    a11y.check()


def test_an_empty_new_post_shows_every_error_at_once_and_focuses_the_first(page: Page, a11y, app_db):
    page.set_viewport_size(PHONE)
    log_in(page, create_member(app_db, display_name="Riet").email, a11y=a11y)
    page.goto("/hulp/nieuw")
    expect(page.get_by_role("heading", name="Hulp vragen")).to_be_visible()
    page.get_by_role("button", name="Plaatsen").click()

    for message in ("Kies een categorie uit de lijst.", "Geef je bericht een titel.",
                    "Vertel in een paar zinnen waar het om gaat."):
        expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_role("group", name="Waarmee?")).to_be_focused()
    a11y.check()

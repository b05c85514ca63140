"""Issue 16 on a phone: forms say everything at once, and the way in remembers why you came."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.auth import create_member, log_in, mailed_link, sign_up, submit_login, unique_email

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
    # The header names her once the page's state has arrived: the form is live from then on.
    expect(page.get_by_role("link", name="Mijn account")).to_contain_text("Riet")
    page.get_by_role("button", name="Plaatsen").click()

    for message in ("Kies een categorie uit de lijst.", "Geef je oproep een titel.",
                    "Vertel in een paar zinnen waar het om gaat."):
        expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_role("group", name="Waarmee?")).to_be_focused()
    a11y.check()


def test_a_visitor_who_replies_signs_up_confirms_and_lands_on_the_post(page: Page, a11y, app_db):
    from buuv_app.services import posts

    page.set_viewport_size(PHONE)
    author = create_member(app_db, display_name="Truus")
    post = posts.create_post(session=app_db, author=author, kind="request", title="Wie tilt mijn kast naar boven?",
                             body="Zaterdagochtend, tien minuten werk.", category_slug="klussen",
                             neighbourhood_slug="merenwijk")
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", level=1, name="Wie tilt mijn kast naar boven?")).to_be_visible()
    a11y.check()
    page.get_by_role("link", name="Reageer").click()

    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.get_by_text("Om te reageren heb je een account nodig")).to_be_visible()
    a11y.check()
    page.get_by_role("link", name="Meld je aan").click()

    expect(page.get_by_role("heading", name="Aanmelden bij BUUV")).to_be_visible()
    expect(page.get_by_text("Om te reageren heb je een account nodig")).to_be_visible()
    a11y.check()
    email = unique_email("bram")
    sign_up(page, name="Bram", email=email)

    page.goto(mailed_link(app_db, email, "/aanmelden/bevestigen"))
    expect(page.get_by_text("Je e-mailadres is bevestigd. Log in met je wachtwoord.")).to_be_visible()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    a11y.check()
    submit_login(page, email)

    expect(page).to_have_url(re.compile(rf"/hulp/{post.id}/?$"))
    expect(page.get_by_role("button", name="Reageer")).to_be_visible()
    a11y.check()


def test_asking_for_help_while_logged_out_explains_the_account_and_returns_to_the_form(page: Page, a11y, app_db):
    page.set_viewport_size(PHONE)
    member = create_member(app_db, display_name="Riet")
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    a11y.check()
    page.get_by_role("link", name="Vraag om hulp").click()

    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.get_by_text("Om hulp te vragen heb je een account nodig")).to_be_visible()
    a11y.check()
    submit_login(page, member.email)
    expect(page.get_by_role("heading", name="Hulp vragen")).to_be_visible()
    a11y.check()


def test_active_filters_show_as_chips_that_can_be_removed_one_by_one_or_all_at_once(page: Page, a11y, app_db):
    from buuv_app.services import posts

    page.set_viewport_size(PHONE)
    author = create_member(app_db, display_name="Truus")
    word = f"zeef{uuid.uuid4().hex[:8]}"  # this run's posts only, however often it runs on one database
    for title, wijk in ((f"Wie leent mij een {word}?", "merenwijk"), (f"{word} gezocht", "merenwijk"),
                        (f"Heeft iemand een {word}?", "oude-dorp")):
        posts.create_post(session=app_db, author=author, kind="request", title=title, body="Voor de tuin.",
                          category_slug="tuin", neighbourhood_slug=wijk)
    page.goto(f"/hulp?q={word}")
    expect(page.get_by_text("3 oproepen gevonden")).to_be_visible()
    filters = page.get_by_role("group", name="Actieve filters")
    expect(filters.get_by_role("button", name=f"Filter weghalen: “{word}”")).to_be_visible()
    a11y.check()

    page.locator("summary", has_text="Kies wijken").click()
    page.get_by_role("checkbox", name="Merenwijk", exact=True).check()
    page.get_by_role("button", name="Toon resultaten").click()
    expect(page.get_by_text("2 oproepen gevonden")).to_be_visible()
    # The wijk chosen inside the closed list is in plain sight above the results.
    page.locator("summary", has_text="Kies wijken").click()
    expect(filters.get_by_role("button", name="Filter weghalen: Merenwijk")).to_be_visible()
    a11y.check()

    filters.get_by_role("button", name="Filter weghalen: Merenwijk").click()
    expect(page.get_by_text("3 oproepen gevonden")).to_be_visible()
    expect(page.locator("input[name='wijk:merenwijk']")).not_to_be_checked()  # inside the closed list
    expect(page).to_have_url(re.compile(rf"/hulp/?\?q={word}$"))

    page.get_by_role("button", name="Wis filters").click()
    expect(page.get_by_role("group", name="Actieve filters")).to_have_count(0)
    expect(page.get_by_label("Zoeken")).to_have_value("")
    expect(page).to_have_url(re.compile(r"/hulp/?$"))
    a11y.check()

"""Scenario: an ambassador registers a neighbour without a smartphone and asks for help for them; a
resident replies; the ambassador sees the reply labelled with the neighbour and marks the post
matched. And later the neighbour takes their posts over with an account of their own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from buuv_app.models import Post
from buuv_app.services import ambassador
from tests.e2e.auth import create_member, log_in, mailed_link, unique_email

pytestmark = pytest.mark.e2e

PHONE = "071 512 34 56"
PHONE_DIGITS = "0715123456"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _no_phone_in(page: Page) -> None:
    html = page.content()
    assert PHONE not in html and PHONE_DIGITS not in html


def test_an_ambassador_posts_for_a_neighbour_a_resident_replies_and_it_ends_as_a_match(
        page: Page, browser, browser_context_args, a11y, app_db):
    anna = create_member(app_db, display_name="Anna", role="ambassador")
    henk = create_member(app_db, display_name="Henk")
    log_in(page, anna.email, a11y=a11y)

    # The dashboard, from the header.
    page.get_by_role("link", name="Ambassadeur").click()
    expect(page.get_by_role("heading", level=1, name="Ambassadeur")).to_be_visible()
    expect(page.get_by_text("Je hebt nog geen buren toegevoegd.")).to_be_visible()
    a11y.check()

    # Anna registers Truus, who has no smartphone and said yes on the spot.
    page.get_by_role("link", name="Buur toevoegen").click()
    expect(page.get_by_role("heading", level=1, name="Buur toevoegen")).to_be_visible()
    page.get_by_label("Voornaam").fill("Truus")
    expect(page.get_by_label("Buurt")).to_have_value("merenwijk")  # the ambassador's own by default
    page.get_by_role("button", name="Per telefoon").click()
    page.get_by_label("Telefoonnummer").fill(PHONE)
    page.get_by_label("Hoe gaf je buur toestemming?").select_option("verbal")
    a11y.check()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "neighbour-form.png"), full_page=True)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1, name="Ambassadeur")).to_be_visible()
    truus = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Truus"))
    expect(truus).to_contain_text(f"Telefoon: {PHONE}")
    expect(truus).to_contain_text("Toestemming: mondeling")
    a11y.check()

    # A request for Truus, through "Voor wie?" chosen in advance.
    page.get_by_role("link", name="Vraag plaatsen voor Truus").click()
    expect(page.get_by_role("heading", level=1, name="Hulp vragen voor Truus")).to_be_visible()
    expect(page.get_by_role("button", name="Truus")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Boodschappen").click()
    page.get_by_label("Titel").fill("Wie haalt vrijdag boodschappen voor Truus?")
    page.get_by_label("Beschrijving").fill("Truus loopt slecht. Een tas met brood, melk en fruit is genoeg.")
    a11y.check()
    page.get_by_role("button", name="Plaatsen").click()
    expect(page).to_have_url(re.compile(r"/hulp/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Wie haalt vrijdag boodschappen voor Truus?")).to_be_visible()
    expect(page.get_by_text("Geplaatst via ambassadeur Anna")).to_be_visible()
    a11y.check()
    post_url = page.url

    # Henk, in another browser, reads it and replies; nothing of Truus's phone reaches him.
    other_context = browser.new_context(**browser_context_args)
    resident = other_context.new_page()
    log_in(resident, henk.email)
    resident.goto(post_url)
    expect(resident.get_by_text("Geplaatst via ambassadeur Anna")).to_be_visible()
    expect(resident.get_by_text("Truus · Merenwijk")).to_be_visible()
    _no_phone_in(resident)
    resident.get_by_role("button", name="Reageer").click()
    expect(resident).to_have_url(re.compile(r"/berichten/\d+$"))
    expect(resident.get_by_role("heading", name="Anna")).to_be_visible()
    resident.get_by_label("Je bericht").fill("Ik ga vrijdag voor Truus naar de markt.")
    resident.get_by_role("button", name="Versturen").click()
    expect(resident.locator("#chat-messages")).to_contain_text("Ik ga vrijdag voor Truus naar de markt.")
    _no_phone_in(resident)
    other_context.close()

    # Anna's inbox says whom the reply is about.
    page.goto("/berichten")
    reply = page.get_by_role("link", name=re.compile(r"^Henk \(voor Truus\)"))
    expect(reply).to_be_visible()
    expect(reply).to_contain_text("Voor Truus")
    a11y.check()
    reply.click()
    expect(page.locator("#chat-messages")).to_contain_text("Ik ga vrijdag voor Truus naar de markt.")
    expect(page.get_by_text("Voor Truus", exact=True)).to_be_visible()
    a11y.check()

    # The dashboard shows the conversation waiting for her answer and the open post.
    page.goto("/ambassadeur")
    expect(page.get_by_role("link", name=re.compile(r"^Henk \(voor Truus\)"))).to_be_visible()
    expect(page.get_by_role("link", name="Wie haalt vrijdag boodschappen voor Truus?", exact=True)).to_be_visible()
    a11y.check()
    page.screenshot(path=str(SCREENSHOTS / "ambassador-dashboard.png"), full_page=True)

    # Friday went well: Anna records the outcome on the post.
    page.goto(post_url)
    page.get_by_text("Ik ben geholpen / het is gelukt").click()
    page.get_by_label("Iemand anders / via het prikbord").check()  # Henk never wrote online
    page.get_by_label("Naam (bij iemand anders; mag leeg blijven)").fill("Henk")
    page.get_by_role("button", name="Zet op geholpen").click()
    expect(page.get_by_text("Geholpen! Deze vraag heeft een match gevonden.")).to_be_visible()
    a11y.check()

    app_db.rollback()
    post = app_db.get(Post, int(post_url.rsplit("/", 1)[1]))
    assert (post.status, post.helped_by, post.author_id, post.ambassador_id) == ("matched", "Henk", anna.id, anna.id)
    assert post.neighbour_id is not None


def test_a_neighbour_takes_their_posts_over_with_an_account_of_their_own(page: Page, a11y, app_db):
    anna = create_member(app_db, display_name="Anna", role="ambassador")
    neighbour_id = ambassador.create_neighbour(
        session=app_db, actor=anna, first_name="Greet", neighbourhood_slug="merenwijk", contact_method="board",
        board_location="Bibliotheek Merenwijk", consent_method="paper").neighbour_id
    ambassador.create_post_for_neighbour(
        session=app_db, actor=anna, neighbour_id=neighbour_id, kind="offer", title="Greet breit sokken voor wie wil",
        body="Wol heeft ze genoeg.", category_slug="gezelschap", neighbourhood_slug="merenwijk")
    email = unique_email("greet")

    log_in(page, anna.email, a11y=a11y)
    page.goto(f"/ambassadeur/buur/{neighbour_id}")
    expect(page.get_by_role("heading", level=1, name="Gegevens van Greet")).to_be_visible()
    expect(page.get_by_label("Welk prikbord?")).to_have_value("Bibliotheek Merenwijk")
    page.get_by_label("E-mailadres van je buur").fill(email)
    page.get_by_role("button", name="Uitnodiging sturen").click()
    expect(page.get_by_text("Er is een uitnodiging verstuurd.")).to_be_visible()
    a11y.check()
    page.goto("/account")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    a11y.check()

    # Greet opens the mailed link on her new tablet.
    page.goto(mailed_link(app_db, email, "/uitnodiging"))
    expect(page.get_by_role("heading", level=1, name="Je eigen BUUV-account")).to_be_visible()
    expect(page.get_by_text("Hallo Greet. Anna zette tot nu toe")).to_be_visible()
    a11y.check()
    page.get_by_label("Kies een wachtwoord").fill("mijn eigen wachtwoord voor buuv")
    page.get_by_label("Ik ga akkoord met de").check()
    page.get_by_label("Ik ben 16 jaar of ouder.").check()
    page.get_by_role("button", name="Account maken").click()
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible()
    expect(page.get_by_role("link", name="Greet breit sokken voor wie wil")).to_be_visible()
    a11y.check()

    # The link has done its work.
    page.goto(mailed_link(app_db, email, "/uitnodiging"))
    expect(page.get_by_text("Deze link werkt niet meer")).to_be_visible()
    a11y.check()


def test_a_resident_finds_no_ambassador_page(page: Page, a11y, app_db):
    log_in(page, create_member(app_db).email, a11y=a11y)
    expect(page.get_by_role("link", name="Ambassadeur")).to_have_count(0)
    page.goto("/ambassadeur")
    expect(page.get_by_text("Deze pagina is voor ambassadeurs.")).to_be_visible()
    a11y.check()

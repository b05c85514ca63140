"""Scenarios with accounts: sign up, log out, log in, reset the password, export, delete, throttle."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlmodel import delete

from buuv_app.models import AuthAttempt, Role
from tests.e2e.auth import (LOGIN_TIMEOUT_MS, PASSWORD, create_member, log_in, mailed_link, sign_up, submit_login,
                            unique_email)

pytestmark = pytest.mark.e2e


def test_sign_up_log_out_log_in_reset_password_and_log_in_again(page: Page, a11y, app_db):
    email = unique_email("anneke")
    page.goto("/aanmelden")
    expect(page.get_by_role("heading", name="Aanmelden bij BUUV")).to_be_visible()
    a11y.check()
    sign_up(page, name="Anneke", email=email)
    expect(page.get_by_text(email)).to_be_visible()
    a11y.check()

    # Confirming logs nobody in: the password is asked, and then the account page follows.
    page.goto(mailed_link(app_db, email, "/aanmelden/bevestigen"))
    expect(page.get_by_text("Je e-mailadres is bevestigd. Log in met je wachtwoord.")).to_be_visible()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    submit_login(page, email)
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("link", name="Mijn account")).to_contain_text("Anneke")
    a11y.check()

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    a11y.check()

    log_in(page, email, a11y=a11y)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()

    page.goto("/inloggen")
    a11y.check()
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page.get_by_role("heading", name="Wachtwoord vergeten")).to_be_visible()
    a11y.check()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("button", name="Stuur de link").click()
    expect(page.get_by_role("heading", name="Kijk in je mail")).to_be_visible()

    page.goto(mailed_link(app_db, email, "/wachtwoord-herstellen"))
    expect(page.get_by_role("heading", name="Nieuw wachtwoord kiezen")).to_be_visible()
    a11y.check()
    page.get_by_label("Nieuw wachtwoord").fill("wachtwoord")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_text("Dit wachtwoord is te bekend")).to_be_visible()
    page.get_by_label("Nieuw wachtwoord").fill("een fiets met een rode bel")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_text("Je wachtwoord is gewijzigd")).to_be_visible()

    page.goto("/inloggen")
    submit_login(page, email)
    expect(page.get_by_text("Het e-mailadres of het wachtwoord klopt niet.")).to_be_visible()
    log_in(page, email, "een fiets met een rode bel", a11y=a11y)


def test_a_reset_link_works_only_once(page: Page, a11y, app_db):
    member = create_member(app_db)
    page.goto("/wachtwoord-vergeten")
    page.get_by_label("E-mailadres").fill(member.email)
    page.get_by_role("button", name="Stuur de link").click()
    expect(page.get_by_role("heading", name="Kijk in je mail")).to_be_visible()
    a11y.check()
    link = mailed_link(app_db, member.email, "/wachtwoord-herstellen")
    page.goto(link)
    page.get_by_label("Nieuw wachtwoord").fill("de zon schijnt op de Breestraat")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_text("Je wachtwoord is gewijzigd")).to_be_visible()
    page.goto(link)
    expect(page.get_by_text("Deze link is verlopen of al gebruikt.")).to_be_visible()
    a11y.check()


def test_bad_sign_up_input_is_explained_at_the_field(page: Page, a11y):
    page.goto("/aanmelden")
    page.get_by_label("Je naam").fill("<b>Henk</b>")
    page.get_by_label("E-mailadres").fill("henk@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Gebruik in je naam alleen letters, cijfers en gewone leestekens.")).to_be_visible()
    expect(page.get_by_label("Je naam")).to_be_focused()
    page.get_by_label("Je naam").fill("Henk")
    page.get_by_label("E-mailadres").fill("henk@")
    page.get_by_role("button", name="Aanmelden").click()
    # The browser's own check may stop an invalid address first; either way nothing is sent.
    expect(page.get_by_role("heading", name="Kijk in je mail")).to_have_count(0)
    page.get_by_label("E-mailadres").fill("henk@example.org")
    page.get_by_label("Wachtwoord").fill("welkom01")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Dit wachtwoord is te bekend")).to_be_visible()
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Kies je buurt uit de lijst.")).to_be_visible()
    a11y.check()


def test_download_my_data_and_delete_my_account(page: Page, a11y, app_db):
    member = create_member(app_db, display_name="Henk B.")
    log_in(page, member.email, a11y=a11y)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download mijn gegevens").click()
    download = download_info.value
    assert download.suggested_filename == "mijn-buuv-gegevens.json"
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["email"] == member.email
    assert data["account"]["display_name"] == "Henk B."
    a11y.check()

    page.get_by_label("Typ je wachtwoord om te bevestigen").fill("niet mijn wachtwoord")
    page.get_by_role("button", name="Verwijder mijn account").click()
    expect(page.get_by_text("Je wachtwoord klopt niet.")).to_be_visible()
    page.get_by_label("Typ je wachtwoord om te bevestigen").fill(PASSWORD)
    page.get_by_role("button", name="Verwijder mijn account").click()
    expect(page.get_by_text("Je account is verwijderd.")).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    a11y.check()

    page.goto("/inloggen")
    submit_login(page, member.email)
    expect(page.get_by_text("Het e-mailadres of het wachtwoord klopt niet.")).to_be_visible()


def test_five_wrong_passwords_lock_the_account_with_a_clear_wait(page: Page, a11y, app_db):
    member = create_member(app_db)
    try:
        page.goto("/inloggen")
        for _ in range(5):
            page.get_by_label("E-mailadres").fill(member.email)
            page.get_by_label("Wachtwoord", exact=True).fill("fout fout fout")
            page.get_by_role("button", name="Inloggen").click()
            expect(page.get_by_text("Het e-mailadres of het wachtwoord klopt niet.")).to_be_visible()
            page.get_by_label("Wachtwoord", exact=True).fill("")
        page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        expect(page.get_by_text("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw")).to_be_visible()
        a11y.check()
    finally:
        app_db.exec(delete(AuthAttempt))
        app_db.commit()


def test_account_page_sends_visitors_to_log_in_first(page: Page, a11y):
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/inloggen\?next=%2Faccount$"))
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    a11y.check()
    a11y.passed_through("/account")


def test_after_logging_in_you_return_where_you_were_going(page: Page, a11y, app_db):
    member = create_member(app_db)
    page.goto("/inloggen?next=/buurt/merenwijk")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    a11y.check()
    submit_login(page, member.email)
    expect(page).to_have_url(re.compile(r"/buurt/merenwijk$"))
    expect(page.get_by_role("heading", level=1, name="Merenwijk")).to_be_visible()
    a11y.check()


def test_professional_appoints_an_ambassador_and_a_resident_cannot(page: Page, a11y, app_db):
    from sqlmodel import select

    from buuv_app.models import Municipality

    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    professional = create_member(app_db, display_name="Fatima", role=Role.PROFESSIONAL.value,
                                 municipality_id=leiden.id)
    resident = create_member(app_db, display_name="Kees")

    log_in(page, resident.email, a11y=a11y)
    page.goto("/beheer/ambassadeurs")
    expect(page.get_by_text("Deze pagina is alleen voor wijkprofessionals.")).to_be_visible()
    a11y.check()
    page.goto("/account")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    a11y.check()

    log_in(page, professional.email, a11y=a11y)
    page.get_by_role("link", name="Beheer").click()
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()  # the back office's start
    a11y.check()
    page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Ambassadeurs").click()
    expect(page.get_by_role("heading", name="Ambassadeurs", exact=True)).to_be_visible()
    page.get_by_label("E-mailadres van de bewoner").fill(resident.email)
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("button", name="Maak ambassadeur").click()
    expect(page.get_by_text("Kees is nu: ambassadeur.")).to_be_visible()
    expect(page.get_by_role("button", name="Rol intrekken: Kees")).to_be_visible()
    a11y.check()
    app_db.rollback()
    assert app_db.get(type(resident), resident.id).role == Role.AMBASSADOR.value


def test_an_unknown_confirmation_link_explains_what_to_do(page: Page, a11y):
    page.goto("/aanmelden/bevestigen?token=bestaat-niet")
    expect(page.get_by_role("heading", name="Deze link werkt niet meer")).to_be_visible()
    a11y.check()


def test_a_form_tapped_before_the_app_has_loaded_never_puts_the_password_in_the_address(page: Page):
    # The prerendered page without its JavaScript bundles: what a slow phone shows for a moment.
    page.route(re.compile(r"/assets/.*\.js(\?.*)?$"), lambda route: route.abort())
    page.goto("/inloggen")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_visible()
    page.get_by_label("E-mailadres").fill("riet@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill("geheim wachtwoord van riet")
    with page.expect_request(re.compile(r"/inloggen"), timeout=2000) as request:
        # Enter in a field: the browser's own way to send a form, which no style can stop.
        page.get_by_label("Wachtwoord", exact=True).press("Enter")
        page.evaluate("() => location.reload()")  # a navigation of our own, so there is always one
    assert "geheim" not in request.value.url
    assert "geheim" not in page.url


def test_a_button_tapped_before_the_app_has_started_waits_for_it_and_then_works(page: Page, app_db):
    """Pages are drawn from their HTML before the app's scripts arrive (buuv_app/first_paint.py): in
    that moment a button has nothing behind it yet, so a tap must not reach it (and be lost); once
    the app has started, the same tap goes through."""
    member = create_member(app_db)
    held: list = []
    page.route(re.compile(r"/assets/.*\.js(\?.*)?$"),
               lambda route: route.continue_() if held is None else held.append(route))
    page.goto("/inloggen", wait_until="commit")
    page.get_by_label("E-mailadres").fill(member.email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    button = page.get_by_role("button", name="Inloggen")
    expect(button).to_have_css("pointer-events", "none")
    with pytest.raises(PlaywrightTimeoutError, match="pointer events"):
        button.click(timeout=1500)  # Playwright finds nothing there to tap
    hint = page.get_by_role("status").filter(has_text="Even geduld: de pagina is bijna klaar.")
    heading = page.get_by_role("heading", name="Inloggen").bounding_box()
    page.mouse.click(heading["x"] + 5, heading["y"] + heading["height"] / 2)  # text, no control
    box = button.bounding_box()
    expect(hint).to_be_hidden()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a finger, as it is
    expect(hint).to_be_visible()  # said, not lost without a word
    routes, held = held, None
    for route in routes:
        route.continue_()
    expect(button).to_have_css("pointer-events", "auto")
    expect(hint).to_be_hidden()
    button.click()  # the fields filled before the app started are sent as they are
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible(timeout=LOGIN_TIMEOUT_MS)
    assert PASSWORD not in page.url

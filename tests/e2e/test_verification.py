"""Buur geverifieerd, on a phone: the keeper prints the board's sheet with this month's wijk code;
a resident types the code from the paper, gets the ★ badge and places a post for verified
neighbours only, which an unverified neighbour cannot see or answer; an ambassador confirms that
neighbour after meeting in person, and then they can."""

from __future__ import annotations

import io
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlmodel import select

from buuv_app.models import BoardAmbassador, BoardLocation, utcnow
from tests.e2e.auth import create_member, log_in

PHONE = {"width": 390, "height": 844}
BOARD = "voorbeeld-bibliotheek-merenwijk"
TITLE = "Wie wil mijn sleutel bewaren als ik op vakantie ben?"


def _phone(browser, browser_context_args) -> Page:
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    return context.new_page()


def test_a_resident_verifies_with_the_boards_code_and_an_ambassador_confirms_a_neighbour(
        page: Page, browser, browser_context_args, a11y, app_db):
    page.set_viewport_size(PHONE)
    board = app_db.exec(select(BoardLocation).where(BoardLocation.slug == BOARD)).one()
    keeper = create_member(app_db, display_name="Ahmed", role="ambassador")
    app_db.add(BoardAmbassador(board_id=board.id, user_id=keeper.id))
    app_db.commit()
    ria = create_member(app_db, display_name="Ria")
    henk = create_member(app_db, display_name="Henk")

    # The keeper prints the sheet (logged in: the code is on it) and hangs it on the board.
    keeper_page = _phone(browser, browser_context_args)
    log_in(keeper_page, keeper.email)
    printed = keeper_page.request.get(f"/api/boards/{BOARD}/sheet.pdf")
    assert printed.ok
    sheet = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.body())).pages)
    found = re.search(r"Wijkcode voor verificatie:\s*([2-9A-Z]{3}-[2-9A-Z]{3})", sheet)
    assert found, sheet[:500]
    code = found.group(1)

    # Ria reads it on the board and types it in (a typo first).
    log_in(page, ria.email, a11y=a11y)
    page.goto("/verifieer")
    expect(page.get_by_role("heading", level=1, name="Buur geverifieerd")).to_be_visible()
    a11y.check()
    page.get_by_label("Wijkcode van het prikbord").fill("ZZZ-ZZZ" if code != "ZZZ-ZZZ" else "YYY-YYY")
    page.get_by_role("button", name="Verifiëren").click()
    expect(page.get_by_text("Deze code klopt niet.")).to_be_visible()
    page.get_by_label("Wijkcode van het prikbord").fill(code.lower())
    page.get_by_role("button", name="Verifiëren").click()
    expect(page.get_by_text("Je bent geverifieerde buur van")).to_be_visible()
    expect(page.locator("#verification-status").get_by_text("Buur geverifieerd")).to_be_visible()
    a11y.check()

    # She places a request for verified neighbours only; her name carries the badge.
    page.goto("/hulp/nieuw")
    page.get_by_role("button", name="Klussen").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Beschrijving").fill("Twee weken in mei. Liefst iemand uit de Merenwijk.")
    page.get_by_label("Alleen geverifieerde buren").check()
    a11y.check()
    page.get_by_role("button", name="Plaatsen").click()
    expect(page).to_have_url(re.compile(r"/hulp/\d+$"))
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text("alleen geverifieerde buren")).to_be_visible()
    expect(page.locator("article .verified-badge")).to_be_visible()
    a11y.check()
    post_path = page.url.removeprefix(page.url.split("/hulp/")[0])

    # Henk is a member but not verified: not in the feed, not on its page, no way to answer.
    henk_page = _phone(browser, browser_context_args)
    log_in(henk_page, henk.email)
    henk_page.goto("/buurt/merenwijk")
    expect(henk_page.get_by_role("heading", level=1)).to_be_visible()
    expect(henk_page.get_by_role("link", name=TITLE)).to_have_count(0)
    henk_page.goto(post_path)
    expect(henk_page.get_by_text("Deze oproep bestaat niet (meer).")).to_be_visible()
    expect(henk_page.get_by_role("button", name="Reageer")).to_have_count(0)

    # The ambassador met Henk at the library and confirms him.
    keeper_page.goto("/verifieer")
    keeper_page.get_by_label("E-mailadres van de buur").fill(henk.email)
    keeper_page.get_by_label("Ontmoet (spreekuur, activiteit, bij het prikbord)").check()
    keeper_page.get_by_label("Op welke dag?").fill(_today())
    keeper_page.get_by_role("button", name="Bevestigen").click()
    expect(keeper_page.get_by_text("Bevestigd: deze buur is nu geverifieerd.").first).to_be_visible()

    # Now Henk sees the post, with Ria's badge, and may answer it.
    henk_page.goto(post_path)
    expect(henk_page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(henk_page.locator("article .verified-badge")).to_be_visible()
    henk_page.get_by_role("button", name="Reageer").click()
    expect(henk_page).to_have_url(re.compile(r"/berichten/\d+$"))
    expect(henk_page.get_by_role("heading", level=1, name=re.compile("Ria"))).to_be_visible()
    expect(henk_page.locator("h1 .verified-badge")).to_be_visible()
    henk_page.context.close()
    keeper_page.context.close()


def _today() -> str:
    return utcnow().astimezone(ZoneInfo("Europe/Amsterdam")).date().isoformat()

"""Scenarios with prikborden: a professional edits a board, an ambassador records a reaction that
came in on paper and the figures show it; the print page; the PDF over HTTP, read back."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import httpx
import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlmodel import select

from buuv_app.models import Municipality, Post
from buuv_app.services import boards, codes, posts, stats
from tests.e2e.auth import create_member, log_in, unique_email

pytestmark = pytest.mark.e2e

BOARD = "voorbeeld-bibliotheek-merenwijk"


def test_a_professional_edits_a_board_and_an_ambassador_records_a_paper_reaction(
        page: Page, browser, a11y, app_db, browser_context_args):
    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    professional = create_member(app_db, display_name="Fatima", role="professional", municipality_id=leiden.id)
    ambassador = create_member(app_db, email=unique_email("anouk"), display_name="Anouk de Ambassadeur",
                               role="ambassador")
    author = create_member(app_db, display_name="Truus")
    # The scenarios share one database: no words other scenarios search for (say "apotheek").
    post = posts.create_post(session=app_db, author=author, kind="request", title="Wie haalt mijn recept op?",
                             body="Het ligt klaar bij de huisarts in de Merenwijk.", category_slug="boodschappen",
                             neighbourhood_slug="merenwijk")

    log_in(page, professional.email, a11y=a11y)
    page.goto("/beheer/prikborden")
    expect(page.get_by_role("heading", name="Prikborden beheren")).to_be_visible()
    a11y.check()
    page.get_by_role("button", name="Bewerken: Voorbeeld: Bibliotheek Merenwijk").click()
    expect(page.get_by_role("heading", name="Prikbord bewerken")).to_be_visible()
    page.get_by_label("Naam").fill("Bibliotheek Merenwijk (BUUV-hoek)")
    page.get_by_label("Telefoonnummer van de ambassadeurs").fill("071 123 45 67")
    page.get_by_label("Anouk de Ambassadeur").check()
    page.get_by_label("Dit is een voorbeeld, nog geen echt prikbord").uncheck()
    a11y.check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Prikbord Bibliotheek Merenwijk (BUUV-hoek) is opgeslagen.")).to_be_visible()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Bibliotheek Merenwijk (BUUV-hoek)"))
    expect(card).to_contain_text("Anouk de Ambassadeur")
    a11y.check()

    # The ambassador, in another browser, records that someone answered on paper.
    context = browser.new_context(**browser_context_args)
    other = context.new_page()
    log_in(other, ambassador.email)
    other.goto("/ambassadeur/prikborden")
    expect(other.get_by_role("heading", name="Reactie via prikbord")).to_be_visible()
    expect(other.get_by_label("Prikbord")).to_have_value(BOARD)  # the only board Anouk keeps
    other.get_by_label("Code van de oproep").fill("buuv-12345")
    other.get_by_role("button", name="Reactie vastleggen").click()
    expect(other.get_by_text("Deze code kennen we niet.")).to_be_visible()
    other.get_by_label("Code van de oproep").fill(codes.display(post.short_code).lower())
    other.get_by_label("Notitie (mag leeg blijven)").fill("Meneer Jansen belde, hij haalt het recept dinsdag.")
    other.get_by_role("button", name="Reactie vastleggen").click()
    expect(other.get_by_role("status").filter(has_text="Vastgelegd:")).to_contain_text("Wie haalt mijn recept op?")
    context.close()
    app_db.rollback()
    assert app_db.get(Post, post.id).status == "in_contact"

    # The professional's figures count it.
    app_db.rollback()
    board_id = boards.get_board(session=app_db, slug=BOARD).id
    figures = stats.board_stats(session=app_db, board_ids=[board_id])[board_id]
    assert figures.paper_reactions.current >= 1
    page.reload()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Bibliotheek Merenwijk (BUUV-hoek)"))
    expect(card).to_contain_text(re.compile(rf"(?<!\d){figures.paper_reactions.current}\s*reacties via papier"))
    expect(card).to_contain_text(re.compile(rf"(?<!\d){figures.posts_on_sheet}\s*nu op het prikbord"))
    a11y.check()


def test_a_resident_cannot_manage_boards_or_record_paper_reactions(page: Page, a11y, app_db):
    resident = create_member(app_db, display_name="Kees")
    log_in(page, resident.email, a11y=a11y)
    page.goto("/beheer/prikborden")
    expect(page.get_by_text("Deze pagina is alleen voor wijkprofessionals.")).to_be_visible()
    a11y.check()
    page.goto("/ambassadeur/prikborden")
    expect(page.get_by_text("Deze pagina is voor ambassadeurs.")).to_be_visible()
    a11y.check()


def test_the_board_list_and_print_page_show_the_open_posts(page: Page, a11y, app_db):
    author = create_member(app_db, display_name="Zoë")
    post = posts.create_post(session=app_db, author=author, kind="offer", title="Ik help graag met de computer",
                             body="Geduldig en met koffie.", category_slug="computer", neighbourhood_slug="slaaghwijk")
    page.goto("/prikborden")
    expect(page.get_by_role("heading", name="Prikborden", exact=True)).to_be_visible()
    a11y.check()
    page.get_by_role("listitem").filter(has_text="Slaaghwijk").first.get_by_role(
        "link", name="Bekijk en print de oproepen").click()
    expect(page).to_have_url(re.compile(r"/prikborden/[a-z0-9-]+$"))
    expect(page.get_by_role("heading", name="Ik help graag met de computer")).to_be_visible()
    expect(page.get_by_text(codes.display(post.short_code))).to_be_visible()
    expect(page.get_by_role("img", name=f"QR-code naar deze oproep: {codes.display(post.short_code)}")).to_be_visible()
    expect(page.get_by_text("Reageren zonder internet?")).to_be_visible()
    a11y.check()
    page.goto("/prikborden/bestaat-niet")
    expect(page.get_by_text("Dit prikbord kennen we niet.")).to_be_visible()
    a11y.check()


def test_a_boards_pdf_holds_every_open_post_with_a_qr_code_to_it(app_url, app_db):
    author = create_member(app_db, display_name="Marieke")
    posts.create_post(session=app_db, author=author, kind="request", title="Wie leent mij een ladder? (één middag)",
                      body="Voor de dakgoot.", category_slug="lenen", neighbourhood_slug="zijlwijk-noord")
    shy = posts.create_post(session=app_db, author=author, kind="request", title="Alleen voor leden: verlegen vraag",
                            body="Liever niet op papier.", category_slug="gezelschap",
                            neighbourhood_slug="zijlwijk-noord", visibility="members")

    listing = httpx.get(f"{app_url}/api/boards", timeout=20)
    assert listing.status_code == 200
    entry = next(b for b in listing.json() if b["slug"] == BOARD)
    assert {"slug": "zijlwijk-noord", "name": "Zijlwijk-Noord"} in entry["neighbourhoods"]
    assert entry["sheet_pdf"] == f"/api/boards/{BOARD}/sheet.pdf"
    assert "ambassadors" not in entry and "phone" not in entry

    response = httpx.get(f"{app_url}{entry['sheet_pdf']}", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"buuv-prikbord-{BOARD}.pdf" in response.headers["content-disposition"]

    app_db.rollback()
    expected = boards.get_sheet(session=app_db, slug=BOARD).posts
    assert len(expected) > 4  # several pages: the demo posts and this one
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for item in expected:
        assert item.title in text and item.code in text, item.title
    assert shy.title not in text
    assert all("Bijgewerkt op" in page.extract_text() for page in reader.pages)

    decoded: list[str] = []
    for page in pypdfium2.PdfDocument(response.content):
        # Standard QR codes only: read for every format (or every QR family), a sheet now and then
        # gave a linear barcode or a Micro QR code as well (tests/unit/test_boards.py).
        image = page.render(scale=2).to_pil()
        decoded += [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCodeModel2)]
    # The codes lead to the running app (its BUUV_PUBLIC_URL), whatever address this test process
    # would print: compare where they lead on the site.
    assert all(url.startswith(f"{app_url}/c/") for url in decoded)
    on_site = lambda url: f"{urlsplit(url).path}?{urlsplit(url).query}"  # noqa: E731
    assert sorted(map(on_site, decoded)) == sorted(on_site(item.url) for item in expected)
    assert all(item.url.endswith(f"/c/{item.code}?bord={BOARD}") for item in expected)

    assert httpx.get(f"{app_url}/api/boards/bestaat-niet/sheet.pdf", timeout=20).status_code == 404

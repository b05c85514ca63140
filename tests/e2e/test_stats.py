"""Scenario: a professional reads the overview on a laptop, changes the period and the wijk, follows
an "act now" link and downloads a table and the research export; a resident and an ambassador are
refused. Also the screenshot the README shows (docs/beheer-overzicht.png)."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from buuv_app.models import Municipality, utcnow
from buuv_app.services import messaging, posts
from tests.e2e.auth import create_member, log_in, unique_email

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "beheer-overzicht.png"


@pytest.fixture
def browser_context_args(browser_context_args):
    # Professionals work on a laptop.
    return {**browser_context_args, "viewport": LAPTOP}


def _csv_rows(download) -> list[list[str]]:
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_a_professional_reads_the_overview_and_downloads_both_exports(page: Page, a11y, app_db):
    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    professional = create_member(app_db, display_name="Fatima", role="professional", municipality_id=leiden.id)
    ambassador = create_member(app_db, email=unique_email("anouk"), display_name="Anouk Wachtend", role="ambassador")
    author = create_member(app_db, display_name="Truus", created_at=utcnow() - timedelta(days=30))
    helper = create_member(app_db, display_name="Henk", created_at=utcnow() - timedelta(days=30))
    # A request nobody reacted to for five days, in the Merenwijk (Anouk lives there).
    waiting = posts.create_post(session=app_db, author=author, kind="request", title="Wie tilt mijn bank de trap op?",
                                body="Hij moet naar boven.", category_slug="klussen", neighbourhood_slug="merenwijk",
                                created_at=utcnow() - timedelta(days=5))
    # And one that got a reaction and was matched.
    helped = posts.create_post(session=app_db, author=author, kind="request", title="Wie rijdt mee naar de markt?",
                               body="Zaterdag.", category_slug="vervoer", neighbourhood_slug="merenwijk")
    messaging.start_conversation(session=app_db, user=helper, post_id=helped.id)
    posts.mark_matched(session=app_db, actor=author, post_id=helped.id)

    log_in(page, professional.email, a11y=a11y)
    page.get_by_role("link", name="Beheer").click()
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()
    expect(page.locator("#stats-place")).to_have_text("Leiden")
    act_now = page.get_by_role("region", name="Nu doen: wie kan ik aansporen?")
    row = act_now.get_by_role("row").filter(has_text=waiting.title)
    expect(row).to_contain_text("Anouk Wachtend")
    expect(row).to_contain_text("5")
    expect(page.get_by_role("img", name="Vragen en aanbod in de loop van de periode")).to_be_visible()
    a11y.check()
    if os.environ.get("BUUV_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOT), full_page=False)

    # Another period: twelve months, compared with the twelve before.
    page.get_by_label("Periode", exact=True).select_option("jaar")
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_label("Periode", exact=True)).to_have_value("jaar")
    year_ago = (utcnow() - timedelta(days=365)).year
    expect(page.get_by_text("vergeleken met")).to_contain_text(str(year_ago - 1))

    # One wijk: the Schenkwijk has no such request, the Merenwijk has.
    page.get_by_text("Wijken (geen keuze: alle wijken)").click()
    page.get_by_label("Schenkwijk", exact=True).check()
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("#stats-place")).to_have_text("Leiden: Schenkwijk")
    expect(act_now.get_by_role("row").filter(has_text=waiting.title)).to_have_count(0)
    page.get_by_label("Schenkwijk", exact=True).uncheck()  # the chosen wijken stay in sight
    page.get_by_label("Merenwijk", exact=True).check()
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("#stats-place")).to_have_text("Leiden: Merenwijk")
    expect(act_now.get_by_role("row").filter(has_text=waiting.title)).to_be_visible()
    a11y.check()

    # The act-now table as CSV, then the research export.
    with page.expect_download() as table:
        page.locator("#csv-nu-doen").click()
    rows = _csv_rows(table.value)
    assert rows[0][0] == "Oproep" and any(r[0] == waiting.title and r[2] == "Merenwijk" for r in rows[1:])
    with page.expect_download() as research:
        page.get_by_role("button", name="Onderzoeksexport (geanonimiseerd)").click()
    assert research.value.suggested_filename.startswith("buuv-onderzoek-")
    rows = _csv_rows(research.value)
    assert rows[0] == ["maand", "gemeente", "wijk", "categorie", "vragen", "aanbod", "matches", "deelnemers"]
    assert rows[1:] and all(r[2] == "Merenwijk" for r in rows[1:])
    text = Path(research.value.path()).read_text(encoding="utf-8-sig")
    for private in (waiting.title, "Truus", "Henk", author.email, str(waiting.id) + ";"):
        assert private not in text

    # "Wie kan ik aansporen?": the link leads to the request.
    act_now.get_by_role("link", name=waiting.title).click()
    expect(page.get_by_role("heading", name=waiting.title)).to_be_visible()
    a11y.check()
    assert ambassador.id  # (Anouk was named above as the wijk's ambassador)


@pytest.mark.parametrize("role", ["resident", "ambassador"])
def test_a_resident_or_an_ambassador_is_refused_the_overview(page: Page, a11y, app_db, role):
    person = create_member(app_db, email=unique_email(role), display_name="Kees", role=role)
    log_in(page, person.email, a11y=a11y)
    page.goto("/beheer")
    expect(page.get_by_text("Deze pagina is alleen voor wijkprofessionals en beheerders.")).to_be_visible()
    expect(page.get_by_role("heading", name="Overzicht")).to_have_count(0)
    expect(page.get_by_role("link", name="Beheer")).to_have_count(0)
    a11y.check()


def test_the_residents_pages_load_no_chart_code(page: Page, a11y):
    """The charts live in the back office's own chunk: a visit to the home page, a neighbourhood's
    feed and the boards never downloads them (first-load JS of / is in make bench)."""
    page.set_viewport_size({"width": 412, "height": 915})  # residents: on a phone
    scripts: list[str] = []

    def record(response):
        if response.request.resource_type == "script" and response.ok:
            try:
                scripts.append(response.text())
            except Exception:  # noqa: BLE001 (a redirect has no body)
                pass

    page.on("response", record)
    for path, heading in (("/", "Hulp vragen is heel gewoon"), ("/buurt/merenwijk", "Merenwijk"),
                          ("/prikborden", "Prikborden")):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        a11y.check()
    assert len(scripts) > 3
    assert not [s for s in scripts if "Toon als tabel" in s or "Van organiseren naar faciliteren" in s]

"""Scenario on a phone: "wie hielp?" names a neighbour from the conversation; another member opens
profiles through the names on the post (and a conversation links the other person's); a member writes her introduction and adds a photo; a
visitor is sent to log in first and comes back to the profile."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from buuv_app.models import Post, User
from tests.e2e.auth import PASSWORD, create_member, log_in, start_talk

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def photo_with_location(tmp_path) -> str:
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 9.0, 0.0)}  # GPS latitude: must not survive
    buffer = io.BytesIO()
    Image.new("RGB", (900, 900), (40, 120, 200)).save(buffer, "JPEG", exif=exif)
    path = tmp_path / "henk.jpg"
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_profiles_through_the_post_own_intro_and_photo_and_a_refused_visitor(
        page: Page, browser, browser_context_args, a11y, app_db, tmp_path, running):
    author, helper, post, conversation = start_talk(app_db, kind="request", title="Wie plakt mijn fietsband?",
                                         body="Achterband lek.", category="klussen")

    # Truus marks her request matched and names Henk, who wrote to her about it.
    log_in(page, author.email, a11y=a11y)
    page.goto(f"/hulp/{post.id}")
    page.get_by_text("Ik ben geholpen / het is gelukt").click()
    expect(page.get_by_role("group", name="Wie hielp?")).to_be_visible()
    page.get_by_label("Henk").check()
    page.get_by_label("Een bedankje op je oproep (mag leeg blijven)").fill("Henk plakte hem in tien minuten!")
    a11y.check()
    page.get_by_role("button", name="Zet op geholpen").click()
    expect(page.get_by_text("Geholpen! Deze vraag heeft een match gevonden.")).to_be_visible()
    expect(page.get_by_role("link", name="Henk")).to_have_attribute("href", f"/buur/{helper.id}")
    a11y.check()
    app_db.rollback()
    assert app_db.get(Post, post.id).helped_by_id == helper.id

    # Henk writes his introduction (HTML is refused, in Dutch, and nothing is saved) and adds a photo.
    henk_context = browser.new_context(**browser_context_args)
    henk = henk_context.new_page()
    log_in(henk, helper.email)
    intro = henk.get_by_label("Een korte introductie (mag leeg blijven)")
    intro.fill("Hoi <b>Henk</b>")
    henk.get_by_role("button", name="Introductie opslaan").click()
    expect(henk.get_by_text("Gebruik gewone tekst in je introductie, zonder HTML (zoals <b> of <a>).")).to_be_visible()
    app_db.rollback()
    assert app_db.get(User, helper.id).intro is None
    intro.fill("Gepensioneerd fietsenmaker, altijd in voor een klusje.")
    henk.get_by_role("button", name="Introductie opslaan").click()
    expect(henk.get_by_text("Je introductie is opgeslagen.")).to_be_visible()
    not_a_photo = tmp_path / "brief.jpg"
    not_a_photo.write_bytes(b"%PDF-1.4 geen foto")
    henk.locator("#profile-photo input[type=file]").set_input_files(str(not_a_photo))
    expect(henk.get_by_text("Dit bestand is geen foto. Kies een JPEG-, PNG- of WebP-bestand.")).to_be_visible()
    henk.locator("#profile-photo input[type=file]").set_input_files(photo_with_location(tmp_path))
    expect(henk.get_by_role("img", name="Je profielfoto")).to_be_visible()
    app_db.rollback()
    key = app_db.get(User, helper.id).photo_key
    assert key and not Image.open(running.upload_dir / f"{key}.jpg").getexif()
    # In his conversation with Truus, her name leads to her profile.
    henk.goto(f"/berichten/{conversation.id}")
    expect(henk.get_by_role("link", name="Truus", exact=True)).to_have_attribute("href", f"/buur/{author.id}")
    henk_context.close()

    # Ria, another member, opens Truus's profile from the post, then Henk's from "Geholpen door".
    ria = create_member(app_db, display_name="Ria")
    ria_context = browser.new_context(**browser_context_args)
    other = ria_context.new_page()
    log_in(other, ria.email)
    other.goto(f"/hulp/{post.id}")
    other.get_by_role("link", name="Truus", exact=True).click()
    expect(other).to_have_url(re.compile(rf"/buur/{author.id}$"))
    expect(other.get_by_role("heading", level=1, name="Truus")).to_be_visible()
    expect(other.locator("#profile-wijk")).to_have_text("Merenwijk")
    expect(other.locator("#profile-since")).to_contain_text("Lid sinds")
    expect(other.locator("#profile-was-helped")).to_contain_text("1")
    other.go_back()
    other.get_by_role("link", name="Henk", exact=True).click()
    expect(other.get_by_role("heading", level=1, name="Henk")).to_be_visible()
    expect(other.locator("#profile-helped")).to_contain_text("1")
    expect(other.get_by_text("Henk plakte hem in tien minuten!")).to_be_visible()
    expect(other.get_by_text("Gepensioneerd fietsenmaker, altijd in voor een klusje.")).to_be_visible()
    photo = other.get_by_role("img", name="Foto van Henk")
    expect(photo).to_be_visible()
    other.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert helper.email not in other.content()
    ria_context.close()

    # Truus sees a friendly "niet gevonden" for an id nobody has.
    page.goto("/buur/987654321")
    expect(page.get_by_text("Deze buur kennen we niet (meer). Misschien heeft hij of zij BUUV verlaten.")).to_be_visible()
    a11y.check()
    page.goto(f"/buur/{helper.id}")
    expect(page.get_by_role("heading", level=1, name="Henk")).to_be_visible()
    a11y.check()

    # A visitor is sent to log in, sees nothing of Henk, and comes back to his profile afterwards.
    visitor_context = browser.new_context(**browser_context_args)
    visitor = visitor_context.new_page()
    visitor.goto(f"/buur/{helper.id}")
    expect(visitor).to_have_url(re.compile(rf"/inloggen\?next=%2Fbuur%2F{helper.id}$"))
    expect(visitor.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert "fietsenmaker" not in visitor.content()
    visitor.get_by_label("E-mailadres").fill(ria.email)
    visitor.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    visitor.get_by_role("button", name="Inloggen").click()
    expect(visitor.get_by_role("heading", level=1, name="Henk")).to_be_visible()
    visitor_context.close()

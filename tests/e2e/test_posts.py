"""Scenario: a resident asks for help with a photo; neighbours find it; it ends as a match."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from buuv_app.models import Post
from tests.e2e.auth import create_member, log_in

pytestmark = pytest.mark.e2e


def photo_file(tmp_path) -> str:
    path = tmp_path / "boodschappen.jpg"
    image = Image.new("RGB", (1200, 900), (200, 120, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_request_with_a_photo_is_found_and_ends_as_a_match(page: Page, browser, a11y, app_db, tmp_path,
                                                              browser_context_args):
    author = create_member(app_db, display_name="Truus")
    log_in(page, author.email, a11y=a11y)

    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    a11y.check()
    page.get_by_role("link", name="Vraag om hulp").click()
    expect(page.get_by_role("heading", name="Hulp vragen")).to_be_visible()
    a11y.check()
    page.get_by_role("button", name="Boodschappen").click()
    expect(page.get_by_text("Bijvoorbeeld:")).to_be_visible()
    page.locator("input[type=file]").set_input_files(photo_file(tmp_path))
    expect(page.get_by_role("img", name="Gekozen foto")).to_be_visible()
    page.get_by_label("Titel").fill("Wie doet mijn apotheekrondje op vrijdag?")
    page.get_by_label("Beschrijving").fill("Mijn medicijnen liggen klaar bij de apotheek. <b>Dank!</b>")
    expect(page.get_by_label("Buurt")).to_have_value("merenwijk")  # home neighbourhood by default
    a11y.check()
    page.get_by_role("button", name="Plaatsen").click()

    expect(page).to_have_url(re.compile(r"/hulp/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Wie doet mijn apotheekrondje op vrijdag?")).to_be_visible()
    expect(page.get_by_text("<b>Dank!</b>")).to_be_visible()  # shown as text, not as HTML
    photo = page.get_by_role("img", name="Wie doet mijn apotheekrondje op vrijdag?")
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) > 0
    code = page.locator("code").inner_text()
    assert re.fullmatch(r"BUUV-[2-9A-Z]{5}", code)
    a11y.check()
    post_url = page.url

    page.goto("/buurt/merenwijk")
    expect(page.get_by_role("link", name="Wie doet mijn apotheekrondje op vrijdag?")).to_be_visible()
    a11y.check()

    # Another neighbour, in another browser, finds it with the filters and with search.
    other_context = browser.new_context(**browser_context_args)
    other = other_context.new_page()
    neighbour = create_member(app_db, display_name="Henk")
    log_in(other, neighbour.email)
    other.goto("/hulp")
    other.get_by_role("button", name=re.compile("^Vragen")).click()
    other.get_by_label("Categorie").select_option("boodschappen")
    other.get_by_label("Gemeente").select_option("leiden")
    other.get_by_role("button", name="Toon resultaten").click()
    expect(other).to_have_url(re.compile(r"soort=vraag.*categorie=boodschappen.*gemeente=leiden"))
    expect(other.get_by_role("link", name="Wie doet mijn apotheekrondje op vrijdag?")).to_be_visible()
    other.get_by_label("Zoeken").fill("APOTHEEK")
    other.get_by_role("button", name="Toon resultaten").click()
    expect(other.get_by_text("1 oproep gevonden")).to_be_visible()
    # The address carries the filters: a shared link shows the same list.
    shared = other.url
    other.goto(shared)
    expect(other.get_by_role("link", name="Wie doet mijn apotheekrondje op vrijdag?")).to_be_visible()
    other.get_by_role("link", name="Wie doet mijn apotheekrondje op vrijdag?").click()
    expect(other.get_by_role("button", name="Zet op geholpen")).to_have_count(0)  # not the author
    other_context.close()

    # The author marks it matched, with a thank-you.
    page.goto(post_url)
    page.get_by_text("Ik ben geholpen / het is gelukt").click()
    page.get_by_label("Iemand anders / via het prikbord").check()  # Henk never wrote online
    page.get_by_label("Naam (bij iemand anders; mag leeg blijven)").fill("Henk")
    page.get_by_label("Een bedankje op je oproep (mag leeg blijven)").fill("Dank je wel Henk, top geregeld!")
    page.get_by_role("button", name="Zet op geholpen").click()
    expect(page.get_by_text("Geholpen! Deze vraag heeft een match gevonden.")).to_be_visible()
    expect(page.get_by_text("Dank je wel Henk, top geregeld!")).to_be_visible()
    a11y.check()
    app_db.rollback()
    stored = app_db.exec(select(Post).where(Post.title == "Wie doet mijn apotheekrondje op vrijdag?")).one()
    assert (stored.status, stored.helped_by) == ("matched", "Henk")
    assert stored.photo_key


def test_a_members_only_post_is_invisible_to_visitors(page: Page, a11y, app_db):
    from buuv_app.services import posts

    author = create_member(app_db)
    shy = posts.create_post(session=app_db, author=author, kind="request", title="Wie komt eens langs voor een praatje?",
                            body="Ik zit veel alleen met mijn zonnebloemvaas.", category_slug="gezelschap", neighbourhood_slug="merenwijk",
                            visibility="members")
    page.goto(f"/hulp/{shy.id}")
    expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()
    a11y.check()
    page.goto("/hulp?q=zonnebloemvaas")
    expect(page.get_by_text("0 oproepen gevonden")).to_be_visible()
    expect(page.get_by_text("Wie komt eens langs voor een praatje?")).to_have_count(0)
    a11y.check()
    log_in(page, create_member(app_db).email, a11y=a11y)
    page.goto(f"/hulp/{shy.id}")
    expect(page.get_by_role("heading", name="Wie komt eens langs voor een praatje?")).to_be_visible()
    expect(page.get_by_text("alleen voor leden")).to_be_visible()
    a11y.check()


def test_a_short_code_from_a_paper_board_opens_the_post(page: Page, a11y, app_db):
    post = app_db.exec(select(Post).where(Post.visibility == "everyone")).first()
    page.goto(f"/c/buuv-{post.short_code.lower()}")
    expect(page).to_have_url(re.compile(rf"/hulp/{post.id}$"))
    expect(page.get_by_role("heading", level=1, name=post.title)).to_be_visible()
    a11y.check()
    a11y.passed_through(f"/c/buuv-{post.short_code.lower()}")
    page.goto("/c/BUUV-00000")
    expect(page.get_by_text("Deze code kennen we niet.")).to_be_visible()
    a11y.check()


def test_the_photo_of_a_members_only_post_is_refused_without_a_session(app_url, app_db, tmp_path, running,
                                                                        monkeypatch):
    import httpx

    from buuv_app.services import photos, posts

    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(running.upload_dir))  # where the app looks
    author = create_member(app_db)
    stored = photos.store_photo(data=open(photo_file(tmp_path), "rb").read())
    shy = posts.create_post(session=app_db, author=author, kind="offer", title="Foto alleen voor leden",
                            body="Zie foto.", category_slug="tuin", neighbourhood_slug="merenwijk",
                            visibility="members", photo_key=stored.key)
    assert shy.photo_key
    assert httpx.get(f"{app_url}/api/photos/{stored.key}", timeout=10).status_code == 404
    assert httpx.get(f"{app_url}/api/photos/../../etc/passwd", timeout=10).status_code == 404
    posts.update_post(session=app_db, actor=author, post_id=shy.id, title="Foto voor iedereen", body="Zie foto.",
                      visibility="everyone")
    response = httpx.get(f"{app_url}/api/photos/{stored.key}/thumb", timeout=10)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_author_edits_a_post_from_the_account_page(page: Page, a11y, app_db):
    from buuv_app.services import posts

    author = create_member(app_db)
    post = posts.create_post(session=app_db, author=author, kind="offer", title="Ik help met de tuin",
                             body="Snoeien en harken.", category_slug="overig", neighbourhood_slug="merenwijk")
    log_in(page, author.email, a11y=a11y)
    page.get_by_role("button", name="Bewerken: Ik help met de tuin").click()
    page.get_by_label("Titel").fill("Ik help met uw tuin, ook in de winter")
    page.get_by_label("Categorie").select_option("tuin")
    page.get_by_label("Alleen buren die zijn ingelogd").check()
    a11y.check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Je oproep is bijgewerkt.")).to_be_visible()
    app_db.rollback()
    stored = app_db.get(Post, post.id)
    assert (stored.title, stored.visibility) == ("Ik help met uw tuin, ook in de winter", "members")
    from buuv_app.models import Category

    assert stored.category_id == app_db.exec(select(Category.id).where(Category.slug == "tuin")).one()

"""Scenario: a post with a photo is closed; a visitor who opens it, or scans its code on a board,
learns only that it is no longer open, and the device lets go of its photo."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from buuv_app.services import codes, photos, posts
from tests.e2e.auth import create_member
from tests.e2e.device import wait_until_kept
from tests.e2e.test_pwa import wait_until_controlled

pytestmark = pytest.mark.e2e

TITLE = "Wie leent mij een kruiwagen?"
BODY = "Voor het zand in de achtertuin, zaterdagochtend."


def test_a_closed_post_shows_a_visitor_only_that_it_is_no_longer_open(page: Page, a11y, app_db, app_url, running,
                                                                      monkeypatch):
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(running.upload_dir))  # where the app looks
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(buffer, "JPEG")
    stored = photos.store_photo(data=buffer.getvalue())
    author = create_member(app_db, display_name="Kruiwagen-Kees")
    post = posts.create_post(session=app_db, author=author, kind="request", title=TITLE, body=BODY,
                             category_slug="tuin", neighbourhood_slug="merenwijk", photo_key=stored.key)
    photo = f"/api/photos/{stored.key}"

    # While it is open, a visitor sees it all and the device keeps the public photo.
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("img", name=TITLE)).to_be_visible()
    wait_until_controlled(page)
    page.reload()
    expect(page.get_by_role("img", name=TITLE)).to_be_visible()
    wait_until_kept(page, "buuv-public-v1", photo)

    posts.close_post(session=app_db, actor=author, post_id=post.id)

    for address in (f"/hulp/{post.id}", f"/c/{codes.display(post.short_code)}"):
        page.goto(address)
        expect(page.get_by_role("heading", name="Deze oproep is niet meer open")).to_be_visible()
        a11y.check()
        for secret in (TITLE, BODY, "Kruiwagen-Kees"):
            expect(page.get_by_text(secret)).to_have_count(0)
        expect(page.get_by_role("img", name=TITLE)).to_have_count(0)
        assert TITLE not in page.content() and BODY not in page.content()

    # The photo is not served to the visitor any more, and the device lets go of its copy. The first
    # look may still get the kept copy (it answers at once while the server is asked behind it); the
    # server's 404 to that look takes the copy away, and every look after that is refused.
    page.evaluate(f"fetch({photo!r}).then(response => response.status)")
    wait_until_kept(page, "buuv-public-v1", photo, kept=False)
    assert page.evaluate(f"fetch({photo!r}).then(response => response.status)") == 404

    page.context.add_cookies([{"name": "buuv_lang", "value": "en", "url": app_url}])
    page.goto(f"/c/{codes.display(post.short_code)}")
    expect(page.get_by_role("heading", name="This post is no longer open")).to_be_visible()
    expect(page.get_by_text(TITLE)).to_have_count(0)

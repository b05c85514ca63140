"""Phone screenshots for the README (390×844): `BUUV_SCREENSHOTS=docs make e2e` or
`BUUV_SCREENSHOTS=docs pytest tests/e2e/test_screenshots.py`. Skipped otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from buuv_app.models import utcnow
from buuv_app.services import messaging, posts, profiles, verification
from tests.e2e.auth import create_member, log_in, start_talk

OUT = os.environ.get("BUUV_SCREENSHOTS", "")
pytestmark = pytest.mark.skipif(not OUT, reason="set BUUV_SCREENSHOTS=<folder> to take README screenshots")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "device_scale_factor": 1}


def test_phone_screenshots(page: Page, a11y, app_db):
    out = Path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title="Boodschappen op zaterdag", body="Wie neemt zaterdag een kleine lijst mee van de Albert Heijn? Ik loop slecht.",
        category="boodschappen")
    messaging.send_message(session=app_db, user=helper, conversation_id=conversation.id, client_id="screen" * 4,
                           body="Dag Truus, ik kan zaterdagochtend. Zal ik om tien uur langskomen?")
    messaging.send_message(session=app_db, user=author, conversation_id=conversation.id, client_id="screen" * 5,
                           body="Graag! Ik leg de lijst klaar.")

    def shot(path: str, ready, name: str) -> None:
        page.goto(path)
        expect(ready()).to_be_visible()
        a11y.check()
        page.screenshot(path=str(out / f"phone-{name}.png"))

    shot("/", lambda: page.get_by_role("heading", level=1), "home")
    shot("/hulp", lambda: page.get_by_text("Boodschappen op zaterdag").first, "hulp")
    shot(f"/hulp/{post.id}", lambda: page.get_by_role("heading", name="Boodschappen op zaterdag"), "post")
    log_in(page, author.email, a11y=a11y)
    shot(f"/berichten/{conversation.id}", lambda: page.get_by_text("Ik leg de lijst klaar."), "conversation")
    shot("/hulp/nieuw", lambda: page.get_by_role("heading", level=1), "new-post")

    # Henk helped: Truus says who and thanks him; an ambassador met Henk at the community centre.
    posts.mark_matched(session=app_db, actor=author, post_id=post.id, helped_by_id=helper.id,
                       thank_you="Henk kwam precies op tijd en nam ook nog brood mee. Dank je wel!")
    profiles.update_intro(session=app_db, actor=helper,
                          intro="Gepensioneerd, woon al dertig jaar in de Merenwijk. Ik fiets graag en heb een auto.")
    ambassador = create_member(app_db, display_name="Ahmed", role="ambassador")
    verification.confirm_in_person(session=app_db, actor=ambassador, email=helper.email, meeting="meeting",
                                   met_on=utcnow().date())
    shot(f"/buur/{helper.id}", lambda: page.get_by_text("Buur geverifieerd").first, "profile")
    shot("/verifieer", lambda: page.get_by_role("heading", level=1, name="Buur geverifieerd"), "verify")

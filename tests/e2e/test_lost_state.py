"""Scenario: a tab left open longer than the server keeps its state (Reflex forgets a tab's state
after an idle hour; Redis restarting forgets them all) still belongs to its member, and the message
written in it arrives.

Before state/presence.py's LostStateMiddleware, "Versturen" in such a tab was handled as a visitor's
who is not logged in: the message was refused and the device's outbox emptied ("je bent niet meer
ingelogd"), although the member's session was fine. Here the app forgets idle tabs after
EXPIRY_SECONDS (REFLEX_REDIS_TOKEN_EXPIRATION; the same setting serves the default disk state manager).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from buuv_app.db import make_engine
from buuv_app.models import Message
from tests.appserver import running_app
from tests.e2e.auth import LOGIN_TIMEOUT_MS, start_talk, submit_login

pytestmark = pytest.mark.e2e

EXPIRY_SECONDS = 10
# The state manager looks for expired tabs at the latest one expiry after the last one it saw.
FORGOTTEN_WITHIN_S = 4 * EXPIRY_SECONDS


@pytest.fixture(scope="module")
def forgetful_app(own_app, tmp_path_factory):
    if not own_app:
        pytest.skip("needs an app of its own, one that forgets idle tabs within seconds")
    with running_app(tmp_path_factory.mktemp("forgetful"), purpose="test-forgetful",
                     REFLEX_REDIS_TOKEN_EXPIRATION=str(EXPIRY_SECONDS)) as app:
        yield app


def _stored_states(states_dir: Path) -> list[Path]:
    return list(states_dir.glob("**/*.pkl"))


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout} s")
        time.sleep(0.25)  # polling pace for a file system condition, not a wait for time to pass


def test_a_tab_the_server_forgot_keeps_its_member_and_sends_the_message(forgetful_app, browser,
                                                                       browser_context_args):
    engine = make_engine(forgetful_app.database_url)
    with Session(engine, expire_on_commit=False) as db:
        _, helper, _, conversation = start_talk(db, kind="request", title="Wie helpt met de tablet?",
                                                body="Ik kom er niet uit.", category="computer")
    context = browser.new_context(**{**browser_context_args, "base_url": forgetful_app.url})
    page = context.new_page()
    page.goto("/inloggen")
    submit_login(page, helper.email)
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible(timeout=LOGIN_TIMEOUT_MS)
    page.goto(f"/berichten/{conversation.id}")
    page.get_by_label("Je bericht").fill("Zal ik morgen komen?")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#chat-messages")).to_contain_text("Zal ik morgen komen?")

    # Henk leaves the tab open; the server forgets its state (kept in its states folder until then).
    states_dir = forgetful_app.web_dir.parent / "states"
    _wait_until(lambda: _stored_states(states_dir), 30, "the tab's state was not stored")
    _wait_until(lambda: not _stored_states(states_dir), FORGOTTEN_WITHIN_S, "the tab's state was not forgotten")

    # He comes back and writes again: the page reloads once to hand over his cookie, and the
    # outbox sends what waited.
    page.get_by_label("Je bericht").fill("Of liever overmorgen?")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#chat-messages")).to_contain_text("Of liever overmorgen?", timeout=20_000)
    expect(page.get_by_role("link", name="Mijn account")).to_contain_text("Henk")  # still logged in
    expect(page.get_by_role("heading", name="Truus")).to_be_visible()  # and in his conversation
    expect(page.get_by_text("je bent niet meer ingelogd")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/berichten/{conversation.id}$"))

    with Session(engine) as db:
        bodies = [m.body for m in db.exec(select(Message).where(Message.conversation_id == conversation.id)
                                          .order_by(Message.id)).all()]
    assert bodies == ["Zal ik morgen komen?", "Of liever overmorgen?"]  # stored once each
    context.close()
    engine.dispose()

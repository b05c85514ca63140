"""Helpers for browser scenarios with accounts: make members, log in, read mailed links."""

from __future__ import annotations

import itertools
import re
import time

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from buuv_app.models import Neighbourhood, OutboxMail
from buuv_app.services import mail
from tests.factories import make_member

PASSWORD = "koffie op het Stationsplein"
LOGIN_TIMEOUT_MS = 20_000
_numbers = itertools.count(1)


def unique_email(prefix: str = "buur") -> str:
    return f"{prefix}{next(_numbers)}-{int(time.time() * 1000) % 10**8}@example.org"


def create_member(db: Session, *, email: str | None = None, password: str = PASSWORD, **overrides):
    """A confirmed account in the running app's database, without going through sign-up."""
    merenwijk = db.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()
    return make_member(db, merenwijk, email=email or unique_email(), password=password, **overrides)


def start_talk(db: Session, *, kind: str, title: str, body: str, category: str):
    """Truus and Henk, members for a month (past the new-account limits), and a conversation: Henk
    replied to Truus's post in the Merenwijk. Returns (author, helper, post, conversation)."""
    from datetime import timedelta

    from buuv_app.models import utcnow
    from buuv_app.services import messaging, posts

    old = utcnow() - timedelta(days=30)
    author = create_member(db, display_name="Truus", created_at=old)
    helper = create_member(db, display_name="Henk", created_at=old)
    post = posts.create_post(session=db, author=author, kind=kind, title=title, body=body, category_slug=category,
                             neighbourhood_slug="merenwijk")
    return author, helper, post, messaging.start_conversation(session=db, user=helper, post_id=post.id)


def submit_login(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the login form on the page shown now (wherever it came from)."""
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def sign_up(page: Page, *, name: str, email: str, password: str = PASSWORD, wijk: str = "merenwijk") -> None:
    """Fill in and send the sign-up form on the page shown now; the mail is sent when it answers."""
    page.get_by_label("Je naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_label("Je buurt").select_option(wijk)
    page.get_by_label("Ik ga akkoord met de").check()
    page.get_by_label("Ik ben 16 jaar of ouder.").check()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Kijk in je mail")).to_be_visible()


def log_in(page: Page, email: str, password: str = PASSWORD, a11y=None) -> None:
    page.goto("/inloggen")
    if a11y is not None:
        expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
        a11y.check()
    submit_login(page, email, password)
    # The app hashes passwords for real (argon2id, RFC 9106 low-memory: 64 MiB, 3 passes), and the
    # account page loads after that: on a busy two-core machine the two together took longer than
    # Playwright's default 5 s (seen in a loop of test_messaging: logged in, the page still "Even
    # laden…"). A login is allowed LOGIN_TIMEOUT_MS (one that fails still fails, only later).
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible(timeout=LOGIN_TIMEOUT_MS)
    if a11y is not None:
        a11y.check()


def mailed_link(db: Session, to: str, path: str, timeout: float = 10.0) -> str:
    """The path + query of the newest link to `path` mailed to `to` (waits for it to arrive)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.rollback()  # end the read transaction: SQLite (WAL) would keep showing its snapshot
        for message in mail.list_outbox(session=db, to=to):
            found = re.search(rf"https?://[^/\s]+({re.escape(path)}\?token=[\w-]+(?:&next=[\w%.-]+)?)", message.body)
            if found:
                return found.group(1)
        time.sleep(0.2)
    sent = db.exec(select(OutboxMail.subject).where(OutboxMail.to_address == to)).all()
    raise AssertionError(f"no mail with a link to {path} for {to}; mails: {sent}")

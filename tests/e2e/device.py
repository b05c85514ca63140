"""Waiting for what offline.js keeps on the device, instead of waiting a while and hoping."""

from __future__ import annotations

from playwright.sync_api import Page

KEPT_PAGE = """([key, text]) => (localStorage.getItem("buuv:page:" + key) || "").includes(text)"""
KEPT_CHOICES = """() => !!localStorage.getItem("buuv:newpost-choices")"""
# The device's outboxes (assets/outbox.js): what waits there for the server's answer.
OUTBOX_MESSAGES, OUTBOX_POSTS = "buuv:outbox:messages", "buuv:outbox:posts"
OUTBOX_EMPTY = """key => JSON.parse(localStorage.getItem(key) || "[]").length === 0"""


def wait_for_offline_copy(page: Page, path: str, text: str = "") -> None:
    """Until the device keeps a copy of `path` (path + query, no trailing slash) with `text` in it:
    offline.js takes it once the page has settled."""
    page.wait_for_function(KEPT_PAGE, arg=[path, text], timeout=15_000)


def wait_for_offline_form_choices(page: Page) -> None:
    """Until the new-post form's categories and neighbourhoods are kept for offline use."""
    page.wait_for_function(KEPT_CHOICES, timeout=15_000)

"""Waiting for what the app keeps on the device (offline.js, sw.js), instead of waiting a while and hoping."""

from __future__ import annotations

import uuid
from typing import Any

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


# page.wait_for_function does not wait for a Promise to settle: any Promise is truthy, so a condition
# such as "caches.keys().then(names => ...)" is met at once, whatever it resolves to (a wait for the
# service worker to drop a photo passed before it had, tests/e2e/test_closed_posts.py). This
# predicate asks the async condition again whenever its last answer came back false, and is met once
# an answer is truthy; a condition that throws fails the wait. The token keeps each wait's answers
# apart.
ASKED_UNTIL_TRUE = """([token, arg]) => {
  const probes = (window.__buuvProbes ??= {});
  const probe = (probes[token] ??= { asking: false, met: false, error: null });
  if (probe.error) throw probe.error;
  if (probe.met) {
    delete probes[token];
    return true;
  }
  if (!probe.asking) {
    probe.asking = true;
    Promise.resolve(arg).then((CONDITION))
      .then((value) => { probe.met = Boolean(value); }, (error) => { probe.error = error; })
      .finally(() => { probe.asking = false; });
  }
  return false;
}"""


def wait_until_resolved(page: Page, condition: str, arg: Any = None, timeout: float | None = None) -> None:
    """Until `condition`, the source of a JavaScript function of `arg` that returns a Promise,
    resolves to something truthy (Playwright's wait_for_function would not wait for it)."""
    page.wait_for_function(ASKED_UNTIL_TRUE.replace("CONDITION", condition), arg=[uuid.uuid4().hex, arg],
                           timeout=timeout)


# The paths the service worker keeps in one of its caches (assets/sw.js).
CACHED_PATHS = "name => caches.open(name).then(cache => cache.keys()).then(keys => keys.map(k => new URL(k.url).pathname))"


def wait_until_kept(page: Page, cache: str, path: str, kept: bool = True) -> None:
    """Until the service worker's cache `cache` holds `path` (or, with kept=False, no longer does)."""
    holds = f"([cache, path, kept]) => ({CACHED_PATHS})(cache).then(paths => paths.includes(path) === kept)"
    wait_until_resolved(page, holds, arg=[cache, path, kept])


def wait_until_cache_gone(page: Page, cache: str) -> None:
    """Until the service worker's cache `cache` is gone (the member's, wiped at logout)."""
    wait_until_resolved(page, "name => caches.keys().then(names => !names.includes(name))", arg=cache)

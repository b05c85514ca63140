"""Browser harness: the real production app on a free port against a temporary database,
driven by Playwright on Chromium. Set BUUV_E2E_BASE_URL (or `make e2e BASE_URL=...`) to point
the same scenarios at an instance that is already running."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.appserver import chromium_launch_options

SERIOUS = {"serious", "critical"}
# Pages that only show a spinner and redirect at once; their own states (e.g. an expired link)
# are visited and checked by tests of their own.
TRANSIT = {"/aanmelden/bevestigen"}


@pytest.fixture(scope="session")
def base_url(app_url) -> str:
    # pytest-playwright resolves page.goto("/...") against this.
    return app_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **chromium_launch_options()}


_addresses = itertools.count(1)


@pytest.fixture
def browser_context_args(browser_context_args):
    # A phone-sized screen: most residents use BUUV on a phone. Each test's browser gets its own
    # client address (the app trusts one proxy hop), so one test's throttling never hits another.
    n = next(_addresses)
    return {
        **browser_context_args,
        "viewport": {"width": 412, "height": 915},
        "locale": "nl-NL",
        "accept_downloads": True,
        "extra_http_headers": {"X-Forwarded-For": f"198.51.100.{n % 250 + 1}"},
    }


def _path(url: str) -> str:
    return urlparse(url).path.rstrip("/") or "/"


class A11y:
    """Runs axe-core on the page as it is now; remembers which paths were checked."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.axe = Axe()
        self.checked: set[str] = set()
        self.visited: set[str] = set()
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.add(_path(frame.url)))

    def passed_through(self, path: str) -> None:
        """`path` only redirected elsewhere in this scenario (it is checked where it renders)."""
        self.checked.add(path.rstrip("/") or "/")

    def check(self) -> None:
        # Colours are measured as shown at rest: no hover left over from the last click, and
        # fades and colour transitions (a toast sliding in, a button turning solid) finished.
        # (Endless ones, like a spinner waiting for a server that is offline, never finish.)
        at_rest = ("document.getAnimations().every(a => a.playState !== 'running'"
                   " || a.effect?.getComputedTiming().iterations === Infinity)")
        self.page.mouse.move(0, 0)
        self.page.wait_for_function(at_rest, timeout=5000)
        self.page.wait_for_timeout(50)
        self.page.wait_for_function(at_rest, timeout=5000)
        results = self.axe.run(self.page)
        serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        self.checked.add(_path(self.page.url))
        assert not serious, "accessibility violations on {}:\n{}".format(
            self.page.url,
            "\n".join(
                f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}x] {v['nodes'][0]['target']} "
                f"{(v['nodes'][0].get('any') or [{}])[0].get('message', '')}"
                for v in serious
            ),
        )


@pytest.fixture
def a11y(page: Page) -> Iterator[A11y]:
    """Call `a11y.check()` on every page a scenario shows; the fixture fails a test that forgot one."""
    checker = A11y(page)
    yield checker
    # Client-side navigation does not always fire framenavigated; what did fire must be checked.
    unchecked = {path for path in checker.visited if path and path != "blank"} - checker.checked - TRANSIT
    assert not unchecked, f"pages visited without an accessibility check: {sorted(unchecked)}"

"""Browser harness: the real production app on a free port against a temporary database,
driven by Playwright on Chromium. Set BUUV_E2E_BASE_URL (or `make e2e BASE_URL=...`) to point
the same scenarios at an instance that is already running."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.appserver import chromium_launch_options, running_app

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """The base URL of a running BUUV app with demo data."""
    external = os.environ.get("BUUV_E2E_BASE_URL")
    if external:
        yield external.rstrip("/")
        return
    with running_app(tmp_path_factory.mktemp("e2e-app")) as url:
        yield url


@pytest.fixture(scope="session")
def own_app() -> bool:
    """True when the scenarios run against the app this harness started (with demo data)."""
    return not os.environ.get("BUUV_E2E_BASE_URL")


@pytest.fixture(scope="session")
def base_url(app_url) -> str:
    # pytest-playwright resolves page.goto("/...") against this.
    return app_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **chromium_launch_options()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A phone-sized screen: most residents use BUUV on a phone.
    return {**browser_context_args, "viewport": {"width": 412, "height": 915}, "locale": "nl-NL"}


class A11y:
    """Runs axe-core on the page as it is now; remembers which paths were checked."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.axe = Axe()
        self.checked: set[str] = set()
        self.visited: set[str] = set()
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.add(urlparse(frame.url).path))

    def check(self) -> None:
        results = self.axe.run(self.page)
        serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        self.checked.add(urlparse(self.page.url).path)
        assert not serious, "accessibility violations on {}:\n{}".format(
            self.page.url,
            "\n".join(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}x] {v['nodes'][0]['target']}" for v in serious),
        )


@pytest.fixture
def a11y(page: Page) -> Iterator[A11y]:
    """Call `a11y.check()` on every page a scenario shows; the fixture fails a test that forgot one."""
    checker = A11y(page)
    yield checker
    # Client-side navigation does not always fire framenavigated; what did fire must be checked.
    unchecked = {path for path in checker.visited if path and path != "blank"} - checker.checked
    assert not unchecked, f"pages visited without an accessibility check: {sorted(unchecked)}"

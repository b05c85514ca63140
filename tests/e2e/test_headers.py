"""The built app works under its own Content-Security-Policy (buuv_app/security/headers.py): the
feed loads, the websocket connects, a member logs in, and the browser reports no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.auth import create_member, log_in

pytestmark = pytest.mark.e2e

# Recorded from the first script the page runs: every CSP violation and every uncaught error.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def test_the_app_works_under_its_content_security_policy(page: Page, app_db):
    member = create_member(app_db, display_name="Cora")
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.add_init_script(LISTEN)

    response = page.goto("/hulp")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.get_by_role("main").get_by_role("listitem").first).to_be_visible()  # the feed, from the server
    assert any("/_event" in url for url in sockets)

    log_in(page, member.email)  # an event round trip over the websocket, a cookie set
    page.goto("/hulp")
    expect(page.get_by_role("main").get_by_role("listitem").first).to_be_visible()

    violations = page.evaluate("window.__csp")
    assert violations == [], violations
    assert errors == [], errors

"""The running app answers its health check (also a smoke test of a deployment)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_health_reports_the_database_reachable(app_url):
    response = httpx.get(f"{app_url}/api/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert response.headers["cache-control"] == "no-store"


def test_event_websocket_and_pages_share_one_port(app_url):
    assert httpx.get(f"{app_url}/ping", timeout=10).status_code == 200
    # (A prerendered page's address is first sent on to its folder, /buurt/merenwijk/.)
    assert httpx.get(f"{app_url}/buurt/merenwijk", timeout=10, follow_redirects=True).status_code == 200

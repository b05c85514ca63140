"""The files nginx serves itself (deploy/nginx/buuv.conf: pages, hashed assets, the service
worker) carry the same security headers as the app's own answers, and the caching each needs.

nginx alone on the loopback with a small static root: no backends are needed for static files.
Skipped where nginx is missing, except in CI (BUUV_REQUIRE_POSTGRES=1), where that fails the run.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from buuv_app.security import headers
from buuv_app.settings import Settings
from deploy.cluster import NGINX, free_port, nginx_config, wait_for
from tests.conftest import postgres_required

PUBLIC_URL = "https://buuv.example.nl"


@pytest.fixture
def nginx(tmp_path: Path):
    if not Path(NGINX).exists():
        if postgres_required():
            pytest.fail("nginx not installed (make nginx): CI must check the deployed headers")
        pytest.skip("nginx not installed (make nginx)")
    # nginx's workers run as another user where nginx starts as root: pytest's folders are private.
    root = Path(tempfile.mkdtemp(prefix="buuv-static-"))
    root.chmod(0o755)
    (root / "assets").mkdir(mode=0o755)
    (root / "assets" / "entry-abc123.js").write_text("console.log('buuv');\n")
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    (root / "index.html").write_text("<!doctype html><title>BUUV</title>\n")
    (root / "__spa-fallback.html").write_text("<!doctype html><title>BUUV</title><div id=root></div>\n")
    port = free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(workdir=tmp_path, listen=port, backends=[free_port()], static_root=root,
                                   public_url=PUBLIC_URL))
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log"),
                                "-g", "daemon off;"], start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError((tmp_path / "error.log").read_text())
        return httpx.get(url, timeout=1).status_code == 200

    wait_for(answers, 20, f"nginx did not answer on {url}")
    yield url
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize(("path", "cache_control"), [
    ("/", "no-cache"),
    ("/hulp", "no-cache"),  # a dynamic route: the single-page fallback
    ("/assets/entry-abc123.js", "public, max-age=31536000, immutable"),
    ("/sw.js", "no-cache, no-store, must-revalidate"),
])
def test_static_files_carry_the_apps_security_headers(nginx, path, cache_control):
    response = httpx.get(nginx + path)
    assert response.status_code == 200
    expected = headers.security_headers(Settings(public_url=PUBLIC_URL))
    assert "Strict-Transport-Security" in expected  # the public address is https
    for name, value in expected.items():
        assert response.headers.get(name) == value, name
    assert response.headers["cache-control"] == cache_control
    assert "wss://buuv.example.nl" in response.headers["content-security-policy"]


def test_a_missing_file_is_refused_with_the_headers_too(nginx):
    response = httpx.get(nginx + "/assets/missing-000.js")
    assert response.status_code == 404
    assert response.headers.get("x-frame-options") == "DENY"

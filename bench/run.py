"""Benchmarks: print performance figures and write them to bench/results.json.

Figures, not pass/fail: targets are read by people. `make bench` runs this.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.appserver import chromium_launch_options, running_app

RESULTS = Path(__file__).resolve().parent / "results.json"


def first_load_js(url: str) -> dict[str, dict]:
    """JavaScript the home page loads on a cold visit (fresh browser context, empty cache)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_options())
        context = browser.new_context()
        page = context.new_page()
        scripts: dict[str, bytes] = {}

        def record(response):
            if response.request.resource_type == "script" and response.ok:
                try:
                    scripts[response.url] = response.body()
                except Exception:  # noqa: BLE001 (a redirect or aborted body has no bytes)
                    pass

        page.on("response", record)
        page.goto(url, wait_until="networkidle")
        browser.close()
    raw = sum(len(body) for body in scripts.values())
    gzipped = sum(len(gzip.compress(body, compresslevel=9)) for body in scripts.values())
    return {
        "first_load_js_gzip_kb": {"value": round(gzipped / 1024, 1), "unit": "KB"},
        "first_load_js_raw_kb": {"value": round(raw / 1024, 1), "unit": "KB"},
        "first_load_js_files": {"value": len(scripts), "unit": "files"},
    }


def main() -> None:
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="buuv-bench-") as workdir:
        with running_app(Path(workdir)) as app:
            results.update(first_load_js(app.url))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    for name, figure in results.items():
        print(f"{name}: {figure['value']} {figure['unit']}")
    print(f"written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()

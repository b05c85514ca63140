"""The installable app on the production build: what a visit to the home page costs, cold and warm.

- first_load_js_gzip_kb (and raw size, file count): the home page's JavaScript on a cold visit;
- home_transfer_kb: everything the home page itself fetched on a cold visit (HTML, JS, CSS, images);
- pwa_install_kb: what the service worker then downloads in the background to precache the app
  (files the page already had cost a 304);
- cold_load_ms / warm_load_ms: first contentful paint of a first visit and of the next one (the app
  from the service worker's cache); cold_feed_ms / warm_feed_ms: until the first post card shows
  (its data comes over the websocket);
- blank_reflex_first_load_js_gzip_kb: the same first-load figure for a blank Reflex 0.10.1 app
  (Reflex's own blank template), built and served in the same run; first_load_js_vs_blank divides.

`python -m bench.pwa` runs only this part, on the demo data (make bench runs it on 100,000 posts).
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import tempfile
from pathlib import Path

import reflex_base
from playwright.sync_api import BrowserContext, sync_playwright
from reflex_base.compiler.templates import rxconfig_template

from bench import lighthouse, pinning
from tests.appserver import app_environment, chromium_launch_options, free_port, running_app, serving

VISITS = 5  # cold + warm pairs; medians are reported
FIRST_POST = "main li h3"
PHONE = {"viewport": {"width": 412, "height": 915}, "locale": "nl-NL"}
BLANK_TEMPLATE = Path(reflex_base.__file__).parent / ".templates" / "apps" / "blank"
# Notes the moment the first post card appears, without a round trip from the test to the page.
WATCH_FIRST_POST = """
new MutationObserver((_, observer) => {
  if (document.querySelector(%r)) { window.__firstPostAt = performance.now(); observer.disconnect(); }
}).observe(document, { childList: true, subtree: true });
""" % FIRST_POST


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


def _visit(context: BrowserContext, url: str) -> dict[str, float]:
    """Open the home page in a new tab: first paint, first post, bytes over the network."""
    page = context.new_page()
    received = [0]
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.loadingFinished", lambda event: received.__setitem__(0, received[0] + event["encodedDataLength"]))
    page.goto(url)
    page.wait_for_function("window.__firstPostAt !== undefined", timeout=60_000)
    page.wait_for_load_state("networkidle")
    figures = page.evaluate("""() => ({
        paint: performance.getEntriesByName("first-contentful-paint")[0].startTime,
        post: window.__firstPostAt,
    })""")
    page.close()
    return {"paint_ms": figures["paint"], "post_ms": figures["post"], "kb": received[0] / 1024}


def visits(url: str, repeat: int = VISITS) -> dict[str, dict]:
    """Cold visits (new browser profile) each followed by a warm one (same profile, new tab)."""
    cold: list[dict] = []
    warm: list[dict] = []
    installs: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_options())
        for _ in range(repeat):
            context = browser.new_context(**PHONE)
            context.add_init_script(WATCH_FIRST_POST)
            worker = [0.0]  # KB the service worker fetched over the network

            def count(request, worker=worker):
                if request.service_worker is not None:
                    sizes = request.sizes()
                    worker[0] += (sizes["responseBodySize"] + sizes["responseHeadersSize"]) / 1024

            context.on("requestfinished", count)
            cold.append(_visit(context, url))
            # Installed (every file precached) and in charge before the next visit.
            check = context.new_page()
            check.goto(url)
            check.wait_for_function("navigator.serviceWorker.controller !== null", timeout=120_000)
            check.close()
            installs.append(worker[0])
            before = worker[0]
            visit = _visit(context, url)
            visit["kb"] += worker[0] - before  # the page's own requests went through the worker
            warm.append(visit)
            context.close()
        browser.close()

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    return {
        "home_transfer_kb": {"value": round(median(cold, "kb"), 1), "unit": "KB"},
        "pwa_install_kb": {"value": round(statistics.median(installs), 1), "unit": "KB"},
        "warm_transfer_kb": {"value": round(median(warm, "kb"), 1), "unit": "KB"},
        "cold_load_ms": {"value": round(median(cold, "paint_ms")), "unit": "ms"},
        "warm_load_ms": {"value": round(median(warm, "paint_ms")), "unit": "ms"},
        "cold_feed_ms": {"value": round(median(cold, "post_ms")), "unit": "ms"},
        "warm_feed_ms": {"value": round(median(warm, "post_ms")), "unit": "ms"},
    }


def run(url: str) -> dict[str, dict]:
    """Every figure of the running BUUV app at `url`."""
    return {**first_load_js(url), **visits(url)}


def blank_first_load_js(workdir: Path, lighthouse_too: bool = False) -> dict[str, dict]:
    """Build and serve Reflex's blank template (what `reflex init --template blank` writes, which
    cannot download here) and measure its first-load JavaScript the same way (and, with
    `lighthouse_too`, its Lighthouse figures: bench/lighthouse.py `blank_reference`)."""
    root = workdir / "blank_reflex"
    (root / "blank").mkdir(parents=True)
    (root / "rxconfig.py").write_text(rxconfig_template(app_name="blank"))
    (root / "blank" / "__init__.py").write_text("")
    shutil.copy(BLANK_TEMPLATE / "code" / "blank.py", root / "blank" / "blank.py")
    shutil.copytree(BLANK_TEMPLATE / "assets", root / "assets")
    env = {**app_environment(f"sqlite:///{root / 'unused.db'}"),  # its own build, beside its code
           "REFLEX_WEB_WORKDIR": str(root / ".web"), "REFLEX_STATES_WORKDIR": str(root / ".states")}
    port = free_port()
    url = f"http://localhost:{port}"
    args = ["run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)]
    scores: dict[str, dict] = {}
    with serving(env, args, root / "reflex.log", url, cwd=root):
        figures = first_load_js(url)
        if lighthouse_too:
            pinning.arrange()  # the blank app's server to the server core, as BUUV's was
            scores = lighthouse.blank_reference(url)
    return {
        "blank_reflex_first_load_js_gzip_kb": figures["first_load_js_gzip_kb"],
        "blank_reflex_first_load_js_raw_kb": figures["first_load_js_raw_kb"],
        **scores,
    }


def compare_with_blank(results: dict[str, dict]) -> dict[str, dict]:
    ratio = results["first_load_js_gzip_kb"]["value"] / results["blank_reflex_first_load_js_gzip_kb"]["value"]
    return {"first_load_js_vs_blank": {"value": round(ratio, 2), "unit": "x"}}


TARGETS = {
    "first_load_js_vs_blank": "≤ 1.25",
    "pwa_install_kb": "≤ 400 KB",
    "warm_load_ms": "≤ 500 ms",
}


def main() -> None:
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="buuv-bench-pwa-") as workdir:
        with running_app(Path(workdir), purpose="bench") as app:
            results.update(run(app.url))
        results.update(blank_first_load_js(Path(workdir)))
    results.update(compare_with_blank(results))
    for name, figure in results.items():
        target = f"   (target {TARGETS[name]})" if name in TARGETS else ""
        print(f"{name}: {figure['value']} {figure['unit']}{target}")


if __name__ == "__main__":
    main()

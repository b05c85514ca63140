"""The installable app on Chromium: install criteria, the app offline, updates, and logout."""

from __future__ import annotations

import gzip
import io
import re
import uuid

import httpx
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from buuv_app import styles
from tests.e2e.auth import create_member, log_in
from tests.e2e.device import CACHED_PATHS, wait_until_cache_gone, wait_until_kept

pytestmark = pytest.mark.e2e

CONTROLLED = "navigator.serviceWorker.controller !== null"
# The route module the worker answers offline for a back-office page not on the device (assets/sw.js).
NOT_ON_DEVICE_STARTED = ("Object.values(window.__reactRouterRouteModules || {})"
                         ".some(module => module.default && module.default.name === 'NotOnThisDevice')")
SHELL_CACHES = "caches.keys().then(names => names.filter(name => name.startsWith('buuv-shell-')))"


def wait_until_controlled(page: Page) -> None:
    """The first visit installs the worker (it precaches the whole build) and it takes over."""
    page.wait_for_function(CONTROLLED, timeout=60_000)


def test_the_manifest_is_complete_and_the_page_meets_the_install_criteria(browser_type, browser_type_launch_args,
                                                                         app_url, tmp_path):
    manifest = httpx.get(f"{app_url}/manifest.webmanifest", timeout=10).json()
    assert (manifest["lang"], manifest["short_name"], manifest["display"]) == ("nl", "BUUV", "standalone")
    assert (manifest["start_url"], manifest["scope"]) == ("/", "/")
    assert (manifest["theme_color"], manifest["background_color"]) == (styles.THEME_COLOR, styles.BACKGROUND_COLOR)
    assert {s["name"] for s in manifest["shortcuts"]} == {"Vraag om hulp", "Berichten"}
    purposes = set()
    for icon in manifest["icons"]:
        response = httpx.get(f"{app_url}{icon['src']}", timeout=10)
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "maskable"), ("512x512", "maskable"), ("192x192", "any"), ("512x512", "any")} <= purposes

    for path in ("/", "/hulp", "/inloggen"):  # every page links the manifest and the icons
        head = httpx.get(f"{app_url}{path}", timeout=10, follow_redirects=True).text.split("</head>")[0]
        assert '<link href="/manifest.webmanifest" rel="manifest"/>' in head
        assert 'rel="apple-touch-icon"' in head and f'content="{styles.THEME_COLOR}" name="theme-color"' in head

    # Chromium's own verdict, in a normal (not incognito) profile as a phone would have it.
    context = browser_type.launch_persistent_context(tmp_path / "profile", **browser_type_launch_args)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{app_url}/")
        wait_until_controlled(page)
        page.reload()
        assert page.evaluate(CONTROLLED)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def offer_installation(page: Page) -> None:
    """What Chromium does when it would install the app (it never does so headless)."""
    page.evaluate("""() => {
        const event = new Event("beforeinstallprompt", { cancelable: true });
        event.prompt = () => { window.__installPrompted = true; return Promise.resolve(); };
        event.userChoice = Promise.resolve({ outcome: "accepted" });
        window.dispatchEvent(event);
    }""")


def test_the_install_button_shows_only_when_the_browser_offers_installation(page: Page, a11y):
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    install = page.get_by_role("button", name="Installeer")
    expect(install).to_be_hidden()
    offer_installation(page)
    expect(install).to_be_visible()
    expect(page.get_by_text("Zet BUUV op het beginscherm van je telefoon")).to_be_visible()
    a11y.check()
    install.click()
    assert page.evaluate("window.__installPrompted === true")
    expect(install).to_be_hidden()  # a prompt is shown once


def test_the_install_button_speaks_english_to_english_visitors(page: Page, a11y, app_url):
    page.context.add_cookies([{"name": "buuv_lang", "value": "en", "url": app_url}])
    page.goto("/")
    expect(page.get_by_role("heading", name="Asking for help is perfectly normal")).to_be_visible()
    offer_installation(page)
    expect(page.get_by_role("button", name="Install", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Installeer")).to_be_hidden()
    a11y.check()


def test_offline_the_app_still_starts_on_any_page(page: Page, context: BrowserContext):
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    wait_until_controlled(page)
    # The copy is taken once the page has been still for a moment; the worker, with a small
    # precache, may be in charge before that.
    page.wait_for_function("Object.keys(buuvOffline.pages()).includes('/')")
    context.set_offline(True)
    try:
        page.reload()
        # The page seen online is shown from the device's copy (assets/offline.js).
        offline_view = page.locator("#offline-view")
        expect(offline_view.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
        expect(offline_view.get_by_role("status")).to_contain_text("Offline — bijgewerkt om")
        # A prerendered page, and dynamic ones (served by the SPA fallback, rendered on the device),
        # none of them seen before: the app starts and says so. So does the back office, which is
        # not on the device until first opened (buuv_app/pwa/precache.py).
        for path, heading in (("/hulp", "Geen verbinding"), ("/hulp/nieuw", "Hulp vragen of aanbieden"),
                              ("/buurt/merenwijk", "Geen verbinding"), ("/hulp/1", "Geen verbinding"),
                              ("/beheer", "Geen verbinding")):
            response = page.goto(path)
            assert response is not None and response.ok, path
            expect(page.get_by_role("link", name="BUUV, naar de startpagina")).to_be_visible()
            expect(offline_view.get_by_role("heading", name=heading, level=1)).to_be_visible()
        # The back office's route module came from the worker's stub: the page started, where a
        # module that failed to load would have made React Router reload it again and again.
        page.wait_for_function(NOT_ON_DEVICE_STARTED)
    finally:
        context.set_offline(False)


@pytest.fixture
def new_build_of_the_worker(running):
    """Changes the built sw.js as a new build would (another version), and puts it back after."""
    if running is None:
        pytest.skip("changes the app's build on disk")
    built_worker = running.web_dir / "build" / "client" / "sw.js"
    originals = {path: path.read_bytes() for path in built_worker.parent.glob("sw.js*")}

    def publish() -> str:
        source = originals[built_worker].decode()
        old = re.search(r'"version": "(\w+)"', source).group(1)
        new = f"{old}{uuid.uuid4().hex[:4]}"
        text = source.replace(f'"version": "{old}"', f'"version": "{new}"', 1).encode()
        built_worker.write_bytes(text)
        for sidecar in originals:  # Reflex serves the precompressed copy when the browser accepts it
            if sidecar.suffix == ".gz":
                sidecar.write_bytes(gzip.compress(text))
            elif sidecar != built_worker:
                sidecar.unlink()
        return new

    yield publish
    for path, data in originals.items():
        path.write_bytes(data)


def test_after_a_new_build_the_app_offers_to_reload(page: Page, a11y, new_build_of_the_worker):
    page.goto("/")
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    wait_until_controlled(page)
    reload = page.get_by_role("button", name="Nieuwe versie — herladen")
    expect(reload).to_be_hidden()
    [old_shell] = page.evaluate(SHELL_CACHES)

    version = new_build_of_the_worker()
    page.evaluate("navigator.serviceWorker.getRegistration().then(registration => registration.update())")
    expect(reload).to_be_visible(timeout=60_000)
    expect(page.get_by_text("BUUV is bijgewerkt.")).to_be_visible()
    a11y.check()

    with page.expect_event("load"):
        reload.click()
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    expect(reload).to_be_hidden()
    # The new build's worker runs the page and the old build's cache is gone.
    assert page.evaluate(SHELL_CACHES) == [f"buuv-shell-{version}"] != [old_shell]
    a11y.check()


SEED_DEVICE = """async () => {
    await (await caches.open("buuv-user-v1")).put("/api/mine", new Response("mijn gesprekken"));
    await (await caches.open("buuv-drafts")).put("/api/draft", new Response("concept"));
    await (await caches.open("buuv-public-v1")).put("/api/photos/openbaar", new Response("foto"));
    localStorage.setItem("buuv-outbox", "[1]");
    sessionStorage.setItem("buuv-draft", "hallo");
    await new Promise((resolve, reject) => {
        const request = indexedDB.open("buuv-offline", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("feeds");
        request.onsuccess = () => { request.result.close(); resolve(); };
        request.onerror = reject;
    });
}"""

DEVICE = """async () => ({
    caches: (await caches.keys()).sort(),
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage).sort(),
    databases: (await indexedDB.databases()).map(database => database.name),
})"""


def test_logging_out_wipes_the_members_data_from_the_device(page: Page, a11y, app_db):
    member = create_member(app_db, display_name="Fatima")
    log_in(page, member.email, a11y=a11y)
    wait_until_controlled(page)
    page.evaluate(SEED_DEVICE)
    before = page.evaluate(DEVICE)
    assert {"buuv-user-v1", "buuv-drafts", "buuv-public-v1"} <= set(before["caches"])
    assert before["databases"] == ["buuv-offline"]

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    a11y.check()
    wait_until_cache_gone(page, "buuv-user-v1")
    after = page.evaluate(DEVICE)
    shell = [name for name in after["caches"] if name.startswith("buuv-shell-")]
    assert after["caches"] == sorted([*shell, "buuv-public-v1"]) and len(shell) == 1  # the app stays
    assert after["local"] == [] and after["databases"] == []
    assert "buuv-draft" not in after["session"]


def test_photos_are_kept_for_offline_and_members_only_ones_go_at_logout(page: Page, context: BrowserContext, a11y,
                                                                        app_db, running, monkeypatch):
    from buuv_app.services import photos, posts

    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(running.upload_dir))  # where the app looks
    author = create_member(app_db)
    shown = {}
    for visibility, colour in (("everyone", (40, 120, 200)), ("members", (200, 40, 120))):
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
        stored = photos.store_photo(data=buffer.getvalue())
        post = posts.create_post(session=app_db, author=author, kind="offer", title=f"Foto voor {visibility}",
                                 body="Zie de foto.", category_slug="tuin", neighbourhood_slug="merenwijk",
                                 visibility=visibility, photo_key=stored.key)
        shown[visibility] = (post, f"/api/photos/{stored.key}")

    member = create_member(app_db)
    log_in(page, member.email, a11y=a11y)
    wait_until_controlled(page)
    for post, _ in shown.values():
        page.goto(f"/hulp/{post.id}")
        expect(page.get_by_role("img", name=post.title)).to_be_visible()
        a11y.check()
    public, private = shown["everyone"][1], shown["members"][1]
    wait_until_kept(page, "buuv-public-v1", public)
    wait_until_kept(page, "buuv-user-v1", private)

    context.set_offline(True)
    try:  # the photo still shows without a connection
        assert page.evaluate(f"fetch({public!r}).then(response => response.status)") == 200
    finally:
        context.set_offline(False)

    page.goto("/account")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hulp vragen is heel gewoon")).to_be_visible()
    a11y.check()
    wait_until_cache_gone(page, "buuv-user-v1")
    assert public in page.evaluate(f"({CACHED_PATHS})('buuv-public-v1')")

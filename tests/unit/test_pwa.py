"""The installable app: the manifest and icons in assets/ are complete and up to date, and the
service worker's precache list covers every chunk a resident's page needs (the back office is
fetched when first opened)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from buuv_app import routes, styles
from buuv_app.pwa.files import asset_path, icon_files
from buuv_app.pwa.manifest import MANIFEST_PATH, build_manifest, manifest_text
from buuv_app.pwa.precache import PLACEHOLDER, precache_list, stamp_service_worker

ASSETS = asset_path("/")


def test_the_checked_in_manifest_is_the_generated_one():
    # After a change to manifest.py or styles.py: python -m buuv_app.pwa
    assert asset_path(MANIFEST_PATH).read_text(encoding="utf-8") == manifest_text()


def test_the_manifest_has_everything_a_phone_needs_to_install_the_app():
    manifest = build_manifest()
    assert manifest["lang"] == "nl"
    assert manifest["name"].startswith("BUUV") and manifest["short_name"] == "BUUV"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert (manifest["theme_color"], manifest["background_color"]) == (styles.THEME_COLOR, styles.BACKGROUND_COLOR)
    shortcuts = {shortcut["name"]: shortcut["url"] for shortcut in manifest["shortcuts"]}
    assert shortcuts["Vraag om hulp"].split("?")[0] == routes.NEW_POST
    assert shortcuts["Berichten"] == routes.INBOX
    kinds = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert kinds == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}


def test_every_icon_exists_at_its_stated_size():
    for icon in build_manifest()["icons"]:
        with Image.open(asset_path(icon["src"])) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            assert image.format == "PNG"


def test_maskable_icons_fill_the_square_and_plain_ones_are_round():
    # A phone cuts its own shape out of a maskable icon: transparent corners would show.
    for icon in build_manifest()["icons"]:
        with Image.open(asset_path(icon["src"])) as image:
            corner_alpha = image.convert("RGBA").getpixel((0, 0))[3]
            assert corner_alpha == (255 if icon["purpose"] == "maskable" else 0), icon["src"]
    with Image.open(asset_path("/apple-touch-icon.png")) as apple:
        assert apple.size == (180, 180) and apple.convert("RGBA").getpixel((0, 0))[3] == 255


def test_the_checked_in_icons_are_the_drawn_ones():
    for path, draw in icon_files().items():
        with Image.open(path) as image:
            assert image.convert("RGBA").tobytes() == draw().tobytes(), f"{path}: python -m buuv_app.pwa"


@pytest.fixture
def build(tmp_path) -> Path:
    """A small production build as Reflex leaves it: pages twice, sidecars, fonts, 404.html."""
    files = {
        "index.html": "<html>home</html>",
        "hulp/index.html": "<html>hulp</html>",
        "hulp.html": "<html>hulp</html>",
        "hulp/nieuw/index.html": "<html>nieuw</html>",
        "__spa-fallback.html": "<html>spa</html>",
        "404.html": "<html>spa</html>",
        "assets/root-abc.js": "root",
        "assets/_hulp_._index-def.js": "route",
        "assets/root-abc.js.gz": "gz",
        "assets/styles-123.css": "css",
        "assets/KaTeX_Main-Regular-xyz.woff2": "font",
        "icons/icon-192.png": "png",
        "icons/icon-512.png": "large png",
        "manifest.webmanifest": "{}",
        "pwa.js": "js",
        "sitemap.xml": "<xml/>",
        "sw.js": f"// worker\n{PLACEHOLDER}\nconsole.log(BUILD);\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_precache_holds_every_chunk_and_one_copy_of_each_page(build):
    listed = precache_list(build)
    assert set(listed["files"]) == {
        "/index.html", "/hulp/index.html", "/hulp/nieuw/index.html", "/__spa-fallback.html",
        "/assets/root-abc.js", "/assets/_hulp_._index-def.js", "/assets/styles-123.css",
        "/icons/icon-192.png", "/manifest.webmanifest", "/pwa.js",
    }
    assert listed["pages"] == {"/": "/index.html", "/hulp": "/hulp/index.html",
                               "/hulp/nieuw": "/hulp/nieuw/index.html"}
    assert listed["fallback"] == "/__spa-fallback.html"
    assert listed["onDemand"] == []  # no router manifest in this build: nothing left out


def test_the_wijken_pages_stay_out_of_the_precache_and_offline_the_fallback_draws_them(build):
    """Every wijk's page is prerendered (buuv_app/first_paint.py): 67 pages that every visitor
    would download. They count for the version, as every file does."""
    before = precache_list(build)
    for name in ("buurt/merenwijk/index.html", "buurt/merenwijk.html", "buurt/oude-dorp/index.html"):
        (build / name).parent.mkdir(parents=True, exist_ok=True)
        (build / name).write_text("<html>wijk</html>")
    listed = precache_list(build)
    assert not [f for f in listed["files"] if f.startswith("/buurt/")]
    assert not [p for p in listed["pages"] if p.startswith("/buurt/")]
    assert listed["files"] == before["files"] and listed["fallback"] == "/__spa-fallback.html"
    assert listed["version"] != before["version"]


def _router_manifest(build: Path) -> None:
    """React Router's manifest as the build writes it: the home page, a resident's page and two
    back-office ones, with a chunk the back office shares with a resident's page and one it alone uses."""
    def route(path, module, *imports):
        return {"id": module, "path": path, "module": f"/assets/{module}", "imports": list(imports)}
    manifest = {"entry": {"module": "/assets/entry.client-a.js", "imports": []}, "routes": {
        "root": route("", "root-abc.js"),
        "home": route(None, "_index-h.js", "/assets/card-c.js"),
        "hulp": route("hulp", "_hulp_._index-def.js", "/assets/card-c.js"),
        "beheer": route("beheer", "_beheer_._index-b.js", "/assets/card-c.js", "/assets/roles-r.js"),
        "ambassadeur": route("ambassadeur/buur/:neighbour_id", "_ambassadeur_._buur_.__neighbour_id_._index-n.js",
                             "/assets/roles-r.js"),
    }}
    (build / "assets/manifest-m.js").write_text(f"window.__reactRouterManifest={json.dumps(manifest)};")
    for name in ("_index-h.js", "card-c.js", "_beheer_._index-b.js", "roles-r.js",
                 "_ambassadeur_._buur_.__neighbour_id_._index-n.js"):
        (build / "assets" / name).write_text(name)
    (build / "beheer").mkdir()
    (build / "beheer/index.html").write_text("<html>beheer</html>")


def test_the_back_office_is_left_to_be_fetched_when_first_opened(build):
    _router_manifest(build)
    listed = precache_list(build)
    files = set(listed["files"])
    # What the back office alone needs waits; what a resident's page needs too is precached.
    assert {"/assets/_beheer_._index-b.js", "/assets/roles-r.js", "/beheer/index.html",
            "/assets/_ambassadeur_._buur_.__neighbour_id_._index-n.js"}.isdisjoint(files)
    assert {"/assets/card-c.js", "/assets/_index-h.js", "/assets/_hulp_._index-def.js",
            "/assets/manifest-m.js", "/index.html"} <= files
    assert "/beheer" not in listed["pages"] and listed["pages"]["/hulp"] == "/hulp/index.html"
    # The worker answers these route modules offline with a stub (never a reload loop).
    assert listed["onDemand"] == ["/assets/_ambassadeur_._buur_.__neighbour_id_._index-n.js",
                                  "/assets/_beheer_._index-b.js"]
    # A change in the back office is a new build all the same.
    before = listed["version"]
    (build / "assets/roles-r.js").write_text("roles, rebuilt")
    assert precache_list(build)["version"] != before


def test_the_version_changes_with_the_contents_of_any_file(build):
    before = precache_list(build)["version"]
    assert precache_list(build)["version"] == before
    (build / "assets/root-abc.js").write_text("root, rebuilt")
    assert precache_list(build)["version"] != before


def test_the_built_worker_gets_the_list_written_in(build):
    listed = stamp_service_worker(build)
    worker = (build / "sw.js").read_text()
    assert PLACEHOLDER not in worker
    line = next(line for line in worker.splitlines() if line.startswith("const BUILD = "))
    assert json.loads(line.removeprefix("const BUILD = ").rstrip(";")) == listed
    with pytest.raises(RuntimeError):
        stamp_service_worker(build)  # a worker without the placeholder is refused, not shipped half


def test_the_worker_in_assets_has_the_placeholder_once():
    assert (ASSETS / "sw.js").read_text(encoding="utf-8").count(PLACEHOLDER) == 1

"""PrecachePlugin: after each production build, write into the built sw.js what it must precache.

The service worker (assets/sw.js) starts with `const BUILD = null;`. After `reflex export` or
`reflex run --env prod`, this plugin replaces that line in the *built* copy with the build's version
and files, so that every new build changes sw.js itself: that is how browsers notice an update (they
compare sw.js byte for byte) and show "Nieuwe versie — herladen". In development the line stays
null and the worker caches nothing.

Precached: every JavaScript and CSS chunk that a resident's page can need (React Router loads
route modules lazily), one HTML file per prerendered page except the wijken's (/buurt/<slug>:
offline the SPA fallback draws them), the SPA fallback for dynamic routes (/hulp/12), and our own
assets (icons, manifest, scripts). Fonts are cached when first used instead
(there are none in the build since the Markdown pages are compiled to components,
components/document.py; rx.markdown brought KaTeX's, 1 MB in three formats).

The back office (ON_DEMAND_ROUTES: /beheer, /ambassadeur) is not precached: most who install the app
never open it, and it needs a connection anyway. Its route modules, the chunks only they import and
its prerendered pages are fetched when first opened and kept then (sw.js caches every /assets/ file
it fetches). Offline, a back-office page not opened before would fail to load its route module, and
React Router answers that with a reload, again and again: the worker answers such a module with a
stub instead (listed in `onDemand`), so the page starts and the offline view (assets/offline.js)
says it has not been opened on this device.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reflex_base.plugins.base import Plugin

from buuv_app import routes

PLACEHOLDER = "const BUILD = null;"
SERVICE_WORKER = "sw.js"
SPA_FALLBACK = "__spa-fallback.html"
PRECACHED_SUFFIXES = {".js", ".mjs", ".css", ".html", ".json", ".webmanifest", ".png", ".ico", ".svg", ".webp"}
COMPRESSED_SUFFIXES = {".gz", ".br", ".zst"}
# 404.html is a copy of the SPA fallback; sw.js is the worker itself.
SKIPPED_NAMES = {SERVICE_WORKER, "404.html"}
# The 512 px app icons are for installing (the splash screen): the browser fetches them itself
# then, and no page shows them, so they stay out of what every visitor downloads (37 KB).
NOT_PRECACHED = {"icons/icon-512.png", "icons/maskable-512.png"}
# Pages under these addresses are fetched when first opened (see above).
ON_DEMAND_ROUTES = (routes.MANAGE, routes.AMBASSADOR)
# Every wijk's page is prerendered (first_paint.py), 67 of them: offline, the SPA fallback draws
# them as it did before, so their HTML stays out of what every visitor downloads.
FALLBACK_DRAWN_PAGES = (routes.neighbourhood_url(""),)  # "/buurt/"
# React Router's list of routes, their modules and the chunks each imports (assets/manifest-<hash>.js).
ROUTER_MANIFEST_GLOB = "assets/manifest-*.js"


def page_url(relative: str) -> str | None:
    """The address a prerendered page answers to ("hulp/nieuw/index.html" -> "/hulp/nieuw")."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("/index.html")
    return None


def on_demand(address: str) -> bool:
    """Whether the page at `address` ("/beheer/meldingen") is left out of the precache."""
    return any(address == route or address.startswith(route + "/") for route in ON_DEMAND_ROUTES)


def router_routes(static_dir: Path) -> dict[str, dict]:
    """React Router's routes of this build ({id: {path, module, imports}}); empty when there is no
    manifest (then everything is precached, as before)."""
    found = sorted(static_dir.glob(ROUTER_MANIFEST_GLOB))
    if not found:
        return {}
    text = found[0].read_text(encoding="utf-8")  # window.__reactRouterManifest={...};
    return json.loads(text[text.index("{"):text.rindex("}") + 1])["routes"]


def on_demand_chunks(static_dir: Path) -> tuple[set[str], set[str]]:
    """(files, route modules) that only the ON_DEMAND_ROUTES need: a chunk that any other route
    imports stays precached."""
    needed_by: dict[bool, set[str]] = {True: set(), False: set()}
    modules: set[str] = set()
    for route in router_routes(static_dir).values():
        back_office = route.get("path") is not None and on_demand("/" + route["path"])
        needed_by[back_office].update([route["module"], *route.get("imports", [])])
        if back_office:
            modules.add(route["module"])
    files = needed_by[True] - needed_by[False]
    return files, modules & files


def precache_list(static_dir: Path) -> dict:
    """What the worker needs from this build: files to fetch, pages by address, the back office's
    route modules (`onDemand`, fetched when first opened), and a version that changes whenever any
    of the build's files does."""
    files: list[str] = []
    pages: dict[str, str] = {}
    digest = hashlib.sha256()
    later, modules = on_demand_chunks(static_dir)
    for path in sorted(static_dir.rglob("*")):
        relative = path.relative_to(static_dir).as_posix()
        if (not path.is_file() or path.suffix in COMPRESSED_SUFFIXES or path.name in SKIPPED_NAMES
                or path.suffix not in PRECACHED_SUFFIXES or relative in NOT_PRECACHED):
            continue
        # Every file counts for the version, also those fetched on demand: a new back office is
        # a new build too.
        digest.update(relative.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        if "/" + relative in later:
            continue
        if path.suffix == ".html":
            address = page_url(relative)
            if address is not None and (on_demand(address) or address.startswith(FALLBACK_DRAWN_PAGES)):
                continue
            if address is not None:
                pages[address] = "/" + relative
            elif relative != SPA_FALLBACK:
                continue  # "hulp.html" duplicates "hulp/index.html" (Reflex serves both)
        files.append("/" + relative)
    return {"version": digest.hexdigest()[:12], "files": files, "pages": pages,
            "fallback": "/" + SPA_FALLBACK, "onDemand": sorted(modules)}


def stamp_service_worker(static_dir: Path) -> dict:
    """Write the precache list into the built sw.js; returns it."""
    worker = static_dir / SERVICE_WORKER
    source = worker.read_text(encoding="utf-8")
    if PLACEHOLDER not in source:
        raise RuntimeError(f"{worker} has no line {PLACEHOLDER!r} to fill in: was it changed?")
    build = precache_list(static_dir)
    # The worker's own text is part of its version: a change to sw.js alone is an update too.
    build["version"] = hashlib.sha256((build["version"] + source).encode()).hexdigest()[:12]
    worker.write_text(source.replace(PLACEHOLDER, f"const BUILD = {json.dumps(build)};", 1), encoding="utf-8")
    return build


class PrecachePlugin(Plugin):
    """Reflex calls post_build after the production build, before it compresses the files."""

    def post_build(self, **context) -> None:
        stamp_service_worker(Path(context["static_dir"]))

"""PrecachePlugin: after each production build, write into the built sw.js what it must precache.

The service worker (assets/sw.js) starts with `const BUILD = null;`. After `reflex export` or
`reflex run --env prod`, this plugin replaces that line in the *built* copy with the build's version
and files, so that every new build changes sw.js itself: that is how browsers notice an update (they
compare sw.js byte for byte) and show "Nieuwe versie — herladen". In development the line stays
null and the worker caches nothing.

Precached: every JavaScript and CSS chunk (React Router loads route modules lazily; one missing
chunk and an offline visit to another route fails), one HTML file per prerendered page, the SPA
fallback for dynamic routes (/hulp/12), and our own assets (icons, manifest, scripts). Fonts are
cached when first used instead: the only ones in the build are KaTeX's, in three formats, 1 MB
that rx.markdown brings along and our pages never show.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reflex_base.plugins.base import Plugin

PLACEHOLDER = "const BUILD = null;"
SERVICE_WORKER = "sw.js"
SPA_FALLBACK = "__spa-fallback.html"
PRECACHED_SUFFIXES = {".js", ".mjs", ".css", ".html", ".json", ".webmanifest", ".png", ".ico", ".svg", ".webp"}
COMPRESSED_SUFFIXES = {".gz", ".br", ".zst"}
# 404.html is a copy of the SPA fallback; sw.js is the worker itself.
SKIPPED_NAMES = {SERVICE_WORKER, "404.html"}


def page_url(relative: str) -> str | None:
    """The address a prerendered page answers to ("hulp/nieuw/index.html" -> "/hulp/nieuw")."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("/index.html")
    return None


def precache_list(static_dir: Path) -> dict:
    """What the worker needs from this build: files to fetch, pages by address, and a version
    that changes whenever any of their contents does."""
    files: list[str] = []
    pages: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in sorted(static_dir.rglob("*")):
        relative = path.relative_to(static_dir).as_posix()
        if (not path.is_file() or path.suffix in COMPRESSED_SUFFIXES or path.name in SKIPPED_NAMES
                or path.suffix not in PRECACHED_SUFFIXES):
            continue
        if path.suffix == ".html":
            address = page_url(relative)
            if address is not None:
                pages[address] = "/" + relative
            elif relative != SPA_FALLBACK:
                continue  # "hulp.html" duplicates "hulp/index.html" (Reflex serves both)
        files.append("/" + relative)
        digest.update(relative.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return {"version": digest.hexdigest()[:12], "files": files, "pages": pages,
            "fallback": "/" + SPA_FALLBACK}


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

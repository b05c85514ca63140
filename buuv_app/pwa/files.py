"""The generated files under assets/: where each one goes and how it is made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image

from buuv_app.pwa.icons import draw_icon
from buuv_app.pwa.manifest import APPLE_TOUCH_ICON_SIZE, ICON_SIZES, MANIFEST_PATH, icon_url, manifest_text
from buuv_app.settings import PROJECT_ROOT

ASSETS = PROJECT_ROOT / "assets"


def asset_path(url: str) -> Path:
    """assets/ is served at the site root."""
    return ASSETS / url.lstrip("/")


def icon_files() -> dict[Path, Callable[[], Image.Image]]:
    files: dict[Path, Callable[[], Image.Image]] = {
        asset_path(icon_url(size, maskable)): (lambda size=size, maskable=maskable: draw_icon(size, maskable))
        for maskable in (False, True)
        for size in ICON_SIZES
    }
    # iOS ignores the manifest's icons and shows transparency as black: a full square.
    files[asset_path("/apple-touch-icon.png")] = lambda: draw_icon(APPLE_TOUCH_ICON_SIZE, maskable=True)
    return files


def write_assets() -> list[Path]:
    written = []
    manifest = asset_path(MANIFEST_PATH)
    manifest.write_text(manifest_text(), encoding="utf-8")
    written.append(manifest)
    for path, draw in icon_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        draw().save(path, optimize=True)
        written.append(path)
    return written

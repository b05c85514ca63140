"""The web app manifest (/manifest.webmanifest): name, colours, icons and shortcuts, in Dutch."""

from __future__ import annotations

import json

from buuv_app import routes, styles

MANIFEST_PATH = "/manifest.webmanifest"
ICON_SIZES = (192, 512)
APPLE_TOUCH_ICON_SIZE = 180


def icon_url(size: int, maskable: bool = False) -> str:
    return f"/icons/{'maskable' if maskable else 'icon'}-{size}.png"


def build_manifest() -> dict:
    """The manifest as a dict. Dutch only: it is read by the phone when installing, before the app
    knows the visitor's language."""
    icons = [
        {"src": icon_url(size, maskable), "sizes": f"{size}x{size}", "type": "image/png",
         "purpose": "maskable" if maskable else "any"}
        for maskable in (False, True)
        for size in ICON_SIZES
    ]
    shortcut_icon = [{"src": icon_url(192), "sizes": "192x192", "type": "image/png"}]
    return {
        "id": routes.HOME,
        "name": "BUUV: buren helpen buren",
        "short_name": "BUUV",
        "description": "Burenhulp in Leiden en Leiderdorp: vraag of bied hulp aan je buren.",
        "lang": "nl",
        "dir": "ltr",
        "start_url": routes.HOME,
        "scope": routes.HOME,
        "display": "standalone",
        "theme_color": styles.THEME_COLOR,
        "background_color": styles.BACKGROUND_COLOR,
        "categories": ["social", "lifestyle"],
        "icons": icons,
        "shortcuts": [
            {"name": "Vraag om hulp", "url": f"{routes.NEW_POST}?soort={routes.KIND_WORDS['request']}",
             "icons": shortcut_icon},
            {"name": "Berichten", "url": routes.INBOX, "icons": shortcut_icon},
        ],
    }


def manifest_text() -> str:
    """The file as it is checked into assets/ (stable key order, one trailing newline)."""
    return json.dumps(build_manifest(), ensure_ascii=False, indent=2) + "\n"

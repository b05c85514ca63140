"""Category icons: one static SVG sprite (assets/category-icons.svg) that every card points into.

Drawing a lucide-react component per card cost up to a second of script on /hulp on a phone
(Lighthouse: `createLucideIcon`). The dozen category icons never change, so they ship once as
<symbol>s in a file the browser (and the service worker) caches, and a card is an <svg><use>:
two plain elements. The sprite is made from the same Lucide SVGs the printed sheets draw
(buuv_app/printing/icons/); `python -m buuv_app.components.icons` writes it again after an icon
changes (tests/unit/test_icons.py checks that it is up to date).
"""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path

import reflex as rx
from reflex.vars import Var

from buuv_app.services.seed import SEED_DIR

FALLBACK_ICON = "circle-help"
# The printed sheets' copies of the Lucide icons (the same files, read as data: no code imported).
SOURCE_DIR = Path(__file__).resolve().parents[1] / "printing" / "icons"
SPRITE_FILE = Path(__file__).resolve().parents[2] / "assets" / "category-icons.svg"
SPRITE_URL = "/category-icons.svg"
SVG_NS = "http://www.w3.org/2000/svg"
# Lucide's drawing style, set on each <svg> that shows an icon (the symbols inherit it).
STROKE = {"fill": "none", "stroke": "currentColor", "stroke_width": "2", "stroke_linecap": "round",
          "stroke_linejoin": "round"}


@lru_cache
def known_icons() -> tuple[str, ...]:
    with (SEED_DIR / "categories.toml").open("rb") as handle:
        categories = tomllib.load(handle)["category"]
    return tuple(dict.fromkeys([*(category["icon"] for category in categories), FALLBACK_ICON]))


def sprite_text() -> str:
    """The sprite: one <symbol id="<name>"> per known icon, its shapes copied from SOURCE_DIR."""
    ElementTree.register_namespace("", SVG_NS)
    lines = ['<svg xmlns="http://www.w3.org/2000/svg">',
             "<!-- Lucide icons (ISC licence, buuv_app/printing/icons/LICENSE); written by "
             "python -m buuv_app.components.icons -->"]
    for name in known_icons():
        source = ElementTree.parse(SOURCE_DIR / f"{name}.svg").getroot()
        shapes = "".join(ElementTree.tostring(shape, encoding="unicode").replace(f' xmlns="{SVG_NS}"', "").strip()
                         for shape in source)
        lines.append(f'<symbol id="{name}" viewBox="{source.get("viewBox")}">{shapes}</symbol>')
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def category_icon(icon: Var, size: int = 20) -> rx.Component:
    """The icon named by `icon` (a category's icon field), decorative for screen readers."""
    href = rx.match(icon, *[(name, f"{SPRITE_URL}#{name}") for name in known_icons()],
                    f"{SPRITE_URL}#{FALLBACK_ICON}")
    return rx.el.svg(rx.el.svg.use(href=href), width=str(size), height=str(size), view_box="0 0 24 24",
                     aria_hidden="true", flex_shrink="0", custom_attrs={**STROKE, "focusable": "false"})


if __name__ == "__main__":
    SPRITE_FILE.write_text(sprite_text(), encoding="utf-8")
    print(f"written {SPRITE_FILE}")

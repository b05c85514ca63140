"""Category icons: lucide icons must be known when the page is compiled."""

from __future__ import annotations

import tomllib
from functools import lru_cache

import reflex as rx
from reflex.vars import Var

from buuv_app.services.seed import SEED_DIR

FALLBACK_ICON = "circle-help"


@lru_cache
def known_icons() -> tuple[str, ...]:
    with (SEED_DIR / "categories.toml").open("rb") as handle:
        categories = tomllib.load(handle)["category"]
    return tuple(dict.fromkeys(category["icon"] for category in categories))


def category_icon(icon: Var, size: int = 20) -> rx.Component:
    """The icon named by `icon` (a category's icon field), decorative for screen readers."""
    return rx.match(
        icon,
        *[(name, rx.icon(name, size=size, aria_hidden="true")) for name in known_icons()],
        rx.icon(FALLBACK_ICON, size=size, aria_hidden="true"),
    )

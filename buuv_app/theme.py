"""Radix Themes with what BUUV uses only: a stylesheet a phone can fetch and parse quickly.

Radix's styles.css carries all 31 colour scales (35 KB of its 86 KB gzipped), every component and
every prop value once more per breakpoint, and a browser must have all of it before it draws
anything. This plugin imports the same parts of the same package (tokens, components, utilities)
but only the colour scales in styles.THEME_COLORS, and adds a PostCSS step to the frontend build
(buuv_app/radix_css_trim.js) that drops the rules for components and breakpoints the compiled
pages never use: 628 KB of CSS (63 KB gzipped) becomes about a third of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reflex_components_radix.plugin import RadixThemesPlugin

from buuv_app import styles

PACKAGE = "@radix-ui/themes"
TRIM_PLUGIN = Path(__file__).with_name("radix_css_trim.js")
TRIM_PLUGIN_FILE = "buuv-radix-css-trim.js"  # in the frontend build folder, beside postcss.config.js


class RadixThemesSubset(RadixThemesPlugin):
    """rx.plugins.RadixThemesPlugin whose stylesheet is styles.css without the unused colours."""

    def get_stylesheet_paths(self, **context) -> Sequence[str]:
        if not self.enabled:
            return ()
        colours = [f"{PACKAGE}/tokens/colors/{name}.css" for name in dict.fromkeys(styles.THEME_COLORS)]
        return (f"{PACKAGE}/tokens/base.css", *colours, f"{PACKAGE}/components.css", f"{PACKAGE}/utilities.css")

    def get_static_assets(self, **context) -> Sequence[tuple[Path, str]]:
        return [(Path(TRIM_PLUGIN_FILE), TRIM_PLUGIN.read_text(encoding="utf-8"))] if self.enabled else []

    def pre_compile(self, **context) -> None:
        super().pre_compile(**context)
        if self.enabled:
            context["add_modify_task"]("postcss.config.js", add_trim_to_postcss_config)


def add_trim_to_postcss_config(config: str) -> str:
    """postcss.config.js with the trim step right after postcss-import (which inlines Radix's files)."""
    entry = f'"./{TRIM_PLUGIN_FILE}": {{}},'
    if entry in config:
        return config
    anchor = '"postcss-import": {},'
    if anchor not in config:
        raise RuntimeError(f"postcss.config.js has no {anchor!r} line to put the Radix trim after: did Reflex change it?")
    return config.replace(anchor, f"{anchor}\n    {entry}", 1)

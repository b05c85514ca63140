"""What the pages are built from: Markdown documents as components, the icon sprite, the theme's colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from buuv_app import styles
from buuv_app.components.document import markdown_document
from buuv_app.components.icons import SPRITE_FILE, known_icons, sprite_text
from buuv_app.theme import RadixThemesSubset

APP_DIR = Path(__file__).resolve().parents[2] / "buuv_app"
ASSETS_DIR = APP_DIR.parent / "assets"
RADIX_COLOURS = ("tomato red ruby crimson pink plum purple violet iris indigo blue cyan teal jade green grass brown "
                 "orange sky mint lime yellow amber gold bronze gray mauve slate sage olive sand").split()


def test_a_document_is_compiled_to_headings_paragraphs_lists_and_links() -> None:
    compiled = str(markdown_document("# Titel\n\nTekst met **vet** en [een link](/privacy).\n\n- een\n- twee\n"))
    assert 'as:"h1"' in compiled and '"Titel"' in compiled
    assert 'jsx("strong",{},"vet")' in compiled
    assert 'to:"/privacy"' in compiled  # an app link: React Router, no page load
    assert compiled.count('jsx("li"') == 2
    assert "ReactMarkdown" not in compiled


def test_a_document_refuses_markdown_it_cannot_show_as_intended() -> None:
    with pytest.raises(ValueError, match="not supported"):
        markdown_document("<div>rauwe html</div>\n")


@pytest.mark.parametrize("path", sorted((APP_DIR / "content").glob("*.md")), ids=lambda path: path.name)
def test_every_legal_text_compiles(path: Path) -> None:
    assert markdown_document(path.read_text(encoding="utf-8")).children


def test_the_icon_sprite_is_up_to_date_and_has_every_category_icon() -> None:
    assert SPRITE_FILE.read_text(encoding="utf-8") == sprite_text(), "run python -m buuv_app.components.icons"
    for name in known_icons():
        assert f'<symbol id="{name}" viewBox="0 0 24 24">' in sprite_text()


def test_the_theme_has_every_colour_the_pages_name() -> None:
    named: set[str] = set()
    pattern = re.compile(r'(?:color_scheme=|rx\.color\()"([a-z]+)"|"(' + "|".join(RADIX_COLOURS) + r')"')
    for path in APP_DIR.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            named.add(match.group(1) or match.group(2))
    named &= set(RADIX_COLOURS)
    assert named, "the scan found no colours at all"
    sheets = RadixThemesSubset().get_stylesheet_paths()
    missing = {colour for colour in named if f"@radix-ui/themes/tokens/colors/{colour}.css" not in sheets}
    assert not missing, f"add {sorted(missing)} to styles.THEME_COLORS"
    assert set(styles.THEME_COLORS) <= set(RADIX_COLOURS)


def _selector_list(text: str) -> set[str]:
    return {" ".join(part.split()) for part in text.split(",") if part.strip()}


def test_a_tap_before_the_app_has_started_is_answered_on_the_controls_the_stylesheet_holds_back() -> None:
    """assets/buuv.css lets no tap reach these controls until the app has started; assets/lang.js
    says "Even geduld…" when one of them is tapped. Both name the same controls."""
    css = (ASSETS_DIR / "buuv.css").read_text(encoding="utf-8")
    held = re.search(r"html:not\(\[data-app-started\]\) :is\((.*?)\):not\(#offline-view \*\)", css, re.S)
    script = (ASSETS_DIR / "lang.js").read_text(encoding="utf-8")
    listed = re.search(r"var CONTROLS = (.*?);\n", script, re.S)
    assert held and listed
    assert _selector_list("".join(re.findall(r"'([^']*)'", listed.group(1)))) == _selector_list(held.group(1))

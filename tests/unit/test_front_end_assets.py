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

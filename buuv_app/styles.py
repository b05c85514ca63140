"""Design tokens: one place for colours, sizes and widths. Large type: many users are older."""

ACCENT = "grass"
GRAY = "sand"
MAX_WIDTH = "46rem"
WIDE_MAX_WIDTH = "72rem"  # the back office's overview, read on a laptop
REQUEST_COLOR = "orange"   # a vraag
OFFER_COLOR = "grass"      # an aanbod
# Plain colours for what is drawn outside the page (theme-color, the manifest, the app icons):
# the darker grass of the solid buttons (assets/buuv.css) and the page's sand background.
THEME_COLOR = "#2a7e3b"
BACKGROUND_COLOR = "#f9f9f8"

# Global CSS (font size, contrast, focus ring) lives in assets/buuv.css: Reflex nests a global
# style dict under body, which cannot reach html or the theme root.
STYLESHEETS = ["/buuv.css"]

# The Radix Themes colours the pages use (accent, gray, every color_scheme and rx.color; the
# unit test tests/unit/test_theme_colors.py finds them in the code). Only these are in the CSS.
THEME_COLORS = (ACCENT, GRAY, "gray", REQUEST_COLOR, OFFER_COLOR, "red", "blue", "amber")  # amber: the verified star

"""Design tokens: one place for colours, sizes and widths. Large type: many users are older."""

ACCENT = "grass"
GRAY = "sand"
MAX_WIDTH = "46rem"
REQUEST_COLOR = "orange"   # a vraag
OFFER_COLOR = "grass"      # an aanbod

# Global CSS (font size, contrast, focus ring) lives in assets/buuv.css: Reflex nests a global
# style dict under body, which cannot reach html or the theme root.
STYLESHEETS = ["/buuv.css"]

"""Design tokens: one place for colours, sizes and widths. Large type: many users are older."""

ACCENT = "grass"
GRAY = "sand"
MAX_WIDTH = "46rem"
BASE_FONT_SIZE = "18px"
REQUEST_COLOR = "orange"   # a vraag
OFFER_COLOR = "grass"      # an aanbod
TAP_TARGET = "2.75rem"     # minimum height of anything you tap

global_style = {
    "html": {"font_size": BASE_FONT_SIZE},
    "body": {"line_height": "1.5"},
    # A visible focus ring everywhere, for keyboard and switch users.
    ":focus-visible": {"outline": "3px solid var(--accent-9)", "outline_offset": "2px"},
    "a": {"text_underline_offset": "0.2em"},
}

"""The app icons, drawn with Pillow: the header's logo, a white "B" on BUUV green.

Drawn from shapes rather than a font, so every machine draws the same pixels. "any" icons are a
green disc on transparency (like the header); maskable ones and the apple-touch-icon fill the whole
square, the letter well inside the safe zone (the central circle of 80 %), since the phone cuts
its own shape out of them and iOS shows transparency as black.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from buuv_app import styles

SUPERSAMPLE = 4  # draw larger, then scale down: smooth edges without a font renderer
WHITE = (255, 255, 255, 255)


def _rgba(hex_colour: str) -> tuple[int, int, int, int]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), 255)


def _letter_b(draw: ImageDraw.ImageDraw, size: int, background: tuple[int, int, int, int]) -> None:
    """A bold "B" in the middle, in units of 1/1000 of the side."""

    def box(x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int]:
        return (x0 * size // 1000, y0 * size // 1000, x1 * size // 1000, y1 * size // 1000)

    def r(units: int) -> int:
        return units * size // 1000

    def bowl(x0: int, y0: int, x1: int, y1: int, radius: int, fill) -> None:
        # rounded on the right only, like a B's bowls and counters
        draw.rounded_rectangle(box(x0, y0, x1, y1), radius=r(radius), fill=fill)
        draw.rectangle(box(x0, y0, x0 + radius, y1), fill=fill)

    draw.rectangle(box(335, 255, 445, 745), fill=WHITE)  # the stem
    bowl(335, 255, 640, 505, 120, WHITE)
    bowl(335, 465, 675, 745, 140, WHITE)
    bowl(445, 345, 545, 420, 38, background)  # the counters (holes)
    bowl(445, 555, 575, 655, 50, background)


def draw_icon(size: int, maskable: bool = False) -> Image.Image:
    """The icon at `size` px square; `maskable` fills the square (see the module docstring)."""
    big = size * SUPERSAMPLE
    green = _rgba(styles.THEME_COLOR)
    image = Image.new("RGBA", (big, big), green if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.ellipse((0, 0, big - 1, big - 1), fill=green)
    _letter_b(draw, big, green)
    return image.resize((size, size), Image.Resampling.LANCZOS)

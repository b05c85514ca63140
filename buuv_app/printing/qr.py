"""QR codes for posts on paper: as a PDF path for the sheets (zxing-cpp), as an SVG image for the
web page (segno)."""

from __future__ import annotations

import re
from functools import lru_cache

import segno
import zxingcpp

# A post's address never changes: codes are made once per process and reused by every sheet.
CACHE_SIZE = 4096
# The web page's code: segno picks the best of the eight mask patterns by scoring each in pure
# Python (2-3 ms a code). Any mask is valid QR and every reader undoes it; a fixed one scans as well.
MASK = 2


def _make(url: str) -> segno.QRCode:
    # Level M survives a smudge or a pin hole (15 %), and keeps a post URL at version 3 or 4.
    return segno.make(url, error="m", micro=False, mask=MASK)


DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's image: a byte a module, 0 dark, 255 light
QUIET_ZONE = 4


@lru_cache(maxsize=CACHE_SIZE)
def qr_path(url: str) -> tuple[int, str]:
    """The QR code of `url`: its size in modules (with the quiet zone of four) and its dark modules
    as PDF rectangles ("x y w 1 re") in module units, runs of a row merged."""
    # Made by zxing-cpp (C++): a sheet of 200 posts never printed before makes 200 codes, and
    # segno's pure-Python encoder took 2-3 ms a code, a fifth of such a sheet's time. Level M as
    # on the web page; zxing-cpp picks the mask by the standard's penalty rules.
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    size = image.shape[1]
    modules = bytes(memoryview(image))
    rects = [f"{QUIET_ZONE + run.start() - y * size} {QUIET_ZONE + y} {run.end() - run.start()} 1 re"
             for y in range(size) for run in DARK_RUN.finditer(modules, y * size, (y + 1) * size)]
    return size + 2 * QUIET_ZONE, " ".join(rects)


@lru_cache(maxsize=CACHE_SIZE)
def qr_svg_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI, for an <img> on the print page."""
    return _make(url).svg_data_uri(scale=4, border=4, dark="#000000", light="#ffffff")

"""QR codes (segno) for posts on paper: as a PDF path for the sheets, as an SVG image for the web page."""

from __future__ import annotations

import re
from functools import lru_cache

import segno

# A post's address never changes: codes are made once per process and reused by every sheet.
CACHE_SIZE = 4096
# segno picks the best of the eight mask patterns by scoring each in pure Python: three quarters of
# a fresh 200-post sheet's time (2-3 ms a code). Any mask is valid QR and every reader undoes it;
# at 30 mm on paper a fixed one scans as well (the sheet tests decode every code with zxing-cpp).
MASK = 2


def _make(url: str) -> segno.QRCode:
    # Level M survives a smudge or a pin hole (15 %), and keeps a post URL at version 3 or 4.
    return segno.make(url, error="m", micro=False, mask=MASK)


DARK_RUN = re.compile(rb"\x01+")
QUIET_ZONE = 4


@lru_cache(maxsize=CACHE_SIZE)
def qr_path(url: str) -> tuple[int, str]:
    """The QR code of `url`: its size in modules (with the quiet zone of four) and its dark modules
    as PDF rectangles ("x y w 1 re") in module units, runs of a row merged."""
    # segno's matrix is a row of bytes per module row (1 dark, 0 light): runs found by a regex on
    # the bytes, not module by module through matrix_iter (a fifth of a fresh code's time).
    matrix = _make(url).matrix
    rects = [f"{QUIET_ZONE + run.start()} {QUIET_ZONE + y} {run.end() - run.start()} 1 re"
             for y, row in enumerate(matrix) for run in DARK_RUN.finditer(bytes(row))]
    return len(matrix) + 2 * QUIET_ZONE, " ".join(rects)


@lru_cache(maxsize=CACHE_SIZE)
def qr_svg_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI, for an <img> on the print page."""
    return _make(url).svg_data_uri(scale=4, border=4, dark="#000000", light="#ffffff")

"""A board's sheet as an A4 PDF: one large-type card per open post, with its code and a QR code.

Drawn with fpdf2 in DejaVu Sans (ships with the app: it has every letter Dutch needs, and Greek
and Cyrillic too), QR codes (printing/qr.py) drawn as vector squares (sharp at any printer resolution),
category icons from the same Lucide set the app shows. Every page carries the board, "bijgewerkt
op <datum>", how to react without internet, and "pagina x van y".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.svg import SVGObject

from buuv_app.i18n import N_, format_date, gettext, ngettext
from buuv_app.printing.qr import qr_path
from buuv_app.services.boards import BoardSheet, SheetPost
from buuv_app.settings import get_settings

HERE = Path(__file__).resolve().parent
FONT = "DejaVu"
FONT_FILES = {"": HERE / "fonts" / "DejaVuSans.ttf", "B": HERE / "fonts" / "DejaVuSans-Bold.ttf"}
ICON_DIR = HERE / "icons"
FALLBACK_ICON = "circle-help"

# Layout in millimetres: A4 portrait, four large cards a page (two by two): type that reads at
# arm's length on a board, for older eyes too.
MARGIN = 12.0
HEADER_H = 35.0
FOOTER_H = 24.0
COLUMNS, ROWS = 2, 2
GAP = 5.0
PADDING = 4.0
QR_SIZE = 30.0
TITLE_PT, BODY_PT, CODE_PT = 17, 13, 17
TITLE_LINES, BODY_LINES = 4, 7  # four lines hold any title (80 characters)
CODE_BOX_W, CODE_BOX_H = 46.0, 14.0  # the wijk code's box, top right (keepers' prints only)

INK = (25, 25, 25)
MUTED = (70, 70, 70)
RULE = (150, 150, 150)
KIND_COLOURS = {"request": (154, 52, 18), "offer": (42, 126, 59)}  # dark orange / the app's green
KIND_WORDS = {"request": N_("VRAAG"), "offer": N_("AANBOD")}


@lru_cache
def _icon_source(name: str) -> str:
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file() or not name.replace("-", "").isalnum():
        path = ICON_DIR / f"{FALLBACK_ICON}.svg"
    return path.read_text(encoding="utf-8")


class _SheetPDF(FPDF):
    def __init__(self, sheet: BoardSheet, locale: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.sheet = sheet
        self.locale = locale
        # Icons drawn once per document (and per starting style), then repeated: fpdf2 renders an
        # SVG path anew on every draw (arcs approximated by curves), a fifth of a sheet's time.
        self._icons: dict[tuple, str] = {}
        # Widths of words measured before in the same font and size: a sheet measures the same
        # words (and every title twice, to wrap and then to fit) over and over.
        self._widths: dict[tuple, float] = {}
        for style, path in FONT_FILES.items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0  # cells flush with the lines written by _text_lines
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.set_title(f"BUUV prikbord: {sheet.board.name}")
        self.set_author("BUUV")
        self.set_creator("BUUV app")
        self.set_lang(locale)

    def _t(self, msgid: str, **params: object) -> str:
        return gettext(msgid, self.locale, **params)

    def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
        key = (id(self.current_font), self.font_size_pt, self.font_stretching, self.char_spacing, s, normalized,
               markdown)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = super().get_string_width(s, normalized, markdown)
        return width

    def draw_icon(self, name: str, x: float, y: float, size: float) -> None:
        # What fpdf2 draws depends on the graphics state it starts from: part of the key.
        key = (name, size, self.line_width, self.draw_color, self.fill_color, str(self.dash_pattern))
        stream = self._icons.get(key)
        if stream is None:
            _, _, paths = SVGObject(_icon_source(name)).transform_to_rect_viewport(
                scale=1, width=size, height=size, ignore_svg_top_attrs=True)
            drawn: list[str] = []
            self._out = drawn.append  # catch the one content stream draw_path writes
            try:
                self.draw_path(paths, copy=False)  # at the origin; also registers its styles
            finally:
                del self._out
            stream = self._icons[key] = "".join(drawn)
        # The stream starts by flipping fpdf2's top-down millimetres into PDF points; a shift of
        # (x, y) millimetres there is (x·k, −y·k) points outside it.
        self._resource_catalog.index_stream_resources(stream, self.page)
        self._out(f"q 1 0 0 1 {x * self.k:.2f} {-y * self.k:.2f} cm {stream} Q")

    # fpdf2 calls these on every page.
    def header(self) -> None:
        board = self.sheet.board
        top = MARGIN
        self.set_text_color(*KIND_COLOURS["offer"])
        self.set_font(FONT, "B", 11)
        self.set_xy(MARGIN, top)
        label = "BUUV " + self._t("prikbord")
        if board.is_sample:
            label += " · " + self._t("VOORBEELD, geen echt prikbord")
        self.cell(0, 5, label)
        self.set_text_color(*MUTED)
        self.set_font(FONT, "", 11)
        updated = self._t("Bijgewerkt op {date}", date=format_date(self.sheet.updated_at, self.locale))
        self.set_xy(MARGIN, top)
        self.cell(self.epw, 5, updated, align="R")
        width = self.epw
        if self.sheet.wijk_code:
            width -= CODE_BOX_W + 3
            self.wijk_code_box(self.w - MARGIN - CODE_BOX_W, top + 7)
        self.set_text_color(*INK)
        self.set_font(FONT, "B", 18)
        self.set_xy(MARGIN, top + 6)
        self.cell(width, 9, _fit(self, board.name, width))
        self.set_font(FONT, "", 10.5)
        details = board.address + (f" · {self._t('Open')}: {board.opening_hours}" if board.opening_hours else "")
        self.set_xy(MARGIN, top + 15.5)
        self.cell(width, 5, _fit(self, details, width))
        wijken = ", ".join(n.name for n in board.neighbourhoods)
        _text_lines(self, _wrap(self, self._t("Oproepen uit: {wijken}", wijken=wijken), width, 2),
                    MARGIN, top + 20.5, 4.6)
        self.set_draw_color(*RULE)
        self.set_line_width(0.4)
        self.line(MARGIN, top + HEADER_H - 3, self.w - MARGIN, top + HEADER_H - 3)

    def wijk_code_box(self, x: float, y: float) -> None:
        """A small framed box with this month's wijk code: residents of the board's wijken enter it
        in the app to become a verified neighbour (services/verification.py)."""
        self.set_draw_color(*INK)
        self.set_line_width(0.5)
        self.rect(x, y, CODE_BOX_W, CODE_BOX_H)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 8.5)
        self.set_xy(x + 2, y + 1.5)
        self.cell(CODE_BOX_W - 4, 4, self._t("Wijkcode voor verificatie:"))
        self.set_font(FONT, "B", 15)
        self.set_xy(x + 2, y + 6)
        self.cell(CODE_BOX_W - 4, 7, self.sheet.wijk_code)

    def footer(self) -> None:
        board = self.sheet.board
        top = self.h - MARGIN - FOOTER_H
        self.set_draw_color(*RULE)
        self.set_line_width(0.4)
        self.line(MARGIN, top + 1, self.w - MARGIN, top + 1)
        self.set_text_color(*INK)
        self.set_font(FONT, "B", 11.5)
        self.set_xy(MARGIN, top + 3)
        self.cell(self.epw, 6, self._t("Reageren zonder internet?"))
        self.set_font(FONT, "", 11)
        ways = [board.desk_text] if board.desk_text else []
        if board.phone:
            ways.append(self._t("Of bel de BUUV-ambassadeur: {phone}", phone=board.phone))
        _text_lines(self, _wrap(self, " ".join(ways), self.epw, 2), MARGIN, top + 9, 5)
        self.set_font(FONT, "", 10)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, top + 19)
        self.cell(self.epw - 30, 5, self._t("Met een telefoon: scan de QR-code, of ga naar {address}",
                                            address=f"{_host()}/c/…"))
        self.set_font(FONT, "B", 11)
        self.set_text_color(*INK)
        self.set_xy(MARGIN, top + 19)
        self.cell(self.epw, 5, self._t("Pagina {page} van {pages}", page=self.page_no(), pages="{nb}"), align="R")


def _host() -> str:
    parsed = urlparse(get_settings().public_url)
    return (parsed.netloc or parsed.path).removeprefix("www.")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` on one line of `width`, cut with an ellipsis when too long."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """`text` broken into lines of at most `width` in the current font, at most `max_lines`, the
    last one cut with an ellipsis when there is more. (fpdf2's multi_cell does the same but
    measures every character again on every pass: five times slower for a sheet of 200 cards.)"""
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    words = text.split()
    for index, word in enumerate(words):
        word_w = pdf.get_string_width(word)
        if current and used + space + word_w > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
            if len(lines) == max_lines:
                lines[-1] = _fit(pdf, lines[-1] + " …", width)
                return lines
        if not current and word_w > width:  # one word wider than the line: cut it
            word = _fit(pdf, word, width)
            word_w = pdf.get_string_width(word)
        used += (space if current else 0) + word_w
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _text_lines(pdf: FPDF, lines: list[str], x: float, top: float, line_h: float) -> float:
    """Write `lines` from `top` down; returns the height used."""
    ascent = pdf.font_size * 0.8  # from the top of a line to its baseline, near enough
    for number, line in enumerate(lines):
        pdf.text(x, top + number * line_h + ascent + (line_h - pdf.font_size) / 2, line)
    return line_h * len(lines)


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    modules, rects = qr_path(url)
    scale = size / modules * pdf.k
    # Raw PDF operators: one scaled path per code. fpdf2's rect() per module costs a third of a
    # 200-post sheet's time; _out is fpdf2's own writer (pinned version; the QR test reads it back).
    pdf._out(f"q {scale:.4f} 0 0 {-scale:.4f} {x * pdf.k:.2f} {(pdf.h - y) * pdf.k:.2f} cm 0 g {rects} f Q")


def _draw_card(pdf: _SheetPDF, post: SheetPost, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.5)
    pdf.rect(x, y, w, h, style="D", round_corners=True, corner_radius=3)
    inner_x, inner_w = x + PADDING, w - 2 * PADDING
    cursor = y + PADDING

    # Kind, as a solid label (reads in black and white too), then the category with its icon.
    kind = pdf._t(KIND_WORDS.get(post.kind, KIND_WORDS["request"]))
    pdf.set_font(FONT, "B", 12)
    label_w = pdf.get_string_width(kind) + 6
    pdf.set_fill_color(*KIND_COLOURS.get(post.kind, KIND_COLOURS["request"]))
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(inner_x, cursor)
    pdf.cell(label_w, 8, kind, align="C", fill=True)
    icon_size = 7.0
    icon_x = inner_x + label_w + 3
    pdf.draw_icon(post.category_icon, icon_x, cursor + 0.5, icon_size)
    category = post.category_name_en if pdf.locale == "en" else post.category_name_nl
    category_w = inner_w - label_w - icon_size - 5
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 12)
    if pdf.get_string_width(category) > category_w:
        pdf.set_font(FONT, "", 10)  # a long name (in English, next to "REQUEST") still fits
    pdf.set_xy(icon_x + icon_size + 2, cursor)
    pdf.cell(category_w, 8, _fit(pdf, category, category_w))
    cursor += 11

    pdf.set_font(FONT, "B", TITLE_PT)
    cursor += _text_lines(pdf, _wrap(pdf, post.title, inner_w, TITLE_LINES), inner_x, cursor, 7.4) + 2

    bottom_band = QR_SIZE + 1
    body_room = y + h - PADDING - bottom_band - cursor
    pdf.set_font(FONT, "", BODY_PT)
    body_h = 6.0
    lines = max(1, min(BODY_LINES, int(body_room // body_h)))
    _text_lines(pdf, _wrap(pdf, post.excerpt, inner_w, lines), inner_x, cursor, body_h)

    # The code to type or say, and the QR code to scan.
    qr_x, qr_y = x + w - PADDING - QR_SIZE + 1.5, y + h - PADDING - QR_SIZE + 1.5
    _draw_qr(pdf, post.url, qr_x, qr_y, QR_SIZE)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 11)
    text_w = inner_w - QR_SIZE
    pdf.set_xy(inner_x, y + h - PADDING - 20)
    pdf.cell(text_w, 6, _fit(pdf, post.neighbourhood_name, text_w))
    pdf.set_xy(inner_x, y + h - PADDING - 14)
    pdf.cell(text_w, 6, pdf._t("Code:"))
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", CODE_PT)
    pdf.set_xy(inner_x, y + h - PADDING - 8)
    pdf.cell(text_w, 8, post.code)


def render_sheet_pdf(sheet: BoardSheet, locale: str = "nl") -> bytes:
    """The sheet as PDF bytes: as many A4 pages as its posts need (at least one)."""
    pdf = _SheetPDF(sheet, locale)
    card_w = (pdf.epw - GAP * (COLUMNS - 1)) / COLUMNS
    area_top = MARGIN + HEADER_H
    area_h = pdf.h - 2 * MARGIN - HEADER_H - FOOTER_H - 2
    card_h = (area_h - GAP * (ROWS - 1)) / ROWS
    per_page = COLUMNS * ROWS
    pdf.add_page()
    if not sheet.posts:
        pdf.set_font(FONT, "", 14)
        pdf.set_text_color(*INK)
        pdf.set_xy(MARGIN, area_top + 4)
        pdf.multi_cell(pdf.epw, 7, pdf._t("Er zijn op dit moment geen open oproepen uit deze wijken. "
                                          "Kijk later nog eens, of vraag zelf om hulp!"), align="L")
    for index, post in enumerate(sheet.posts):
        slot = index % per_page
        if index and slot == 0:
            pdf.add_page()
        column, row = slot % COLUMNS, slot // COLUMNS
        _draw_card(pdf, post, MARGIN + column * (card_w + GAP), area_top + row * (card_h + GAP), card_w, card_h)
    if sheet.more:
        if len(sheet.posts) % per_page == 0 and sheet.posts:
            pdf.add_page()
            y = area_top + 4
        else:
            y = area_top + ((len(sheet.posts) % per_page + COLUMNS - 1) // COLUMNS) * (card_h + GAP) + 2
        pdf.set_font(FONT, "B", 13)
        pdf.set_text_color(*INK)
        pdf.set_xy(MARGIN, y)
        pdf.multi_cell(pdf.epw, 7, ngettext("En nog {n} oproep: die staat online, op {address}.",
                                            "En nog {n} oproepen: die staan online, op {address}.", sheet.more,
                                            pdf.locale, address=_host()), align="L")
    return bytes(pdf.output())


def sheet_filename(slug: str) -> str:
    return f"buuv-prikbord-{slug}.pdf"

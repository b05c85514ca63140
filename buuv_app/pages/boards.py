"""Prikborden: /prikborden (where they hang), /prikborden/<slug> (a sheet to print) and
/ambassadeur/prikborden (paper reactions); professionals edit them at /beheer/prikborden
(pages/manage/boards.py)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.boards import board_detail, sample_badge
from buuv_app.components.forms import (
    field_error,
    simple_form,
    text_field,
    textarea_field,
)
from buuv_app.components.i18n import localized, t
from buuv_app.components.icons import category_icon
from buuv_app.components.notices import empty_notice, found_or_not, loading_notice
from buuv_app.components.posts import kind_badge
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.services.permissions import Action
from buuv_app.models import PAPER_NOTE_MAX
from buuv_app.state.base import AppState
from buuv_app.state.boards import (
    BoardSheetState,
    BoardsState,
    BoardView,
    PaperReactionState,
    SheetCardView,
)


# --- /prikborden -----------------------------------------------------------------------------

def _board_card(board: Var[BoardView]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(rx.heading(board.name, as_="h2", size="5"), sample_badge(board.is_sample),
                          align="center", wrap="wrap", spacing="2"),
                rx.text(board.address, size="3"),
                board_detail(N_("Open:"), board.opening_hours),
                board_detail(N_("Oproepen uit:"), board.neighbourhoods),
                rx.hstack(
                    rx.link(t("Bekijk en print de oproepen"), href=board.page_url, size="3"),
                    rx.link(t("PDF"), href=board.pdf_url, size="3", is_external=True,
                            aria_label=t("PDF om te printen") + ": " + board.name),
                    spacing="4", wrap="wrap",
                ),
                spacing="2", align="start",
            ),
            width="100%",
        ),
        list_style="none",
    )


def _ambassador_links() -> rx.Component:
    role = AppState.viewer_role
    return rx.hstack(
        rx.cond((role == "ambassador") | (role == "professional"),
                rx.link(t("Reactie op papier vastleggen"), href=routes.PAPER_REACTIONS, size="3")),
        rx.cond(role == "professional", rx.link(t("Prikborden beheren"), href=routes.MANAGE_BOARDS, size="3")),
        spacing="4", wrap="wrap",
    )


@page(routes.BOARDS, title="Prikborden", on_load=BoardsState.load_boards)
def board_list() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Prikborden"), as_="h1", size="7"),
        rx.text(t("Geen smartphone? Op deze plekken hangen de vragen en het aanbod van BUUV op papier. "
                  "Reageren kan daar ook: aan de balie of via de telefoon."), size="3"),
        _ambassador_links(),
        rx.cond(
            BoardsState.loaded,
            rx.el.ul(rx.foreach(BoardsState.boards, _board_card), display="flex", flex_direction="column",
                     gap="0.75rem", padding="0", margin="0", width="100%"),
            loading_notice(),
        ),
        spacing="4", width="100%",
    )


# --- /prikborden/<slug>: the sheet as a page to print --------------------------------------------

def _sheet_card(card: Var[SheetCardView]) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.hstack(
                kind_badge(card.kind),
                category_icon(card.category_icon, size=22),
                rx.text(localized(card.category_nl, card.category_en), size="3"),
                align="center", spacing="2", wrap="wrap",
            ),
            rx.heading(card.title, as_="h2", size="6", class_name="sheet-title"),
            rx.text(card.excerpt, size="4", class_name="sheet-text"),
            rx.hstack(
                rx.vstack(
                    rx.text(card.neighbourhood_name, size="3", color=rx.color("gray", 11)),
                    rx.text(t("Code:"), size="3", color=rx.color("gray", 11)),
                    rx.text(card.code, size="6", weight="bold", class_name="sheet-code"),
                    spacing="0",
                ),
                rx.spacer(),
                rx.image(src=card.qr, alt=t("QR-code naar deze oproep") + ": " + card.code, width="7.5rem",
                         height="7.5rem", class_name="sheet-qr"),
                align="end", width="100%",
            ),
            spacing="2", height="100%",
        ),
        class_name="sheet-card",
    )


def _sheet() -> rx.Component:
    board = BoardSheetState.board
    return rx.vstack(
        rx.hstack(
            rx.link("← ", t("Alle prikborden"), href=routes.BOARDS, size="3"),
            rx.spacer(),
            rx.button(rx.icon("printer", size=18, aria_hidden="true"), t("Afdrukken"),
                      on_click=rx.call_script("window.print()"), size="3"),
            rx.button(rx.link(t("Download als PDF"), href=board.pdf_url, is_external=True), as_child=True,
                      variant="soft", high_contrast=True, size="3"),
            align="center", width="100%", wrap="wrap", spacing="3", class_name="no-print",
        ),
        rx.vstack(
            rx.text("BUUV ", t("prikbord"), size="3", weight="bold", color=rx.color("grass", 11)),
            rx.hstack(rx.heading(board.name, as_="h1", size="8"), sample_badge(board.is_sample),
                      align="center", wrap="wrap", spacing="3"),
            rx.text(board.address, size="4"),
            board_detail(N_("Open:"), board.opening_hours),
            board_detail(N_("Oproepen uit:"), board.neighbourhoods),
            rx.text(t("Bijgewerkt op"), " ", localized(BoardSheetState.updated_nl, BoardSheetState.updated_en),
                    size="3", weight="bold"),
            spacing="1", width="100%",
        ),
        rx.callout(
            rx.vstack(
                rx.text(t("Reageren zonder internet?"), weight="bold", size="4"),
                rx.cond(board.desk_text != "", rx.text(board.desk_text, size="4")),
                rx.cond(board.phone != "", rx.text(t("Of bel de BUUV-ambassadeur:"), " ",
                                                   rx.text(board.phone, as_="span", weight="bold"), size="4")),
                rx.text(t("Met een telefoon: scan de QR-code bij de oproep."), size="3"),
                spacing="1",
            ),
            icon="phone", high_contrast=True, width="100%", class_name="sheet-offline",
        ),
        rx.cond(
            BoardSheetState.cards.length() > 0,
            rx.box(rx.foreach(BoardSheetState.cards, _sheet_card), class_name="sheet-grid", width="100%"),
            empty_notice(N_("Er zijn op dit moment geen open oproepen uit deze wijken. Kijk later nog eens, of vraag zelf om hulp!")),
        ),
        rx.cond(BoardSheetState.more > 0,
                rx.text(BoardSheetState.more_text, size="4", weight="bold")),
        # The board and "bijgewerkt op" at the foot of every printed page; the page number is
        # in assets/buuv.css.
        rx.el.style(localized(BoardSheetState.foot_css_nl, BoardSheetState.foot_css_en)),
        spacing="4", width="100%", class_name="sheet",
    )


@page(routes.BOARD, title="Prikbord", on_load=BoardSheetState.load_sheet)
def board_sheet() -> rx.Component:
    return found_or_not(BoardSheetState.loaded, BoardSheetState.found, _sheet(),
                        N_("Dit prikbord kennen we niet. Kijk bij Prikborden welke er zijn."))


# --- /ambassadeur/prikborden -------------------------------------------------------------------------

@page(routes.PAPER_REACTIONS, title="Reactie via prikbord", on_load=PaperReactionState.load_reaction_boards,
      requires=Action.ACT_AS_AMBASSADOR)
def paper_reactions() -> rx.Component:
    s = PaperReactionState
    errors = s.errors
    return rx.vstack(
        rx.heading(t("Reactie via prikbord"), as_="h1", size="7"),
        rx.text(t("Kwam er een reactie binnen op papier of via de telefoon? Leg hem hier vast, met de "
                  "code van de oproep. De oproep komt dan op ‘in contact’ te staan."), size="3"),
        rx.cond(
            s.board_choices.length() > 0,
            rx.card(
                simple_form(
                    rx.vstack(
                        rx.el.label(t("Prikbord"), html_for="paper-board", font_weight="600"),
                        rx.el.select(
                            rx.foreach(s.board_choices, lambda b: rx.el.option(b.name, value=b.slug)),
                            id="paper-board", name="board", font_size="1rem", padding="0.6rem",
                            border_radius="8px", width="100%", min_height="2.75rem", background="white",
                            border=f"1px solid {rx.color('gray', 7)}",
                            aria_describedby="paper-board-error",
                        ),
                        field_error("paper-board", errors.get("board", "")),
                        spacing="1", width="100%",
                    ),
                    text_field("paper", "code", N_("Code van de oproep"), errors.get("code", ""),
                               hint=N_("Zoals BUUV-7K3FQ. Hoofd- of kleine letters maakt niet uit."),
                               max_length=20, autocomplete="off"),
                    textarea_field("paper", "note", N_("Notitie (mag leeg blijven)"), errors.get("note", ""),
                                   max_length=PAPER_NOTE_MAX),
                    on_submit=s.record_reaction,
                    submit=N_("Reactie vastleggen"),
                    spacing="3",
                ),
                width="100%",
            ),
            empty_notice(N_("Je houdt nog geen prikbord bij. Vraag je wijkprofessional om je aan een prikbord te koppelen.")),
        ),
        rx.cond(
            s.recorded_title != "",
            rx.callout(
                rx.text(t("Vastgelegd:"), " ", rx.link(s.recorded_title, href=s.recorded_url)),
                icon="circle-check", color_scheme="grass", high_contrast=True, role="status", width="100%",
            ),
        ),
        rx.link(t("Alle prikborden"), href=routes.BOARDS, size="3"),
        spacing="4", width="100%",
    )

"""Prikborden: /prikborden (where they hang), /prikborden/<slug> (a sheet to print),
/beheer/prikborden (professionals) and /ambassadeur/prikborden (paper reactions)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.forms import (
    field_error,
    form_error,
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
from buuv_app.models import BOARD_ADDRESS_MAX, BOARD_NAME_MAX, BOARD_PHONE_MAX, BOARD_TEXT_MAX, PAPER_NOTE_MAX
from buuv_app.state.base import AppState
from buuv_app.state.boards import (
    AMBASSADOR_PREFIX,
    NEW,
    WIJK_PREFIX,
    BoardSheetState,
    BoardsState,
    BoardView,
    ManageBoardsState,
    ManagedBoardView,
    Option,
    PaperReactionState,
    SheetCardView,
)


def sample_badge(is_sample: Var) -> rx.Component:
    return rx.cond(
        is_sample,
        rx.badge(t("voorbeeld"), color_scheme="gray", variant="soft", size="2", high_contrast=True,
                 title=t("Een voorbeeldlocatie: nog geen echt prikbord")),
    )


def _detail(label: str, value: Var) -> rx.Component:
    return rx.cond(value != "", rx.text(rx.text(t(label), as_="span", weight="bold"), " ", value, size="3"))


# --- /prikborden -----------------------------------------------------------------------------

def _board_card(board: Var[BoardView]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(rx.heading(board.name, as_="h2", size="5"), sample_badge(board.is_sample),
                          align="center", wrap="wrap", spacing="2"),
                rx.text(board.address, size="3"),
                _detail(N_("Open:"), board.opening_hours),
                _detail(N_("Berichten uit:"), board.neighbourhoods),
                rx.hstack(
                    rx.link(t("Bekijk en print de berichten"), href=board.page_url, size="3"),
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
                rx.image(src=card.qr, alt=t("QR-code naar dit bericht") + ": " + card.code, width="7.5rem",
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
            _detail(N_("Open:"), board.opening_hours),
            _detail(N_("Berichten uit:"), board.neighbourhoods),
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
                rx.text(t("Met een telefoon: scan de QR-code bij het bericht."), size="3"),
                spacing="1",
            ),
            icon="phone", high_contrast=True, width="100%", class_name="sheet-offline",
        ),
        rx.cond(
            BoardSheetState.cards.length() > 0,
            rx.box(rx.foreach(BoardSheetState.cards, _sheet_card), class_name="sheet-grid", width="100%"),
            empty_notice(N_("Er zijn op dit moment geen open berichten uit deze wijken. Kijk later nog eens, of vraag zelf om hulp!")),
        ),
        rx.cond(BoardSheetState.more > 0,
                rx.text(t("En nog"), " ", BoardSheetState.more.to_string(), " ", t("berichten: die staan online."),
                        size="4", weight="bold")),
        # The board and "bijgewerkt op" at the foot of every printed page; the page number is
        # in assets/buuv.css.
        rx.el.style(localized(BoardSheetState.foot_css_nl, BoardSheetState.foot_css_en)),
        spacing="4", width="100%", class_name="sheet",
    )


@page(routes.BOARD, title="Prikbord", on_load=BoardSheetState.load_sheet)
def board_sheet() -> rx.Component:
    return found_or_not(BoardSheetState.loaded, BoardSheetState.found, _sheet(),
                        N_("Dit prikbord kennen we niet. Kijk bij Prikborden welke er zijn."))


# --- /beheer/prikborden ----------------------------------------------------------------------------

def _forbidden(message: str) -> rx.Component:
    return rx.callout(t(message), icon="lock", color_scheme="orange", high_contrast=True, role="alert", width="100%")


def _figure(label: str, value: Var) -> rx.Component:
    return rx.vstack(
        rx.text(value.to_string(), size="6", weight="bold"),
        rx.text(t(label), size="2", color=rx.color("gray", 11)),
        spacing="0", min_width="7rem",
    )


def _managed_card(item: Var[ManagedBoardView]) -> rx.Component:
    board = item.board
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(board.name, as_="h3", size="4"), sample_badge(board.is_sample), rx.spacer(),
                    rx.button(t("Bewerken"), on_click=ManageBoardsState.edit_board(board.slug), size="2",
                              variant="soft", high_contrast=True, aria_label=t("Bewerken") + ": " + board.name),
                    align="center", wrap="wrap", width="100%", spacing="2",
                ),
                rx.text(board.address, size="2"),
                _detail(N_("Berichten uit:"), board.neighbourhoods),
                rx.text(rx.text(t("Ambassadeurs:"), as_="span", weight="bold"), " ",
                        rx.cond(item.ambassadors != "", item.ambassadors, t("nog niemand")), size="3"),
                rx.hstack(
                    _figure(N_("nu op het prikbord"), item.posts_on_sheet),
                    _figure(N_("reacties via papier"), item.paper_reactions),
                    _figure(N_("geholpen na een papieren reactie"), item.matches_after_paper),
                    spacing="5", wrap="wrap",
                ),
                rx.hstack(
                    rx.link(t("Printpagina"), href=board.page_url, size="2"),
                    rx.link(t("PDF"), href=board.pdf_url, size="2", is_external=True,
                            aria_label=t("PDF om te printen") + ": " + board.name),
                    spacing="4",
                ),
                spacing="2", width="100%",
            ),
            width="100%",
        ),
        list_style="none",
    )


def _checkbox(prefix: str, option: Var[Option], form_key: Var) -> rx.Component:
    field_id = prefix + option.value
    return rx.el.label(
        rx.el.input(type="checkbox", id=field_id, name=field_id, default_checked=option.checked,
                    key=form_key + field_id, width="1.3rem", height="1.3rem", flex_shrink="0"),
        option.label,
        html_for=field_id,
        display="flex", gap="0.5rem", align_items="center", cursor="pointer", min_height="2rem",
    )


def _checkbox_group(legend: str, prefix: str, options: Var, error_field: str, empty: str) -> rx.Component:
    errors = ManageBoardsState.errors
    return rx.el.fieldset(
        rx.el.legend(t(legend), font_weight="600", padding_x="0.25rem"),
        rx.cond(
            options.length() > 0,
            rx.box(rx.foreach(options, lambda o: _checkbox(prefix, o, ManageBoardsState.editing)),
                   display="grid", grid_template_columns="repeat(auto-fill, minmax(13rem, 1fr))", gap="0.25rem"),
            rx.text(t(empty), size="2"),
        ),
        field_error(f"board-{error_field}", errors.get(error_field, "")),
        id=f"board-{error_field}", tab_index=-1,
        border=f"1px solid {rx.color('gray', 6)}", border_radius="8px", padding="0.75rem", width="100%",
    )


def _board_form() -> rx.Component:
    s = ManageBoardsState
    f = s.form
    errors = s.errors
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(s.editing == NEW, t("Nieuw prikbord"), t("Prikbord bewerken")), as_="h2", size="5"),
            simple_form(
                text_field("board", "name", N_("Naam"), errors.get("name", ""), default_value=f.name,
                           max_length=BOARD_NAME_MAX),
                text_field("board", "address", N_("Adres"), errors.get("address", ""), default_value=f.address,
                           max_length=BOARD_ADDRESS_MAX),
                text_field("board", "opening_hours", N_("Openingstijden"), errors.get("opening_hours", ""),
                           default_value=f.opening_hours, max_length=BOARD_TEXT_MAX),
                textarea_field("board", "desk_text", N_("Reageren zonder internet: wat zeg je aan de balie?"),
                               errors.get("desk_text", ""), default_value=f.desk_text, max_length=BOARD_TEXT_MAX),
                text_field("board", "phone", N_("Telefoonnummer van de ambassadeurs (mag leeg blijven)"),
                           errors.get("phone", ""), default_value=f.phone, type="tel",
                           max_length=BOARD_PHONE_MAX),
                _checkbox_group(N_("Berichten uit deze wijken"), WIJK_PREFIX, s.wijk_options, "neighbourhoods",
                                N_("Er zijn geen wijken.")),
                _checkbox_group(N_("Ambassadeurs die dit prikbord bijhouden"), AMBASSADOR_PREFIX,
                                s.ambassador_options, "ambassadors",
                                N_("Er zijn nog geen ambassadeurs in jouw gemeente. Benoem ze bij Ambassadeurs.")),
                rx.el.label(
                    rx.el.input(type="checkbox", id="board-is_sample", name="is_sample", default_checked=f.is_sample,
                                key=s.editing + "-sample", width="1.3rem", height="1.3rem"),
                    t("Dit is een voorbeeld, nog geen echt prikbord"),
                    html_for="board-is_sample", display="flex", gap="0.5rem", align_items="center",
                ),
                form_error(errors.get("form", "")),
                on_submit=s.save_board,
                submit=rx.hstack(
                    rx.button(t("Opslaan"), type="submit", size="3"),
                    rx.button(t("Annuleren"), type="button", on_click=s.cancel_edit, variant="soft", high_contrast=True,
                              color_scheme="gray", size="3"),
                    spacing="3",
                ),
                key=s.editing,
                spacing="3",
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


@page(routes.MANAGE_BOARDS, title="Prikborden beheren", on_load=ManageBoardsState.load_boards)
def manage_boards() -> rx.Component:
    s = ManageBoardsState
    return rx.cond(
        s.loaded,
        rx.cond(
            s.forbidden,
            _forbidden(N_("Deze pagina is alleen voor wijkprofessionals.")),
            rx.vstack(
                rx.heading(t("Prikborden beheren"), as_="h1", size="7"),
                rx.text(t("De prikborden in jouw gemeente: waar ze hangen, welke wijken erop staan en welke "
                          "ambassadeurs ze bijhouden. De cijfers tellen de reacties die op papier binnenkwamen."),
                        size="3"),
                rx.hstack(
                    rx.link(t("Ambassadeurs"), href=routes.MANAGE_AMBASSADORS, size="3"),
                    rx.link(t("Reactie op papier vastleggen"), href=routes.PAPER_REACTIONS, size="3"),
                    spacing="4", wrap="wrap",
                ),
                rx.cond(
                    s.editing != "",
                    _board_form(),
                    rx.button(rx.icon("plus", size=18, aria_hidden="true"), t("Nieuw prikbord"),
                              on_click=s.new_board, size="3", variant="soft", high_contrast=True),
                ),
                rx.heading(t("Prikborden en cijfers"), as_="h2", size="5"),
                rx.cond(
                    s.boards.length() > 0,
                    rx.el.ul(rx.foreach(s.boards, _managed_card), display="flex", flex_direction="column",
                             gap="0.75rem", padding="0", margin="0", width="100%"),
                    empty_notice(N_("Er zijn nog geen prikborden in jouw gemeente.")),
                ),
                spacing="4", width="100%",
            ),
        ),
        loading_notice(),
    )


# --- /ambassadeur/prikborden -------------------------------------------------------------------------

@page(routes.PAPER_REACTIONS, title="Reactie via prikbord", on_load=PaperReactionState.load_reaction_boards)
def paper_reactions() -> rx.Component:
    s = PaperReactionState
    errors = s.errors
    return rx.cond(
        s.loaded,
        rx.cond(
            s.forbidden,
            _forbidden(N_("Deze pagina is alleen voor ambassadeurs en wijkprofessionals.")),
            rx.vstack(
                rx.heading(t("Reactie via prikbord"), as_="h1", size="7"),
                rx.text(t("Kwam er een reactie binnen op papier of via de telefoon? Leg hem hier vast, met de "
                          "code van het bericht. Het bericht komt dan op ‘in contact’ te staan."), size="3"),
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
                            text_field("paper", "code", N_("Code van het bericht"), errors.get("code", ""),
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
            ),
        ),
        loading_notice(),
    )

"""/beheer/prikborden: the boards of the professional's municipality, their figures, and a form to
edit or add one."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.boards import board_detail, sample_badge
from buuv_app.components.forms import (
    field_error,
    form_error,
    simple_form,
    text_field,
    textarea_field,
)
from buuv_app.components.i18n import t
from buuv_app.components.manage import manage_nav
from buuv_app.components.notices import empty_notice
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.services.permissions import Action
from buuv_app.models import BOARD_ADDRESS_MAX, BOARD_NAME_MAX, BOARD_PHONE_MAX, BOARD_TEXT_MAX
from buuv_app.state.manage.boards import (
    AMBASSADOR_PREFIX,
    NEW,
    WIJK_PREFIX,
    ManageBoardsState,
    ManagedBoardView,
    Option,
)


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
                board_detail(N_("Oproepen uit:"), board.neighbourhoods),
                rx.text(rx.text(t("Ambassadeurs:"), as_="span", weight="bold"), " ",
                        rx.cond(item.ambassadors != "", item.ambassadors, t("nog niemand")), size="3"),
                rx.hstack(
                    _figure(N_("nu op het prikbord"), item.posts_on_sheet),
                    _figure(N_("reacties via papier"), item.paper_reactions),
                    _figure(N_("geholpen na een papieren reactie"), item.matches_after_paper),
                    _figure(N_("bezoeken via de code"), item.visits),
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
                _checkbox_group(N_("Oproepen uit deze wijken"), WIJK_PREFIX, s.wijk_options, "neighbourhoods",
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


@page(routes.MANAGE_BOARDS, title="Prikborden beheren", on_load=ManageBoardsState.load_boards,
      requires=Action.MANAGE_BOARDS)
def manage_boards() -> rx.Component:
    s = ManageBoardsState
    return rx.vstack(
        manage_nav(routes.MANAGE_BOARDS),
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
    )

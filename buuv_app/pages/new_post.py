"""/hulp/nieuw: a short guided form to ask for help or offer it."""

from __future__ import annotations

import tomllib

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    field_error,
    form_error,
    neighbourhood_select,
    simple_form,
    text_field,
    textarea_field,
)
from buuv_app.components.i18n import localized, t
from buuv_app.components.icons import category_icon
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.models import BODY_MAX, TITLE_MAX
from buuv_app.services.seed import SEED_DIR
from buuv_app.state.browse import PlacesState
from buuv_app.state.post import NewPostState

S = NewPostState


def _error(field: str):
    return S.errors.get(field, "")


def _examples() -> rx.Component:
    """Ready-made wordings for the chosen category: asking is easier with an example."""
    with (SEED_DIR / "categories.toml").open("rb") as handle:
        categories = tomllib.load(handle)["category"]
    return rx.match(
        S.category,
        *[
            (c["slug"], rx.box(
                rx.text(t("Bijvoorbeeld:"), size="2", weight="bold"),
                rx.el.ul(*[rx.el.li(localized(nl, en)) for nl, en in zip(c["examples_nl"], c["examples_en"])],
                         padding_left="1.2rem", margin="0", font_size="0.9rem"),
                padding="0.6rem 0.8rem", border_radius="8px", background=rx.color("accent", 2),
            ))
            for c in categories
        ],
        rx.fragment(),
    )


def _choice(label, selected, on_click, icon: rx.Component | None = None, **attrs) -> rx.Component:
    return rx.button(
        icon if icon is not None else rx.fragment(), label,
        type="button", size="3", variant=rx.cond(selected, "solid", "outline"),
        aria_pressed=rx.cond(selected, "true", "false"), on_click=on_click,
        white_space="normal", height="auto", min_height="2.75rem", padding_y="0.5rem",
        **attrs,
    )


def _for_whom() -> rx.Component:
    """Ambassadors: place this for myself or for one of my neighbours (those with recorded consent)."""
    return rx.vstack(
        rx.cond(
            S.neighbour_options.length() > 0,
            rx.vstack(
                rx.text(t("Voor wie?"), weight="bold", id="newpost-for-whom-label"),
                rx.flex(
                    _choice(t("Mijzelf"), S.for_whom == 0, S.choose_for_whom(0)),
                    rx.foreach(S.neighbour_options,
                               lambda o: _choice(o.first_name, S.for_whom == o.id, S.choose_for_whom(o.id))),
                    gap="0.5rem", wrap="wrap", role="group", aria_labelledby="newpost-for-whom-label",
                    id="newpost-for_whom", tab_index=-1,
                ),
                rx.text(t("Staat je buur er niet bij? Leg eerst de toestemming vast op"), " ",
                        rx.link(t("je ambassadeurspagina"), href=routes.AMBASSADOR), ".", size="2"),
                spacing="2", width="100%",
            ),
        ),
        field_error("newpost-for_whom", _error("for_whom")),
        spacing="2", width="100%",
    )


def _kind() -> rx.Component:
    return rx.vstack(
        rx.text(t("Wat wil je doen?"), weight="bold"),
        rx.hstack(
            _choice(t("Ik vraag hulp"), S.kind == "request", S.choose_kind("request")),
            _choice(t("Ik bied hulp aan"), S.kind == "offer", S.choose_kind("offer")),
            spacing="2", wrap="wrap", role="group", aria_label=t("Wat wil je doen?"),
        ),
        spacing="2", width="100%",
    )


def _categories() -> rx.Component:
    return rx.vstack(
        rx.text(t("Waarmee?"), weight="bold", id="newpost-category-label"),
        rx.flex(
            rx.foreach(
                PlacesState.category_options,
                # data-category: the offline form (assets/offline.js) offers the same choices.
                lambda c: _choice(localized(c.name_nl, c.name_en), S.category == c.slug, S.choose_category(c.slug),
                                  category_icon(c.icon, size=18), custom_attrs={"data-category": c.slug}),
            ),
            gap="0.5rem", wrap="wrap", role="group", aria_labelledby="newpost-category-label",
            # Focusable by script only: a refused submit moves the focus here when this is wrong first.
            id="newpost-category", tab_index=-1, aria_describedby="newpost-category-error",
        ),
        field_error("newpost-category", _error("category")),
        _examples(),
        spacing="2", width="100%",
    )


def _when() -> rx.Component:
    return rx.vstack(
        rx.text(t("Wanneer?"), weight="bold", id="newpost-when-label"),
        rx.hstack(
            _choice(t("Flexibel"), S.when_kind == "flexible", S.choose_when("flexible")),
            _choice(t("Op een dag"), S.when_kind == "date", S.choose_when("date")),
            _choice(t("In een periode"), S.when_kind == "period", S.choose_when("period")),
            spacing="2", wrap="wrap", role="group", aria_labelledby="newpost-when-label",
            id="newpost-when", tab_index=-1, aria_describedby="newpost-when-error",
        ),
        rx.cond(S.when_kind == "date",
                text_field("newpost", "when_start", N_("Datum"), _error("when_start"), type="date")),
        rx.cond(S.when_kind == "period",
                text_field("newpost", "when_start", N_("Van"), _error("when_start"), type="date")),
        rx.cond(S.when_kind == "period",
                text_field("newpost", "when_end", N_("Tot en met"), _error("when_end"), type="date")),
        field_error("newpost-when", _error("when")),
        spacing="2", width="100%",
    )


def _photo() -> rx.Component:
    return rx.vstack(
        rx.text(t("Foto (mag, hoeft niet)"), weight="bold"),
        rx.cond(
            S.photo_preview != "",
            rx.hstack(
                rx.image(src=S.photo_preview, alt=t("Gekozen foto"), width="8rem", border_radius="8px"),
                rx.button(t("Foto weghalen"), type="button", variant="soft", color_scheme="gray",
                          on_click=S.remove_photo),
                align="center", spacing="3",
            ),
            # The label gives the dropzone's file input its name; clicks reach the input through
            # it (no_click stops the dropzone from opening a second dialog), keys through the zone.
            rx.el.label(
                rx.upload(
                    rx.vstack(
                        rx.icon("camera", size=24, aria_hidden="true"),
                        # Dragging is for a mouse: a phone or tablet is told only to choose (assets/buuv.css).
                        rx.text(t("Kies een foto of sleep hem hierheen (JPEG, PNG of WebP, hoogstens 5 MB)"),
                                size="2", class_name="photo-hint-drag"),
                        rx.text(t("Kies een foto (JPEG, PNG of WebP, hoogstens 5 MB)"),
                                size="2", class_name="photo-hint-touch"),
                        align="center", spacing="1",
                    ),
                    id="photo", max_files=1, multiple=False, no_click=True,
                    accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                    on_drop=S.upload_photo(rx.upload_files(upload_id="photo")),
                    border=f"2px dashed {rx.color('gray', 7)}", padding="1rem", border_radius="8px", width="100%",
                ),
                display="block", width="100%", cursor="pointer",
            ),
        ),
        field_error("newpost-photo", _error("photo")),
        spacing="2", width="100%",
    )


def _visibility() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("Wie mag je oproep zien?"), font_weight="bold"),
        rx.el.label(rx.el.input(type="radio", name="visibility", value="everyone", default_checked=True),
                    " ", t("Iedereen"), display="flex", gap="0.4rem", min_height="2.5rem", align_items="center"),
        rx.el.label(rx.el.input(type="radio", name="visibility", value="members"),
                    " ", t("Alleen buren die zijn ingelogd"), display="flex", gap="0.4rem", min_height="2.5rem",
                    align_items="center"),
        rx.el.label(rx.el.input(type="radio", name="visibility", value="verified"),
                    " ", t("Alleen geverifieerde buren"), " ★", display="flex", gap="0.4rem", min_height="2.5rem",
                    align_items="center"),
        border="none", padding="0", margin="0",
    )


@page(routes.NEW_POST, title="Nieuwe oproep", on_load=[PlacesState.load_places, NewPostState.start])
def new_post() -> rx.Component:
    return rx.vstack(
        rx.heading(rx.cond(S.kind == "offer", t("Hulp aanbieden"), t("Hulp vragen")),
                   rx.cond(S.for_whom_name != "", rx.fragment(" ", t("voor"), " ", S.for_whom_name)),
                   as_="h1", size="7"),
        rx.cond(
            S.for_whom_name != "",
            rx.text(t("Je plaatst dit voor je buur. Buren zien de voornaam en dat jij het plaatste; reacties komen bij jou binnen."),
                    size="3"),
            rx.text(t("Het kost een minuut. Buren in je buurt zien je oproep en kunnen je een bericht sturen."), size="3"),
        ),
        rx.card(
            rx.vstack(
                _for_whom(),
                _kind(),
                _categories(),
                _photo(),
                simple_form(
                    form_error(_error("form")),
                    text_field("newpost", "title", N_("Titel"), _error("title"), max_length=TITLE_MAX,
                               hint=N_("Kort en concreet, zoals: Wie haalt vrijdag boodschappen voor mij?")),
                    textarea_field("newpost", "body", N_("Beschrijving"), _error("body"), max_length=BODY_MAX),
                    neighbourhood_select("newpost", N_("Buurt"), PlacesState.groups, _error("neighbourhood"),
                                         default_value=S.home_slug),
                    _when(),
                    _visibility(),
                    on_submit=S.create,
                    submit=N_("Plaatsen"),
                ),
                spacing="5", width="100%",
            ),
            size="3", width="100%",
        ),
        spacing="4",
        width="100%",
    )

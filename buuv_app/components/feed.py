"""The filter bar, the counted list and "meer laden" for a feed (FeedState)."""

from __future__ import annotations

import reflex as rx

from buuv_app.components.i18n import localized, t
from buuv_app.components.notices import empty_notice
from buuv_app.components.posts import post_list
from buuv_app.i18n import N_
from buuv_app.state.browse import PlacesState
from buuv_app.state.feed import FeedState

F = FeedState
FORM_ID = "feed-form"


def _sync_url(kind: str | None = None):
    """Put the filters in the address bar, in the browser (assets/feed-url.js)."""
    overrides = "" if kind is None else f", {{kind: {kind!r}}}"
    return rx.call_script(f"window.buuvSyncFeedUrl && window.buuvSyncFeedUrl({FORM_ID!r}{overrides})")


def _category_select() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Categorie"), html_for="feed-category", font_weight="600"),
        rx.el.select(
            rx.el.option(t("Alle categorieën"), value=""),
            rx.foreach(
                PlacesState.category_options,
                lambda c: rx.el.option(
                    localized(c.name_nl, c.name_en), " (", F.category_counts.get(c.slug, 0), ")", value=c.slug),
            ),
            id="feed-category", name="category", default_value=F.category, key=F.category,
            font_size="1rem", padding="0.5rem", min_height="2.75rem", width="100%", border_radius="8px",
            border=f"1px solid {rx.color('gray', 7)}", background="white",
        ),
        spacing="1",
        width="100%",
    )


def _places_filter() -> rx.Component:
    """Only on /hulp: a whole town, or one or more wijken."""
    def wijk(n):
        return rx.el.label(
            # The key re-mounts the box when a chip or "wis filters" changed the choice outside the form.
            rx.el.input(type="checkbox", name="wijk:" + n.slug, default_checked=F.neighbourhoods.contains(n.slug),
                        key=n.slug + rx.cond(F.neighbourhoods.contains(n.slug), ":on", ":off")),
            " ", n.name,
            class_name="wijk-choice",  # by class: some seventy of them, style props would be CSS-in-JS work each
        )

    return rx.vstack(
        rx.el.label(t("Gemeente"), html_for="feed-municipality", font_weight="600"),
        rx.el.select(
            rx.el.option(t("Leiden en Leiderdorp"), value=""),
            rx.foreach(PlacesState.groups, lambda g: rx.el.option(g.name, value=g.slug)),
            id="feed-municipality", name="municipality", default_value=F.municipality, key=F.municipality,
            font_size="1rem", padding="0.5rem", min_height="2.75rem", width="100%", border_radius="8px",
            border=f"1px solid {rx.color('gray', 7)}", background="white",
        ),
        rx.el.details(
            rx.el.summary(t("Kies wijken"), cursor="pointer", padding_y="0.4rem", font_weight="600"),
            rx.foreach(PlacesState.groups, lambda g: rx.el.div(
                rx.el.p(g.name, class_name="wijk-choice-town"),
                rx.foreach(g.districts, lambda d: rx.el.div(rx.foreach(d.neighbourhoods, wijk))),
                class_name="wijk-choice-group",
            )),
        ),
        spacing="1",
        width="100%",
    )


def filter_bar(with_places: bool) -> rx.Component:
    kinds = rx.hstack(
        rx.button(t("Alles"), type="button", size="3", variant=rx.cond(F.kind == "", "solid", "outline"),
                  on_click=[F.choose_kind(""), _sync_url("")], aria_pressed=rx.cond(F.kind == "", "true", "false")),
        *[
            rx.button(t(label), rx.text(" (", F.kind_counts.get(kind, 0), ")", as_="span"), type="button", size="3",
                      variant=rx.cond(F.kind == kind, "solid", "outline"), on_click=[F.choose_kind(kind), _sync_url(kind)],
                      aria_pressed=rx.cond(F.kind == kind, "true", "false"))
            for kind, label in (("request", N_("Vragen")), ("offer", N_("Aanbod")))
        ],
        spacing="2",
        wrap="wrap",
        role="group",
        aria_label=t("Soort"),
    )
    return rx.vstack(
        kinds,
        rx.form(
            rx.vstack(
                rx.vstack(
                    rx.el.label(t("Zoeken"), html_for="feed-q", font_weight="600"),
                    rx.input(id="feed-q", name="q", type="search", default_value=F.query, key=F.query, size="3",
                             width="100%", placeholder=t("bijvoorbeeld: boodschappen, tuin, computer")),
                    spacing="1",
                    width="100%",
                ),
                _category_select(),
                _places_filter() if with_places else rx.fragment(),
                rx.button(t("Toon resultaten"), type="submit", size="3", width="100%"),
                spacing="3",
                width="100%",
            ),
            on_submit=[F.apply_filters, _sync_url()],
            reset_on_submit=False,
            width="100%",
            role="search",
            id=FORM_ID,
        ),
        spacing="3",
        width="100%",
    )


def active_filters() -> rx.Component:
    """Every filter that narrows the list, as a chip with ×, and "wis filters" for all of them."""
    def chip(c):
        return rx.button(c.label, rx.icon("x", size=16, aria_hidden="true"), type="button", size="3", variant="soft",
                         high_contrast=True, radius="full", aria_label=c.remove_label, on_click=F.remove_filter(c.key),
                         min_height="2.75rem")

    return rx.cond(
        F.chips.length() > 0,
        rx.flex(
            rx.foreach(F.chips, chip),
            rx.button(t("Wis filters"), type="button", size="3", variant="outline", on_click=F.clear_filters,
                      min_height="2.75rem"),
            gap="0.5rem", wrap="wrap", align="center", role="group", aria_label=t("Actieve filters"), width="100%",
        ),
    )


def feed_results() -> rx.Component:
    return rx.vstack(
        active_filters(),
        rx.text(F.found_text, size="3", weight="medium", role="status"),
        post_list(F.items, empty_notice(N_("Niets gevonden met deze keuzes. Probeer minder filters of andere woorden."))),
        rx.cond(
            F.next_cursor != "",
            # high_contrast: the soft green on its tint reaches only 4.47:1 (axe asks 4.5:1); the
            # button shows once a feed has more than one page (the test database soon does).
            rx.button(t("Meer laden"), on_click=F.load_more, size="3", variant="soft", high_contrast=True,
                      width="100%"),
        ),
        spacing="3",
        width="100%",
    )

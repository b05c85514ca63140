"""/buurt/<slug>: one neighbourhood's open requests and offers, newest first, with filters."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.feed import feed_results, filter_bar
from buuv_app.components.i18n import t
from buuv_app.components.notices import found_or_not
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.browse import PlacesState
from buuv_app.state.feed import FeedState


def _found() -> rx.Component:
    return rx.vstack(
        rx.link(t("← Alle buurten"), href=routes.HOME, size="3"),
        rx.heading(FeedState.place_name, as_="h1", size="8"),
        rx.text(
            rx.cond(
                FeedState.place_district != "",
                FeedState.place_district + ", " + FeedState.place_municipality,
                FeedState.place_municipality,
            ),
            size="3",
            color=rx.color("gray", 11),
        ),
        rx.cond(
            FeedState.place_matches > 0,
            rx.hstack(rx.icon("heart-handshake", size=20, aria_hidden="true"),
                      rx.text(FeedState.matches_text, size="3"),
                      align="center", spacing="2"),
        ),
        rx.heading(t("Vragen en aanbod in deze buurt"), as_="h2", size="5", margin_top="0.5rem"),
        filter_bar(with_places=False),
        feed_results(),
        spacing="3",
        width="100%",
    )


@page(routes.NEIGHBOURHOOD, title="Buurt", on_load=[PlacesState.load_places, FeedState.load_neighbourhood])
def neighbourhood() -> rx.Component:
    return found_or_not(
        FeedState.loaded,
        FeedState.found,
        _found(),
        N_("Deze buurt kennen we niet. Kies je buurt op de startpagina."),
    )

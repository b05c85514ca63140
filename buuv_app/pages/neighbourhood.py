"""/buurt/<slug>: one neighbourhood's open requests and offers, newest first, with filters."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.feed import feed_results, filter_bar
from buuv_app.components.i18n import t
from buuv_app.components.notices import loading_notice, not_found_notice
from buuv_app.components.posts import ask_and_offer
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.browse import PlacesState
from buuv_app.state.feed import FeedState


def _page() -> rx.Component:
    """The page's frame is drawn at once (it is prerendered for every wijk, first_paint.py): the
    way back, room for the wijk's name, what the page is for, asking and offering, and the section
    heading. The name and the posts follow when the server answers; the room kept for the name
    keeps the heading below it in its place."""
    loaded = FeedState.loaded
    return rx.vstack(
        rx.link(t("← Alle buurten"), href=routes.HOME, size="3"),
        # Shown only once loaded: after a tap from one wijk to the next, the last one's name
        # must not stand above the new one's spinner.
        rx.box(
            rx.cond(
                loaded,
                rx.fragment(
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
                ),
            ),
            class_name="wijk-title",
            width="100%",
        ),
        rx.text(
            t("Hier zie je wat buren in deze wijk vragen en aanbieden. Kun je ergens mee helpen? Reageer "
              "dan. Heb je zelf hulp nodig? Vraag het gerust: daar is BUUV voor."),
            size="4",
        ),
        ask_and_offer(size="3"),
        rx.heading(t("Vragen en aanbod in deze buurt"), as_="h2", size="5", margin_top="0.5rem"),
        rx.cond(
            loaded,
            rx.vstack(
                rx.cond(
                    FeedState.place_matches > 0,
                    rx.hstack(rx.icon("heart-handshake", size=20, aria_hidden="true"),
                              rx.text(FeedState.matches_text, size="3"),
                              align="center", spacing="2"),
                ),
                filter_bar(with_places=False),
                feed_results(),
                spacing="3",
                width="100%",
            ),
            loading_notice(),
        ),
        spacing="3",
        width="100%",
    )


@page(routes.NEIGHBOURHOOD, title="Buurt", on_load=[PlacesState.load_places, FeedState.load_neighbourhood])
def neighbourhood() -> rx.Component:
    # A wijk we do not know says so once the server has answered; until then the frame shows.
    return rx.cond(
        FeedState.loaded & ~FeedState.found,
        not_found_notice(N_("Deze buurt kennen we niet. Kies je buurt op de startpagina.")),
        _page(),
    )

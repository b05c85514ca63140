"""/hulp: every open request and offer in Leiden and Leiderdorp, with filters and search."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.feed import feed_results, filter_bar
from buuv_app.components.i18n import t
from buuv_app.components.notices import loading_notice
from buuv_app.layout import page
from buuv_app.state.browse import PlacesState
from buuv_app.state.feed import FeedState


@page(routes.BROWSE, title="Vragen en aanbod", on_load=[PlacesState.load_places, FeedState.load_browse])
def browse() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Vragen en aanbod"), as_="h1", size="8"),
        rx.text(t("Zoek in alle vragen en al het aanbod van Leiden en Leiderdorp."), size="3"),
        # The cards' titles are h3s: a heading between them and the h1 keeps the outline whole
        # (Lighthouse and screen readers, heading-order), as /buurt/<slug> has.
        rx.cond(FeedState.loaded, rx.vstack(filter_bar(with_places=True),
                                             rx.heading(t("Alle oproepen"), as_="h2", size="5"),
                                             feed_results(), spacing="3", width="100%"), loading_notice()),
        spacing="3",
        width="100%",
    )

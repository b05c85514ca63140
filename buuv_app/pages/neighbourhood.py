"""/buurt/<slug>: one neighbourhood's open requests and offers, newest first."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.i18n import t
from buuv_app.components.notices import empty_notice, found_or_not
from buuv_app.components.posts import post_list
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.browse import NeighbourhoodState


def _found() -> rx.Component:
    return rx.vstack(
        rx.link(t("← Alle buurten"), href=routes.HOME, size="3"),
        rx.heading(NeighbourhoodState.name, as_="h1", size="8"),
        rx.text(
            rx.cond(
                NeighbourhoodState.district != "",
                NeighbourhoodState.district + ", " + NeighbourhoodState.municipality,
                NeighbourhoodState.municipality,
            ),
            size="3",
            color=rx.color("gray", 11),
        ),
        rx.heading(t("Vragen en aanbod in deze buurt"), as_="h2", size="5", margin_top="0.5rem"),
        post_list(
            NeighbourhoodState.posts,
            empty_notice(N_("In deze buurt staat nu niets open. Kijk ook eens in een buurt ernaast.")),
        ),
        spacing="3",
        width="100%",
    )


@page(routes.NEIGHBOURHOOD, title="Buurt", on_load=NeighbourhoodState.load_neighbourhood)
def neighbourhood() -> rx.Component:
    return found_or_not(
        NeighbourhoodState.loaded,
        NeighbourhoodState.found,
        _found(),
        N_("Deze buurt kennen we niet. Kies je buurt op de startpagina."),
    )

"""The home page: what BUUV is, the neighbourhood picker and the newest posts."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.i18n import t, t_client
from buuv_app.components.notices import empty_notice, loading_notice
from buuv_app.components.picker import neighbourhood_picker
from buuv_app.components.posts import ask_and_offer, post_list
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.browse import HomeState, PlacesState


def install_offer() -> rx.Component:
    """Only where the browser offers installation (assets/pwa.js shows it; hidden otherwise)."""
    return rx.hstack(
        rx.text(t_client("Zet BUUV op het beginscherm van je telefoon: dan open je het als een app."), size="3"),
        rx.button(rx.icon("download", size=18, aria_hidden="true"), t_client("Installeer"), id="pwa-install",
                  size="3", variant="outline"),
        class_name="pwa-install-offer",
        align="center",
        wrap="wrap",
        spacing="3",
    )


@page(routes.HOME, title="Burenhulp in Leiden en Leiderdorp", on_load=[PlacesState.load_places, HomeState.load_home])
def home() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading(t("Hulp vragen is heel gewoon"), as_="h1", size="8"),
            rx.text(
                t("Buren helpen buren in Leiden en Leiderdorp: met boodschappen, een ritje naar het ziekenhuis, samen wandelen of een klusje in huis. Kies je buurt en kijk wie er hulp vraagt of aanbiedt."),
                size="4",
            ),
            ask_and_offer(size="4"),
            rx.link(t("Zoek in alle vragen en aanbod"), href=routes.BROWSE, size="3"),
            install_offer(),
            spacing="3",
        ),
        rx.el.section(
            rx.heading(t("Kies je buurt"), as_="h2", size="6", margin_bottom="0.75rem",
                       id="kies-je-buurt"),
            rx.cond(PlacesState.places_loaded, neighbourhood_picker(PlacesState.groups), loading_notice()),
            aria_labelledby="kies-je-buurt",
            width="100%",
        ),
        rx.el.section(
            rx.heading(
                rx.cond(HomeState.home_name != "", t("Nieuw in je buurt") + ": " + HomeState.home_name,
                        t("Nieuw in Leiden en Leiderdorp")),
                as_="h2", size="6", margin_bottom="0.75rem", id="nieuw"),
            rx.cond(
                HomeState.loaded,
                post_list(HomeState.recent, empty_notice(N_("Er staan nog geen vragen of aanbiedingen."))),
                loading_notice(),
            ),
            aria_labelledby="nieuw",
            width="100%",
        ),
        spacing="6",
        width="100%",
    )

"""The neighbourhood picker: Leiden's districts with their wijken, and Leiderdorp's wijken."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.i18n import t
from buuv_app.services.places import DistrictGroup, MunicipalityGroup, NeighbourhoodLink


def _wijk_link(wijk: Var[NeighbourhoodLink]) -> rx.Component:
    # Styled by class (.wijk-pill in assets/buuv.css), not by style props: the picker draws some
    # seventy of these, and each style prop is CSS-in-JS work for every one of them on every render.
    return rx.el.li(
        rx.link(wijk.name, href=routes.neighbourhood_url(wijk.slug), underline="none", class_name="wijk-pill"),
    )


def _wijk_list(district: Var[DistrictGroup]) -> rx.Component:
    return rx.el.ul(rx.foreach(district.neighbourhoods, _wijk_link), class_name="wijk-list")


def _district(district: Var[DistrictGroup]) -> rx.Component:
    """A Leiden district is a small heading over its wijken, all in view: the same one tap to a wijk
    as in Leiderdorp (which has no districts), and "District Merenwijk" is told apart from the wijk
    Merenwijk inside it."""
    return rx.cond(
        district.name != "",
        rx.box(
            rx.heading(t("District") + " " + district.name, as_="h4", size="3", weight="medium",
                       color=rx.color("gray", 11), margin_bottom="0.4rem"),
            _wijk_list(district),
            margin_bottom="1rem",
        ),
        rx.box(_wijk_list(district), margin_bottom="1rem"),
    )


def _municipality(group: Var[MunicipalityGroup]) -> rx.Component:
    return rx.box(
        rx.heading(group.name, as_="h3", size="5", margin_bottom="0.6rem"),
        rx.foreach(group.districts, _district),
        id="gemeente-" + group.slug,
        width="100%",
    )


def neighbourhood_picker(groups: Var[list[MunicipalityGroup]]) -> rx.Component:
    return rx.vstack(rx.foreach(groups, _municipality), spacing="4", width="100%")

"""Friendly messages: not found, loading, nothing here yet."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.i18n import t, t_client


def not_found_notice(message: str) -> rx.Component:
    """A calm "niet gevonden" with a way back, instead of an error page."""
    return rx.card(
        rx.vstack(
            rx.icon("map-pin-off", size=32, aria_hidden="true"),
            rx.heading(t("Niet gevonden"), as_="h1", size="6"),
            rx.text(t(message), size="3"),
            rx.button(rx.link(t("Naar de startpagina"), href=routes.HOME), as_child=True, size="3"),
            spacing="3",
            align="start",
        ),
        size="3",
        width="100%",
        role="status",
    )


def no_longer_open_notice() -> rx.Component:
    """A post that was closed, withdrawn or deleted: only that, nothing of what it said."""
    return rx.card(
        rx.vstack(
            rx.icon("circle-x", size=32, aria_hidden="true"),
            rx.heading(t("Deze oproep is niet meer open"), as_="h1", size="6"),
            rx.text(t("De vraag of het aanbod is gesloten of teruggetrokken. Kijk wat er nu in de buurt speelt."),
                    size="3"),
            rx.button(rx.link(t("Naar de startpagina"), href=routes.HOME), as_child=True, size="3"),
            spacing="3",
            align="start",
        ),
        size="3",
        width="100%",
        role="status",
    )


def loading_notice() -> rx.Component:
    return rx.hstack(
        rx.spinner(size="3"),
        rx.text(t("Even laden…")),
        spacing="2",
        align="center",
        role="status",
        padding_y="1rem",
        class_name="loading-notice",  # assets/offline.js: this page has not got its data yet
    )


def empty_notice(message: str) -> rx.Component:
    return rx.callout(t(message), icon="info", size="2", width="100%", high_contrast=True)


def found_or_not(loaded: Var, found: Var, content: rx.Component, missing_message: str) -> rx.Component:
    """While loading a spinner; then the content, or a friendly "niet gevonden"."""
    return rx.cond(
        loaded,
        rx.cond(found, content, not_found_notice(missing_message)),
        loading_notice(),
    )


def connection_lost_banner() -> rx.Component:
    """Ours instead of Reflex's English "Cannot connect to server" toast: shown while the page
    cannot reach the server although the device is online (a dropped line, a restart). Offline,
    assets/offline.js shows its own banner and CSS hides this one. Client-side texts: the server
    is exactly what is missing. (Same threshold as Reflex's toast: a single blip shows nothing.)"""
    from reflex.components.core.banner import has_too_many_connection_errors

    return rx.cond(
        has_too_many_connection_errors,
        rx.el.div(
            rx.icon("wifi-off", size=18, aria_hidden="true"),
            rx.el.span(t_client("Verbinding verbroken — we proberen het opnieuw…")),
            id="connection-lost", class_name="connection-lost", role="status",
        ),
    )


def push_offer(show: Var[bool], dismiss) -> rx.Component:
    """"Meldingen aanzetten", offered once: after one's first post or first message, whichever came first
    (services/notifications). assets/push.js asks the browser only on the tap; the card shows only while
    this device can still turn them on (<html data-push>, assets/buuv.css)."""
    return rx.cond(
        show,
        rx.card(
            rx.vstack(
                rx.text(t("Wil je een melding op je telefoon als iemand reageert?"), size="3", weight="bold"),
                rx.hstack(
                    rx.button(rx.icon("bell", size=18, aria_hidden="true"), t("Meldingen aanzetten"),
                              id="push-enable", size="3", type="button"),
                    rx.button(t("Niet nu"), size="3", variant="soft", type="button", on_click=dismiss),
                    wrap="wrap", spacing="3",
                ),
                spacing="3", width="100%",
            ),
            custom_attrs={"data-push-show": "off failed busy"}, width="100%", id="push-offer",
        ),
    )

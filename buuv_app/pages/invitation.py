"""/uitnodiging?token=...: a neighbour an ambassador posted for makes the account their own."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    PASSWORD_HINT,
    checkbox_field,
    form_error,
    simple_form,
    text_field,
)
from buuv_app.components.i18n import t
from buuv_app.components.notices import loading_notice
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.ambassador import InvitationState

S = InvitationState


def _error(field: str):
    return S.errors.get(field, "")


def _new_account_form() -> rx.Component:
    return simple_form(
        form_error(_error("form")),
        text_field("invitation", "password", N_("Kies een wachtwoord"), _error("password"), type="password",
                   autocomplete="new-password", hint=PASSWORD_HINT),
        checkbox_field(
            "invitation", "accepted_terms",
            rx.text(t("Ik ga akkoord met de"), " ",
                    rx.link(t("huisregels"), href=routes.HOUSE_RULES, is_external=True), " ",
                    t("en de"), " ",
                    rx.link(t("privacyverklaring"), href=routes.PRIVACY, is_external=True), "."),
            _error("accepted_terms"),
        ),
        checkbox_field("invitation", "confirmed_16_plus", rx.text(t("Ik ben 16 jaar of ouder.")),
                       _error("confirmed_16_plus")),
        on_submit=S.accept_invitation,
        submit=N_("Account maken"),
        aria_label=t("Account maken"),
    )


def _existing_account_form() -> rx.Component:
    return simple_form(
        rx.text(t("Dit e-mailadres heeft al een BUUV-account. Typ je wachtwoord: dan komen de oproepen op dat account."),
                size="3"),
        text_field("invitation", "password", N_("Je wachtwoord"), _error("password"), type="password",
                   autocomplete="current-password"),
        on_submit=S.accept_invitation,
        submit=N_("Oproepen overnemen"),
        aria_label=t("Oproepen overnemen"),
    )


@page(routes.INVITATION, title="Uitnodiging", on_load=InvitationState.check_invitation)
def invitation() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Je eigen BUUV-account"), as_="h1", size="7"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.token_valid,
                rx.card(
                    rx.vstack(
                        rx.text(t("Hallo"), " ", S.first_name, ". ", S.ambassador_name, " ",
                                t("zette tot nu toe je vragen en aanbod op BUUV. Met een eigen account doe je dat zelf en lees je zelf de reacties. Je oproepen blijven staan."),
                                size="3"),
                        rx.cond(S.has_account, _existing_account_form(), _new_account_form()),
                        spacing="4", width="100%",
                    ),
                    size="3", width="100%",
                ),
                rx.card(
                    rx.vstack(
                        rx.heading(t("Deze link werkt niet meer"), as_="h2", size="5"),
                        rx.text(t("De uitnodiging is verlopen, al gebruikt of vervangen door een nieuwe. Vraag je ambassadeur om een nieuwe uitnodiging."),
                                size="3"),
                        spacing="3",
                    ),
                    size="3", width="100%", role="alert",
                ),
            ),
            loading_notice(),
        ),
        spacing="4", width="100%",
    )

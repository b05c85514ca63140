"""Sign up, confirm the address, log in, forgot password, reset password."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    PASSWORD_HINT,
    checkbox_field,
    form_error,
    neighbourhood_select,
    simple_form,
    text_field,
)
from buuv_app.components.i18n import t
from buuv_app.components.notices import loading_notice
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.account import (
    ConfirmState,
    ForgotPasswordState,
    LoginState,
    ResetPasswordState,
    SignUpState,
)
from buuv_app.state.browse import PlacesState


def _card(*children, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="4", width="100%"), size="3", width="100%", **props)


def _error(state, field: str):
    return state.errors.get(field, "")


def _why_account(state) -> rx.Component:
    """For someone sent here by "Vraag om hulp" or "Reageer": why an account, and that they will
    land back where they were going."""
    return rx.match(
        state.reason,
        ("ask", rx.callout(t("Om hulp te vragen heb je een account nodig: zo weten buren wie het vraagt en kunnen ze je een bericht sturen, zonder dat je je telefoonnummer of adres deelt. Log in of meld je aan; daarna kom je meteen bij het formulier."),
                           icon="info", size="2", high_contrast=True, width="100%")),
        ("reply", rx.callout(t("Om te reageren heb je een account nodig: zo weet je buur wie er reageert, en praten jullie binnen BUUV zonder je telefoonnummer of adres te delen. Log in of meld je aan; daarna kom je meteen terug bij deze oproep."),
                             icon="info", size="2", high_contrast=True, width="100%")),
        rx.fragment(),
    )


def _sign_up_form() -> rx.Component:
    s = SignUpState
    return simple_form(
        form_error(_error(s, "form")),
        text_field("signup", "display_name", N_("Je naam"), _error(s, "display_name"),
                   hint=N_("Je voornaam is genoeg. Buren zien deze naam bij je oproepen en berichten."),
                   autocomplete="given-name", max_length=60),
        text_field("signup", "email", N_("E-mailadres"), _error(s, "email"), type="email",
                   autocomplete="email", hint=N_("Dit zien andere buren niet.")),
        text_field("signup", "password", N_("Wachtwoord"), _error(s, "password"), type="password",
                   autocomplete="new-password", hint=PASSWORD_HINT),
        neighbourhood_select("signup", N_("Je buurt"), PlacesState.groups, _error(s, "neighbourhood")),
        checkbox_field(
            "signup", "accepted_terms",
            rx.text(t("Ik ga akkoord met de"), " ",
                    rx.link(t("huisregels"), href=routes.HOUSE_RULES, is_external=True), " ",
                    t("en de"), " ",
                    rx.link(t("privacyverklaring"), href=routes.PRIVACY, is_external=True), "."),
            _error(s, "accepted_terms"),
        ),
        checkbox_field("signup", "confirmed_16_plus", rx.text(t("Ik ben 16 jaar of ouder.")),
                       _error(s, "confirmed_16_plus")),
        on_submit=s.sign_up,
        submit=N_("Aanmelden"),
        aria_label=t("Aanmelden"),
    )


@page(routes.SIGN_UP, title="Aanmelden", on_load=[PlacesState.load_places, SignUpState.restart])
def sign_up() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Aanmelden bij BUUV"), as_="h1", size="7"),
        rx.text(t("Met een account kun je hulp vragen, hulp aanbieden en buren berichten sturen."), size="3"),
        _why_account(SignUpState),
        rx.cond(
            SignUpState.sent_to != "",
            _card(
                rx.heading(t("Kijk in je mail"), as_="h2", size="5"),
                rx.text(t("We hebben een e-mail gestuurd naar"), " ", rx.text(SignUpState.sent_to, as_="span", weight="bold"),
                        ". ", t("Klik op de link in die mail om je aanmelding af te ronden. Geen mail gezien? Kijk ook bij de ongewenste mail."),
                        size="3"),
                role="status",
            ),
            _card(_sign_up_form()),
        ),
        rx.text(t("Heb je al een account?"), " ", rx.link(t("Log in"), href=SignUpState.login_href), size="3"),
        spacing="4",
        width="100%",
    )


@page(routes.CONFIRM, title="Aanmelding bevestigen", on_load=ConfirmState.confirm)
def confirm() -> rx.Component:
    return rx.cond(
        ConfirmState.failed,
        _card(
            rx.heading(t("Deze link werkt niet meer"), as_="h1", size="6"),
            rx.text(t("De link is verlopen of al gebruikt. Log in met je e-mailadres en wachtwoord: dan sturen we een nieuwe link als dat nodig is."), size="3"),
            rx.button(rx.link(t("Naar inloggen"), href=routes.LOGIN), as_child=True, size="3"),
        ),
        loading_notice(),
    )


@page(routes.LOGIN, title="Inloggen", on_load=LoginState.start)
def login() -> rx.Component:
    s = LoginState
    return rx.vstack(
        rx.heading(t("Inloggen"), as_="h1", size="7"),
        _why_account(s),
        _card(
            simple_form(
                form_error(_error(s, "form")),
                text_field("login", "email", N_("E-mailadres"), _error(s, "email"), type="email",
                           autocomplete="email"),
                text_field("login", "password", N_("Wachtwoord"), _error(s, "password"), type="password",
                           autocomplete="current-password"),
                on_submit=s.log_in,
                submit=N_("Inloggen"),
                aria_label=t("Inloggen"),
            ),
        ),
        rx.link(t("Wachtwoord vergeten?"), href=routes.FORGOT_PASSWORD, size="3"),
        rx.text(t("Nog geen account?"), " ", rx.link(t("Meld je aan"), href=s.sign_up_href), size="3"),
        spacing="4",
        width="100%",
    )


@page(routes.FORGOT_PASSWORD, title="Wachtwoord vergeten")
def forgot_password() -> rx.Component:
    s = ForgotPasswordState
    return rx.vstack(
        rx.heading(t("Wachtwoord vergeten"), as_="h1", size="7"),
        rx.cond(
            s.sent,
            _card(
                rx.heading(t("Kijk in je mail"), as_="h2", size="5"),
                rx.text(t("Als er een account bij dit e-mailadres hoort, hebben we een link gestuurd om een nieuw wachtwoord te kiezen. De link werkt één uur."), size="3"),
                role="status",
            ),
            _card(
                rx.text(t("Vul je e-mailadres in. We sturen je een link om een nieuw wachtwoord te kiezen."), size="3"),
                simple_form(
                    form_error(_error(s, "form")),
                    text_field("forgot", "email", N_("E-mailadres"), _error(s, "email"), type="email",
                               autocomplete="email"),
                    on_submit=s.request_reset,
                    submit=N_("Stuur de link"),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


@page(routes.RESET_PASSWORD, title="Nieuw wachtwoord", on_load=ResetPasswordState.check_token)
def reset_password() -> rx.Component:
    s = ResetPasswordState
    return rx.vstack(
        rx.heading(t("Nieuw wachtwoord kiezen"), as_="h1", size="7"),
        rx.cond(
            s.done,
            _card(
                rx.text(t("Je wachtwoord is gewijzigd. Je kunt nu inloggen met je nieuwe wachtwoord."), size="3"),
                rx.button(rx.link(t("Naar inloggen"), href=routes.LOGIN), as_child=True, size="3"),
                role="status",
            ),
            rx.cond(
                s.token_valid,
                _card(
                    simple_form(
                        text_field("reset", "password", N_("Nieuw wachtwoord"), _error(s, "password"),
                                   type="password", autocomplete="new-password", hint=PASSWORD_HINT),
                        on_submit=s.reset_password,
                        submit=N_("Wachtwoord opslaan"),
                    ),
                ),
                _card(
                    rx.text(t("Deze link is verlopen of al gebruikt. Vraag een nieuwe aan."), size="3"),
                    rx.button(rx.link(t("Nieuwe link aanvragen"), href=routes.FORGOT_PASSWORD), as_child=True, size="3"),
                    role="alert",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )

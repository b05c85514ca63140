"""/verifieer: become a verified neighbour (★) with the wijk code of a board's sheet; choose to be
messaged by verified neighbours only; ambassadors and professionals confirm neighbours they met;
professionals revoke."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes, styles
from buuv_app.components.forms import form_error, simple_form, text_field
from buuv_app.components.i18n import t
from buuv_app.components.notices import loading_notice
from buuv_app.components.verification import verified_badge
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.services.permissions import Action
from buuv_app.state.verification import VerificationState, VerifiedMemberRow

S = VerificationState
MEETINGS = (("home_visit", N_("Thuis bezocht")), ("meeting", N_("Ontmoet (spreekuur, activiteit, bij het prikbord)")),
            ("known", N_("Ik ken deze buur persoonlijk uit de wijk")))


def _error(field: str):
    return S.errors.get(field, "")


def _section(title: str, *children) -> rx.Component:
    heading_id = "sectie-" + title.lower().replace(" ", "-").replace("\u00eb", "e")
    return rx.el.section(
        rx.card(rx.vstack(rx.heading(t(title), as_="h2", size="5", id=heading_id), *children, spacing="3",
                          width="100%"), size="3", width="100%"),
        aria_labelledby=heading_id, width="100%",
    )


def _status() -> rx.Component:
    return _section(
        N_("Jouw verificatie"),
        rx.cond(
            S.verified,
            rx.vstack(
                rx.hstack(verified_badge(True), rx.text(t("Je bent geverifieerde buur van"), " ", S.wijk_name,
                                                        size="3", weight="bold"), wrap="wrap", align="center"),
                rx.text(t("Sinds"), " ", S.since, ", ", S.how, size="2", color=rx.color("gray", 11)),
                rx.text(t("Verhuis je naar een andere wijk, dan vervalt je verificatie."), size="2"),
                spacing="2", id="verification-status",
            ),
            rx.cond(
                S.has_wijk,
                rx.vstack(
                    rx.text(t("Laat je buren zien dat je echt in de wijk woont. Op het blad van een BUUV-prikbord "
                              "in je wijk staat rechtsboven een wijkcode; die verandert elke maand."), size="3"),
                    simple_form(
                        text_field("verify", "code", N_("Wijkcode van het prikbord"), _error("code"),
                                   autocomplete="off", max_length=12),
                        on_submit=S.enter_code, submit=N_("Verifiëren"), spacing="3",
                    ),
                    rx.text(t("Geen prikbord in de buurt? Een ambassadeur kan je ook bevestigen na een ontmoeting."),
                            size="2", color=rx.color("gray", 11)),
                    spacing="3", width="100%",
                ),
                rx.text(t("Kies eerst je wijk op je accountpagina."), " ",
                        rx.link(t("Naar mijn account"), href=routes.ACCOUNT), size="3"),
            ),
        ),
    )


def _choice() -> rx.Component:
    return _section(
        N_("Wie mag mij berichten sturen?"),
        rx.hstack(
            rx.checkbox(id="verified-messages", checked=S.messages_verified_only, on_change=S.choose_verified_messages,
                        size="3"),
            rx.el.label(t("Alleen geverifieerde buren mogen een gesprek met mij beginnen"), html_for="verified-messages",
                        cursor="pointer", min_width="0", flex="1"),
            align="start", spacing="3", width="100%",
        ),
        rx.text(t("Gesprekken die al lopen gaan gewoon door."), size="2", color=rx.color("gray", 11)),
    )


def _confirm() -> rx.Component:
    return _section(
        N_("Een buur bevestigen"),
        rx.text(t("Heb je deze buur in het echt ontmoet en woont die in jouw gemeente? Bevestig het hier."),
                size="3"),
        simple_form(
            text_field("confirm", "email", N_("E-mailadres van de buur"), _error("email"), type="email",
                       autocomplete="off"),
            rx.el.fieldset(
                rx.el.legend(t("Hoe hebben jullie elkaar ontmoet?"), font_weight="bold"),
                *[rx.el.label(rx.el.input(type="radio", name="meeting", value=value, id=f"confirm-meeting-{value}"),
                              " ", t(label), display="flex", gap="0.4rem", min_height="2.5rem", align_items="center")
                  for value, label in MEETINGS],
                rx.cond(_error("meeting") != "", rx.text(_error("meeting"), id="confirm-meeting-error",
                                                         color=rx.color("red", 11), size="2")),
                border="none", padding="0", margin="0", id="confirm-meeting",
            ),
            text_field("confirm", "met_on", N_("Op welke dag?"), _error("met_on"), type="date"),
            on_submit=S.confirm_neighbour, submit=N_("Bevestigen"), spacing="3",
        ),
        rx.cond(S.confirmed_message != "", rx.callout(S.confirmed_message, icon="check", color_scheme=styles.ACCENT,
                                                      role="status")),
    )


def _verified_row(row: rx.Var[VerifiedMemberRow]) -> rx.Component:
    form_id = "revoke-" + row.verification_id.to_string()
    return rx.el.li(
        rx.card(rx.vstack(
            rx.hstack(rx.text(row.display_name, weight="bold"), verified_badge(True), rx.text(row.wijk_name),
                      wrap="wrap", align="center"),
            rx.text(row.since, " · ", row.how, size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="verification_id", value=row.verification_id.to_string()),
                    rx.input(name="reason", id=form_id + "-reason", placeholder=t("Reden"), size="2", flex="1",
                             aria_label=t("Reden voor intrekken van") + " " + row.display_name, max_length=300),
                    rx.button(t("Intrekken"), type="submit", size="2", color_scheme="red", variant="soft"),
                    width="100%",
                ),
                on_submit=S.revoke_verification, reset_on_submit=False, width="100%",
            ),
            spacing="2", width="100%",
        ), width="100%"),
        list_style="none",
    )


def _revoke() -> rx.Component:
    return _section(
        N_("Geverifieerde buren in je gemeente"),
        rx.text(t("Intrekken komt in het logboek van de moderatie."), size="2", color=rx.color("gray", 11)),
        rx.cond(S.errors.get("reason", "") != "", form_error(S.errors.get("reason", ""))),
        rx.cond(S.verified_members.length() > 0,
                rx.el.ul(rx.foreach(S.verified_members, _verified_row), padding="0", margin="0", width="100%",
                         display="flex", flex_direction="column", gap="0.5rem"),
                rx.text(t("Nog niemand."), size="3")),
    )


@page(routes.VERIFY, title="Buur geverifieerd", on_load=S.load_verification, requires=Action.MANAGE_OWN_ACCOUNT)
def verification_page() -> rx.Component:
    return rx.cond(
        S.loaded,
        rx.vstack(
            rx.heading(t("Buur geverifieerd"), as_="h1", size="7"),
            _status(),
            _choice(),
            rx.cond(S.may_confirm, _confirm()),
            rx.cond(S.may_revoke, _revoke()),
            spacing="4", width="100%",
        ),
        loading_notice(),
    )

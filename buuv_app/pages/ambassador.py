"""/ambassadeur: the ambassador's dashboard; /ambassadeur/buur/nieuw and /ambassadeur/buur/<id>: a neighbour."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    field_error,
    form_error,
    neighbourhood_select,
    simple_form,
    submit_button,
    text_field,
)
from buuv_app.components.i18n import localized, t
from buuv_app.components.notices import not_found_notice
from buuv_app.components.posts import kind_badge, post_list
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.models.neighbour import BOARD_LOCATION_MAX, FIRST_NAME_MAX
from buuv_app.services.permissions import Action
from buuv_app.state.ambassador import (
    AmbassadorState,
    NeighbourFormState,
    NeighbourPostRow,
    NeighbourRow,
    WaitingRow,
)
from buuv_app.state.base import AppState
from buuv_app.state.browse import PlacesState

A = AmbassadorState
F = NeighbourFormState

LIST_STYLE = {"display": "flex", "flex_direction": "column", "gap": "0.6rem", "padding": "0", "margin": "0",
              "width": "100%"}


def _section(section_id: str, title: str, *children) -> rx.Component:
    return rx.el.section(
        rx.vstack(rx.heading(t(title), as_="h2", size="5", id=section_id), *children, spacing="3", width="100%"),
        aria_labelledby=section_id, width="100%",
    )


def _muted(*children, size: str = "2") -> rx.Component:
    return rx.text(*children, size=size, color=rx.color("gray", 11))


def _empty(message: str) -> rx.Component:
    return rx.text(t(message), size="3", color=rx.color("gray", 11))


# --- the dashboard ----------------------------------------------------------------------------

def _waiting_row(row: rx.Var[WaitingRow]) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.text(row.other_name, weight="bold", size="3"),
                        rx.badge(t("Voor"), " ", row.neighbour_name, color_scheme="blue", variant="soft", size="2",
                                 high_contrast=True),
                        align="center", spacing="2", wrap="wrap",
                    ),
                    rx.text(row.post_title, size="2", color=rx.color("gray", 11)),
                    rx.text(row.last_message, size="3"),
                    _muted(localized(row.ago_nl, row.ago_en), size="1"),
                    spacing="1",
                ),
                width="100%",
            ),
            href=row.url, underline="none", color="inherit", display="block",
            aria_label=row.other_name + " (" + t("voor") + " " + row.neighbour_name + "): " + row.post_title,
        ),
        list_style="none",
    )


ACCOUNT_LABELS = {"invited": N_("uitgenodigd voor een eigen account"), "joined": N_("heeft een eigen account")}


def _neighbour_card(row: rx.Var[NeighbourRow], *, mine: bool = True) -> rx.Component:
    can_post = row.has_consent & (row.account_status != "joined")
    actions = rx.hstack(
        rx.cond(
            can_post,
            rx.fragment(
                rx.button(rx.link(t("Vraag plaatsen"), href=row.request_url), as_child=True, size="3",
                          aria_label=t("Vraag plaatsen voor") + " " + row.first_name),
                rx.button(rx.link(t("Aanbod plaatsen"), href=row.offer_url), as_child=True, size="3", variant="outline",
                          aria_label=t("Aanbod plaatsen voor") + " " + row.first_name),
            ),
        ),
        rx.button(rx.link(t("Gegevens wijzigen"), href=row.edit_url), as_child=True, size="3", variant="soft",
                  aria_label=t("Gegevens wijzigen van") + " " + row.first_name),
        spacing="2", wrap="wrap",
    ) if mine else rx.fragment()
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(row.first_name, as_="h3", size="4"),
                    rx.text(row.neighbourhood_name, size="3", color=rx.color("gray", 11)),
                    rx.match(row.account_status,
                             *[(k, rx.badge(t(v), color_scheme="gray", variant="soft", high_contrast=True))
                               for k, v in ACCOUNT_LABELS.items()],
                             rx.fragment()),
                    align="baseline", spacing="2", wrap="wrap",
                ),
                rx.text(localized(row.contact_nl, row.contact_en), size="3"),
                rx.fragment() if mine else _muted(t("Ambassadeur:"), " ", row.ambassador_name, size="3"),
                rx.cond(
                    row.has_consent,
                    _muted(localized(row.consent_nl, row.consent_en)),
                    rx.text(rx.icon("triangle-alert", size=16, aria_hidden="true", display="inline",
                                    vertical_align="middle"), " ", localized(row.consent_nl, row.consent_en),
                            size="2", weight="medium", color=rx.color("orange", 11)),
                ),
                rx.cond(row.open_posts > 0, _muted(t("Open oproepen:"), " ", row.open_posts.to_string())),
                actions,
                spacing="2", width="100%",
            ),
            width="100%",
        ),
        list_style="none",
    )


def _post_row(row: rx.Var[NeighbourPostRow], date_label: rx.Component) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(kind_badge(row.kind),
                          rx.badge(t("Voor"), " ", row.neighbour_name, color_scheme="blue", variant="soft",
                                   high_contrast=True),
                          spacing="2", wrap="wrap"),
                rx.link(rx.heading(row.title, as_="h3", size="4"), href=row.url),
                date_label,
                spacing="2", width="100%",
            ),
            width="100%",
        ),
        list_style="none",
    )


def _open_post(row: rx.Var[NeighbourPostRow]) -> rx.Component:
    return _post_row(row, _muted(t("Staat online tot"), " ", localized(row.expires_nl, row.expires_en)))


def _expiring_post(row: rx.Var[NeighbourPostRow]) -> rx.Component:
    return _post_row(row, rx.text(
        rx.cond(row.expired, t("Verlopen op"), t("Verloopt op")), " ", localized(row.expires_nl, row.expires_en),
        size="2", weight="medium", color=rx.color("orange", 11)))


def _list(items, render, empty: str) -> rx.Component:
    return rx.cond(items.length() > 0, rx.el.ul(rx.foreach(items, render), **LIST_STYLE), _empty(empty))


def board_posts_section() -> rx.Component:
    """The open posts on the board locations this ambassador keeps, and where to record a
    reaction that came in on paper."""
    return _section(
        "sectie-prikborden", N_("Oproepen van mijn prikborden"),
        rx.link(rx.hstack(rx.icon("clipboard-pen", size=18, aria_hidden="true"),
                          rx.text(t("Reactie via een prikbord vastleggen"), as_="span"), spacing="2", align="center"),
                href=routes.PAPER_REACTIONS, size="3"),
        post_list(A.board_posts, _empty(N_("Er zijn nog geen prikborden aan jou gekoppeld."))),
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Ambassadeur"), as_="h1", size="7"),
        rx.text(t("Hier plaats je vragen en aanbod voor buren zonder smartphone, en houd je bij wie er reageert."),
                size="4"),
        rx.button(rx.link(rx.icon("user-plus", size=18, aria_hidden="true"), t("Buur toevoegen"),
                          href=routes.NEW_NEIGHBOUR), as_child=True, size="4"),
        _section("sectie-wachten", N_("Wachten op jouw antwoord"),
                 _list(A.waiting, _waiting_row, N_("Niemand wacht op een antwoord van jou."))),
        _section("sectie-buren", N_("Mijn buren"),
                 _list(A.neighbours, _neighbour_card, N_("Je hebt nog geen buren toegevoegd."))),
        _section("sectie-open", N_("Open oproepen van mijn buren"),
                 _list(A.open_posts, _open_post, N_("Er staan geen open oproepen van je buren."))),
        _section("sectie-verloopt", N_("Bijna verlopen"),
                 rx.cond(A.expiring.length() > 0,
                         _muted(t("Open de oproep om hem te verlengen of te sluiten."), size="3")),
                 _list(A.expiring, _expiring_post, N_("Er verloopt binnenkort niets."))),
        board_posts_section(),
        rx.cond(
            AppState.viewer_role == "professional",
            _section("sectie-gemeente", N_("Buren in jouw gemeente"),
                     _muted(t("Alle buren zonder account in jouw gemeente, met hun ambassadeur. Alleen jij en hun ambassadeur zien hoe ze bereikbaar zijn."),
                            size="3"),
                     _list(A.municipality_neighbours, lambda row: _neighbour_card(row, mine=False),
                           N_("Er zijn nog geen buren zonder account in jouw gemeente."))),
        ),
        spacing="5", width="100%",
    )


@page(routes.AMBASSADOR, title="Ambassadeur", on_load=AmbassadorState.load_dashboard, requires=Action.ACT_AS_AMBASSADOR)
def ambassador() -> rx.Component:
    return _dashboard()


# --- registering or changing a neighbour -------------------------------------------------------

def _error(field: str):
    return F.errors.get(field, "")


def _contact_choice(label: str, method: str) -> rx.Component:
    selected = F.contact_method == method
    return rx.button(t(label), type="button", size="3", variant=rx.cond(selected, "solid", "outline"),
                     aria_pressed=rx.cond(selected, "true", "false"), on_click=F.choose_contact_method(method),
                     white_space="normal", height="auto", min_height="2.75rem", padding_y="0.5rem")


def _contact() -> rx.Component:
    return rx.vstack(
        rx.text(t("Hoe bereik je deze buur als iemand reageert?"), weight="bold", id="neighbour-contact"),
        rx.hstack(
            _contact_choice(N_("Via mij"), "ambassador"),
            _contact_choice(N_("Per telefoon"), "phone"),
            _contact_choice(N_("Bij een prikbord"), "board"),
            spacing="2", wrap="wrap", role="group", aria_labelledby="neighbour-contact", id="neighbour-contact_method",
            tab_index=-1,
        ),
        field_error("neighbour-contact_method", _error("contact_method")),
        rx.cond(F.contact_method == "phone",
                text_field("neighbour", "phone", N_("Telefoonnummer"), _error("phone"), type="tel",
                           default_value=F.phone, autocomplete="off", max_length=25)),
        rx.cond(F.contact_method == "board",
                text_field("neighbour", "board_location", N_("Welk prikbord?"), _error("board_location"),
                           default_value=F.board_location, max_length=BOARD_LOCATION_MAX,
                           hint=N_("Bijvoorbeeld: Bibliotheek Merenwijk, bij de balie."))),
        spacing="2", width="100%",
    )


CONSENT_OPTIONS = (("", N_("Nog niet gevraagd")), ("verbal", N_("Mondeling")), ("paper", N_("Op papier")),
                   ("phone", N_("Telefonisch")))


def _consent() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("Toestemming"), font_weight="bold", font_size="1.1rem"),
        rx.vstack(
            rx.text(t("Vraag of BUUV de vraag of het aanbod mag plaatsen, en deze gegevens mag bewaren. Zonder toestemming kun je niets plaatsen."),
                    size="3"),
            rx.vstack(
                rx.el.label(t("Hoe gaf je buur toestemming?"), html_for="neighbour-consent_method", font_weight="600"),
                rx.el.select(
                    *[rx.el.option(t(label), value=value) for value, label in CONSENT_OPTIONS],
                    id="neighbour-consent_method", name="consent_method", default_value=F.consent_method,
                    aria_describedby="neighbour-consent_method-error",
                    font_size="1rem", padding="0.6rem", border_radius="8px", width="100%", min_height="2.75rem",
                    border=f"1px solid {rx.color('gray', 7)}", background="white",
                ),
                field_error("neighbour-consent_method", _error("consent_method")),
                spacing="1", width="100%",
            ),
            text_field("neighbour", "consent_given_on", N_("Op welke dag?"), _error("consent_given_on"), type="date",
                       default_value=F.consent_given_on),
            rx.cond(F.consent_nl != "", _muted(localized(F.consent_nl, F.consent_en), size="3")),
            spacing="3", width="100%",
        ),
        border="none", padding="0", margin="0", width="100%",
    )


def _neighbour_form() -> rx.Component:
    return rx.card(
        simple_form(
            form_error(_error("form")),
            text_field("neighbour", "first_name", N_("Voornaam"), _error("first_name"), default_value=F.first_name,
                       max_length=FIRST_NAME_MAX, autocomplete="off",
                       hint=N_("Alleen de voornaam. Buren zien die bij de oproepen.")),
            neighbourhood_select("neighbour", N_("Buurt"), PlacesState.groups, _error("neighbourhood"),
                                 default_value=F.neighbourhood_slug),
            _contact(),
            _consent(),
            on_submit=F.save_neighbour,
            submit=N_("Opslaan"),
            key=F.form_key,
            aria_label=t("Gegevens van de buur"),
        ),
        size="3", width="100%",
    )


def _own_account() -> rx.Component:
    return rx.el.section(
        rx.card(
            rx.vstack(
                rx.heading(t("Een eigen account"), as_="h2", size="5", id="sectie-account"),
                rx.cond(
                    F.account_status == "joined",
                    rx.text(F.first_name, " ", t("heeft een eigen account en plaatst nu zelf."), size="3"),
                    rx.vstack(
                        rx.text(t("Heeft je buur een e-mailadres? Dan kan je buur een eigen account krijgen. De oproepen die je plaatste, blijven staan en komen op dat account."),
                                size="3"),
                        rx.cond(F.account_status == "invited",
                                rx.callout(t("Er is een uitnodiging verstuurd. Die is nog niet geaccepteerd."),
                                           icon="mail", high_contrast=True, width="100%", role="status")),
                        rx.cond(
                            F.has_consent,
                            simple_form(
                                text_field("invite", "email", N_("E-mailadres van je buur"), _error("email"),
                                           type="email", autocomplete="off"),
                                on_submit=F.invite_neighbour,
                                submit=submit_button(N_("Uitnodiging sturen"), variant="outline"),
                                spacing="3",
                            ),
                            _muted(t("Leg eerst de toestemming vast en sla op; daarna kun je je buur uitnodigen."),
                                   size="3"),
                        ),
                        spacing="3", width="100%",
                    ),
                ),
                spacing="3", width="100%",
            ),
            size="3", width="100%",
        ),
        aria_labelledby="sectie-account", width="100%",
    )


def _neighbour_page(is_new: bool) -> rx.Component:
    heading = t("Buur toevoegen") if is_new else t("Gegevens van") + " " + F.first_name
    return rx.cond(
        F.found,
        rx.vstack(
            rx.link(t("← Terug naar Ambassadeur"), href=routes.AMBASSADOR, size="3"),
            rx.heading(heading, as_="h1", size="7"),
            rx.text(t("Vul alleen in wat nodig is. Het telefoonnummer en het prikbord zie jij, en de wijkprofessional van de gemeente; andere buren nooit."),
                    size="3"),
            _neighbour_form(),
            rx.fragment() if is_new else _own_account(),
            spacing="4", width="100%",
        ),
        not_found_notice(N_("Deze buur bestaat niet, of je bent niet de ambassadeur van deze buur.")),
    )


@page(routes.NEW_NEIGHBOUR, title="Buur toevoegen",
      on_load=[PlacesState.load_places, NeighbourFormState.load_neighbour_form], requires=Action.ACT_AS_AMBASSADOR)
def new_neighbour() -> rx.Component:
    return _neighbour_page(is_new=True)


@page(routes.NEIGHBOUR, title="Buur", on_load=[PlacesState.load_places, NeighbourFormState.load_neighbour_form],
      requires=Action.ACT_AS_AMBASSADOR)
def neighbour() -> rx.Component:
    return _neighbour_page(is_new=False)

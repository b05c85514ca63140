"""Role management pages: /beheer/ambassadeurs (professionals) and /beheer/professionals (admins)."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    field_error,
    simple_form,
    submit_button,
    text_field,
)
from buuv_app.components.i18n import t
from buuv_app.components.manage import manage_nav
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.services.permissions import Action
from buuv_app.services.roles import Member
from buuv_app.state.browse import PlacesState
from buuv_app.state.manage.roles import AmbassadorsState, ManageRolesState, ProfessionalsState


def _member_line(member: rx.Var[Member], *actions: rx.Component) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.text(member.display_name, weight="bold", size="3"),
                    rx.text(member.neighbourhood, rx.cond(member.municipality != "", ", " + member.municipality, ""),
                            size="2", color=rx.color("gray", 11)),
                    spacing="0",
                ),
                rx.spacer(),
                *actions,
                align="center",
                width="100%",
                wrap="wrap",
            ),
            width="100%",
        ),
        list_style="none",
    )


def _find_form(state: type[ManageRolesState]) -> rx.Component:
    return simple_form(
        text_field("find", "email", N_("E-mailadres van de bewoner"), state.errors.get("email", ""),
                   type="email"),
        on_submit=state.find_member,
        submit=submit_button(N_("Zoeken"), variant="outline"),
        spacing="3",
    )


def _list(state: type[ManageRolesState], empty: str, action) -> rx.Component:
    return rx.cond(
        state.members.length() > 0,
        rx.el.ul(rx.foreach(state.members, lambda m: _member_line(m, action(m))),
                 display="flex", flex_direction="column", gap="0.5rem", padding="0", margin="0", width="100%"),
        rx.text(t(empty), size="3"),
    )


def _page(state, route: str, title: str, intro: str, current: str, empty: str, revoke, grant_block) -> rx.Component:
    return rx.vstack(
        manage_nav(route),
        rx.heading(t(title), as_="h1", size="7"),
        rx.text(t(intro), size="3"),
        rx.heading(t(current), as_="h2", size="5"),
        _list(state, empty, revoke),
        rx.heading(t("Iemand toevoegen"), as_="h2", size="5"),
        _find_form(state),
        rx.cond(state.found, grant_block(state.found)),
        spacing="4",
        width="100%",
    )


@page(routes.MANAGE_AMBASSADORS, title="Ambassadeurs", on_load=AmbassadorsState.load_ambassadors,
      requires=Action.MANAGE_AMBASSADORS)
def manage_ambassadors() -> rx.Component:
    s = AmbassadorsState
    return _page(
        s, routes.MANAGE_AMBASSADORS, N_("Ambassadeurs"),
        N_("Ambassadeurs helpen buren zonder smartphone om hulp te vragen. Jij benoemt ze in jouw gemeente."),
        N_("Ambassadeurs in jouw gemeente"), N_("Er zijn nog geen ambassadeurs."),
        lambda m: rx.button(t("Rol intrekken"), variant="soft", color_scheme="red", size="2",
                            on_click=s.revoke_ambassador(m.id), aria_label=t("Rol intrekken") + ": " + m.display_name),
        lambda found: _member_line(found, rx.button(t("Maak ambassadeur"), size="2",
                                                    on_click=s.grant_ambassador(found.id))),
    )


@page(routes.MANAGE_PROFESSIONALS, title="Wijkprofessionals",
      on_load=[PlacesState.load_places, ProfessionalsState.load_professionals], requires=Action.MANAGE_PROFESSIONALS)
def manage_professionals() -> rx.Component:
    s = ProfessionalsState

    def grant(found):
        return rx.card(
            simple_form(
                rx.text(found.display_name, weight="bold", size="3"),
                rx.el.input(type="hidden", name="user_id", value=found.id.to_string()),
                rx.el.label(t("Werkt in gemeente"), html_for="grant-municipality", font_weight="600"),
                rx.el.select(
                    rx.foreach(PlacesState.groups, lambda g: rx.el.option(g.name, value=g.slug)),
                    id="grant-municipality", name="municipality", font_size="1rem", padding="0.5rem",
                    min_height="2.75rem", width="100%",
                ),
                field_error("grant-municipality", s.errors.get("municipality", "")),
                on_submit=s.grant_professional,
                submit=N_("Maak wijkprofessional"),
                spacing="2",
            ),
            width="100%",
        )

    return _page(
        s, routes.MANAGE_PROFESSIONALS, N_("Wijkprofessionals"),
        N_("Wijkprofessionals begeleiden de ambassadeurs en benoemen ze in hun eigen gemeente."),
        N_("Wijkprofessionals"), N_("Er zijn nog geen wijkprofessionals."),
        lambda m: rx.button(t("Rol intrekken"), variant="soft", color_scheme="red", size="2",
                            on_click=s.revoke_professional(m.id), aria_label=t("Rol intrekken") + ": " + m.display_name),
        grant,
    )

"""/buur/<id>: a member's profile, for members only (visitors are sent to log in, then back)."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.i18n import localized, t
from buuv_app.components.notices import found_or_not
from buuv_app.components.verification import verified_badge
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.profiles import ProfileState, ThanksView

P = ProfileState.profile


def _figure(count: rx.Var, label: str, figure_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(count, size="7", weight="bold"), rx.text(t(label), size="3"), spacing="1", align="center"),
        id=figure_id, flex="1", min_width="9rem",
    )


def _thanks(item: rx.Var[ThanksView]) -> rx.Component:
    return rx.el.li(
        rx.el.blockquote(item.text, font_style="italic", margin="0"),
        rx.text("— ", item.author_name, ", ", t("bij"), " ", rx.link(item.post_title, href=item.post_url),
                size="2", color=rx.color("gray", 11)),
        list_style="none", padding_y="0.4rem",
    )


def _profile() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(P.photo_url != "",
                    rx.image(src=P.photo_url, alt=t("Foto van") + " " + P.first_name, width="6rem", height="6rem",
                             object_fit="cover", border_radius="50%"),
                    rx.icon("circle-user-round", size=72, aria_hidden="true", color=rx.color("gray", 9))),
            rx.vstack(
                rx.heading(P.first_name, as_="h1", size="7", id="profile-name"),
                verified_badge(P.verified, id="profile-verified", margin_left="0"),
                rx.text(P.neighbourhood_name, size="3", id="profile-wijk"),
                rx.text(t("Lid sinds"), " ", localized(P.since_nl, P.since_en), size="3",
                        color=rx.color("gray", 11), id="profile-since"),
                spacing="1", align="start",
            ),
            spacing="4", align="center", width="100%",
        ),
        rx.cond(P.intro != "", rx.text(P.intro, size="4", white_space="pre-line", id="profile-intro")),
        rx.hstack(
            _figure(P.helped_count, N_("keer geholpen"), "profile-helped"),
            _figure(P.was_helped_count, N_("keer hulp gekregen"), "profile-was-helped"),
            spacing="3", wrap="wrap", width="100%",
        ),
        rx.cond(
            P.thanks.length() > 0,
            rx.el.section(
                rx.heading(t("Bedankjes van buren"), as_="h2", size="5"),
                rx.el.ul(rx.foreach(P.thanks, _thanks), padding="0", margin="0"),
                width="100%",
            ),
        ),
        rx.cond(ProfileState.is_self,
                rx.link(t("Je introductie en foto aanpassen"), href=routes.PROFILE_SETTINGS, size="3")),
        spacing="4", width="100%",
    )


@page(routes.PROFILE, title="Buur", on_load=ProfileState.load_profile)
def profile() -> rx.Component:
    return found_or_not(ProfileState.loaded, ProfileState.found, _profile(),
                        N_("Deze buur kennen we niet (meer). Misschien heeft hij of zij BUUV verlaten."))

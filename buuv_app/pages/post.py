"""/hulp/<id>: the public page of one request or offer."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.i18n import localized, t
from buuv_app.components.notices import found_or_not
from buuv_app.components.posts import category_label, demo_badge, kind_badge
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.state.browse import PostState


def _status_note() -> rx.Component:
    post = PostState.post
    return rx.match(
        post.status,
        ("matched", rx.callout(t("Geholpen! Deze vraag heeft een match gevonden."), icon="heart-handshake", high_contrast=True, color_scheme="grass")),
        ("closed", rx.callout(t("Dit bericht is gesloten."), icon="circle-x", high_contrast=True, color_scheme="gray")),
        ("in_contact", rx.callout(t("Er is al contact over dit bericht."), icon="message-circle", high_contrast=True, color_scheme="blue")),
        rx.fragment(),
    )


def _post() -> rx.Component:
    post = PostState.post
    return rx.vstack(
        rx.link(
            "← ", post.neighbourhood_name,
            href=post.neighbourhood_url,
            size="3",
        ),
        rx.el.article(
            rx.vstack(
                rx.hstack(kind_badge(post.kind), category_label(post), demo_badge(post.is_demo),
                          align="center", wrap="wrap", spacing="3"),
                rx.heading(post.title, as_="h1", size="7"),
                rx.text(
                    post.author_name, " · ", post.neighbourhood_name, ", ", post.municipality_name,
                    size="3", color=rx.color("gray", 11),
                ),
                rx.text(
                    t("Geplaatst op"), " ", localized(post.date_nl, post.date_en),
                    size="2", color=rx.color("gray", 11),
                ),
                _status_note(),
                rx.text(post.body, size="4", white_space="pre-line"),
                spacing="3",
                align="start",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@page(routes.POST, title="Hulp", on_load=PostState.load_post)
def post() -> rx.Component:
    return found_or_not(
        PostState.loaded,
        PostState.found,
        _post(),
        N_("Dit bericht bestaat niet (meer). Misschien is het al verwijderd."),
    )

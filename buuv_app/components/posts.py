"""Post cards for feeds, and the badges that say what a post is."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import styles
from buuv_app.components.i18n import localized, t
from buuv_app.components.icons import category_icon
from buuv_app.state.views import PostCardView


def kind_badge(kind: Var) -> rx.Component:
    return rx.cond(
        kind == "request",
        rx.badge(t("Vraag"), color_scheme=styles.REQUEST_COLOR, size="2", variant="soft", high_contrast=True),
        rx.badge(t("Aanbod"), color_scheme=styles.OFFER_COLOR, size="2", variant="soft", high_contrast=True),
    )


def demo_badge(is_demo: Var) -> rx.Component:
    return rx.cond(
        is_demo,
        rx.badge(t("voorbeeld"), color_scheme="gray", variant="soft", size="1",
                 title=t("Dit is een voorbeeldbericht van de demodata")),
    )


def members_badge(members_only: Var) -> rx.Component:
    return rx.cond(
        members_only,
        rx.badge(rx.icon("lock", size=12, aria_hidden="true"), t("alleen voor leden"), color_scheme="gray",
                 variant="soft", size="1", high_contrast=True),
    )


def category_label(post: Var) -> rx.Component:
    return rx.hstack(
        category_icon(post.category_icon, size=18),
        rx.text(localized(post.category_nl, post.category_en), size="2"),
        spacing="1",
        align="center",
        color=rx.color("gray", 11),
    )


def post_card(post: Var[PostCardView]) -> rx.Component:
    """One post in a feed: the whole card is one link to the post's page."""
    return rx.el.li(
        rx.link(
            rx.card(
                rx.vstack(
                    rx.hstack(
                        kind_badge(post.kind),
                        category_label(post),
                        rx.spacer(),
                        members_badge(post.members_only),
                        demo_badge(post.is_demo),
                        width="100%",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.hstack(
                        rx.vstack(
                            rx.heading(post.title, as_="h3", size="4", weight="bold"),
                            rx.text(post.excerpt, size="3", color=rx.color("gray", 12)),
                            spacing="1",
                            flex="1",
                        ),
                        rx.cond(post.thumb_url != "", rx.image(src=post.thumb_url, alt="", width="5rem",
                                                               height="5rem", object_fit="cover",
                                                               border_radius="8px", flex_shrink="0")),
                        width="100%",
                        align="start",
                    ),
                    rx.text(
                        post.author_name, " · ", post.neighbourhood_name, " · ",
                        localized(post.ago_nl, post.ago_en),
                        size="2", color=rx.color("gray", 11),
                    ),
                    spacing="2",
                    align="start",
                ),
                size="2",
                width="100%",
                _hover={"background": rx.color("accent", 2)},
            ),
            href=post.url,
            underline="none",
            color="inherit",
            display="block",
            aria_label=post.title,
        ),
        list_style="none",
    )


def post_list(items: Var[list[PostCardView]], empty_message: rx.Component) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.el.ul(
            rx.foreach(items, post_card),
            display="flex",
            flex_direction="column",
            gap="0.75rem",
            padding="0",
            margin="0",
            width="100%",
        ),
        empty_message,
    )

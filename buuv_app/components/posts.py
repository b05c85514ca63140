"""Post cards for feeds, and the badges that say what a post is."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes, styles
from buuv_app.components.i18n import localized, t
from buuv_app.components.icons import category_icon
from buuv_app.components.verification import verified_badge, verified_only_badge
from buuv_app.state.views import PostCardView


def ask_and_offer(size: str) -> rx.Component:
    """"Vraag om hulp" first and "Bied hulp aan" beside it: the two ways in to a new post."""
    return rx.hstack(
        rx.button(rx.link(t("Vraag om hulp"), href=routes.NEW_POST + "?soort=vraag"), as_child=True, size=size),
        rx.button(rx.link(t("Bied hulp aan"), href=routes.NEW_POST + "?soort=aanbod"), as_child=True,
                  size=size, variant="outline"),
        spacing="3",
        wrap="wrap",
    )


# The badges are plain elements styled by class (.pill in assets/buuv.css): a feed draws some of
# them on each of twenty cards, and a Radix badge with colour props is a component and CSS-in-JS
# work each time. They look like Radix's soft, high-contrast badges.
def pill(*children, tone: str, size: str = "1", **props) -> rx.Component:
    return rx.el.span(*children, class_name=f"pill pill-{size} pill-{tone}", **props)


def kind_badge(kind: Var) -> rx.Component:
    return rx.cond(
        kind == "request",
        pill(t("Vraag"), tone=styles.REQUEST_COLOR, size="2"),
        pill(t("Aanbod"), tone=styles.OFFER_COLOR, size="2"),
    )


def demo_badge(is_demo: Var) -> rx.Component:
    return rx.cond(is_demo, pill(t("voorbeeld"), tone="gray", title=t("Dit is een voorbeeldoproep van de demodata")))


def members_badge(members_only: Var) -> rx.Component:
    return rx.cond(
        members_only,
        pill(rx.icon("lock", size=12, aria_hidden="true"), t("alleen voor leden"), tone="gray"),
    )


def category_label(post: Var) -> rx.Component:
    return rx.el.span(
        category_icon(post.category_icon, size=18),
        localized(post.category_nl, post.category_en),
        class_name="category-label",
    )


def post_card(post: Var[PostCardView]) -> rx.Component:
    """One post in a feed: the whole card is one link to the post's page. Plain elements styled by
    class (.post-card in assets/buuv.css): a feed draws twenty of them at once, and on a phone each
    Radix component and style prop is work the page cannot respond during."""
    return rx.el.li(
        rx.link(
            rx.el.div(
                kind_badge(post.kind),
                category_label(post),
                rx.el.span(class_name="post-card-gap"),
                members_badge(post.members_only),
                verified_only_badge(post.verified_only),
                demo_badge(post.is_demo),
                class_name="post-card-top",
            ),
            rx.el.div(
                rx.el.div(
                    rx.el.h3(post.title, class_name="post-card-title"),
                    rx.el.p(post.excerpt, class_name="post-card-excerpt"),
                    class_name="post-card-text",
                ),
                rx.cond(post.thumb_url != "", rx.el.img(src=post.thumb_url, alt="", class_name="post-card-thumb",
                                                        width="80", height="80", loading="lazy")),
                class_name="post-card-body",
            ),
            rx.el.p(
                post.author_name, verified_badge(post.author_verified), " · ", post.neighbourhood_name, " · ",
                localized(post.ago_nl, post.ago_en),
                class_name="post-card-meta",
            ),
            href=post.url,
            underline="none",
            aria_label=post.title,
            class_name="post-link post-card",
        ),
    )


def post_list(items: Var[list[PostCardView]], empty_message: rx.Component) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.el.ul(rx.foreach(items, post_card), class_name="post-list"),
        empty_message,
    )

"""/hulp/<id>: the page of one request or offer, and /c/<code> from a paper board."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    form_error,
    simple_form,
    text_field,
    textarea_field,
)
from buuv_app.components.i18n import localized, t
from buuv_app.components.moderation import report_form
from buuv_app.components.notices import found_or_not, loading_notice, no_longer_open_notice, push_offer
from buuv_app.components.verification import verified_badge, verified_only_badge
from buuv_app.components.posts import (
    category_label,
    demo_badge,
    kind_badge,
    members_badge,
)
from buuv_app.components.profiles import profile_link
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.models import NOTE_MAX, THANK_YOU_MAX
from buuv_app.services.moderation import APPEAL_CLOSED_TEXT, HOLD_TEXT, SUSPENSION_TEXT
from buuv_app.state.base import AppState
from buuv_app.state.messaging import ReplyState
from buuv_app.state.post import SOMEONE_ELSE, HelperOption, PostState

P = PostState.post


def _member_link(name: rx.Var, url: rx.Var, **props) -> rx.Component:
    """A name linking to its profile for members (visitors read the name only: profiles are for
    members)."""
    return profile_link(name, rx.cond(AppState.logged_in, url, ""), **props)


def _status_note() -> rx.Component:
    return rx.match(
        P.status,
        ("matched", rx.callout(
            rx.vstack(
                rx.text(t("Geholpen! Deze vraag heeft een match gevonden."), weight="bold"),
                rx.cond(P.helped_by != "", rx.text(
                    t("Geholpen door"), " ",
                    _member_link(P.helped_by, P.helped_by_url, id="helped-by-link", high_contrast=True))),
                rx.cond(P.thank_you != "", rx.el.blockquote(P.thank_you, font_style="italic", margin="0")),
                spacing="1",
            ),
            icon="heart-handshake", high_contrast=True, color_scheme="grass")),
        ("closed", rx.callout(t("Deze oproep is gesloten."), icon="circle-x", high_contrast=True, color_scheme="gray")),
        ("in_contact", rx.callout(t("Er is al contact over deze oproep."), icon="message-circle", high_contrast=True,
                                  color_scheme="blue")),
        rx.fragment(),
    )


def _share() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(t("Code voor het prikbord:"), size="3"),
                rx.code(P.short_code, size="4", weight="bold"),
                align="center", spacing="2", wrap="wrap",
            ),
            rx.hstack(
                rx.button(rx.icon("share-2", size=18, aria_hidden="true"), t("Link kopiëren"),
                          on_click=[rx.set_clipboard(P.share_url), rx.toast.info(t("De link is gekopieerd."))],
                          variant="soft", size="3"),
                rx.link(t("Delen via WhatsApp"), href="https://wa.me/?text=" + P.share_url, is_external=True,
                        size="3"),
                align="center", spacing="3", wrap="wrap",
            ),
            rx.text(P.share_url, size="2", color=rx.color("gray", 11), word_break="break-all"),
            spacing="2",
        ),
        width="100%",
    )


def _author_actions() -> rx.Component:
    open_post = (P.status == "open") | (P.status == "in_contact")
    return rx.cond(
        PostState.is_author & open_post,
        rx.card(
            rx.vstack(
                rx.heading(t("Jouw oproep"), as_="h2", size="4"),
                form_error(PostState.errors.get("post", "")),
                rx.text(t("Staat online tot"), " ", localized(P.expires_nl, P.expires_en), size="3"),
                rx.hstack(
                    rx.cond(P.renewable,
                            rx.button(t("Verlengen (nog nodig)"), on_click=PostState.renew, variant="soft", size="3")),
                    rx.button(t("Sluiten"), on_click=PostState.close, variant="soft", color_scheme="gray", size="3"),
                    spacing="3", wrap="wrap",
                ),
                rx.el.details(
                    rx.el.summary(t("Ik ben geholpen / het is gelukt"), cursor="pointer", font_weight="600",
                                  padding_y="0.5rem"),
                    simple_form(
                        _who_helped(),
                        textarea_field("match", "thank_you", N_("Een bedankje op je oproep (mag leeg blijven)"),
                                       PostState.errors.get("thank_you", ""), max_length=THANK_YOU_MAX),
                        on_submit=PostState.mark_matched,
                        submit=N_("Zet op geholpen"),
                        spacing="3",
                    ),
                ),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
    )


# Each choice a full-width row at least 44 px high: a target for older fingers.
_RADIO_ROW = {"display": "flex", "gap": "0.4rem", "min_height": "2.75rem", "align_items": "center"}


def _helper_option(option: rx.Var[HelperOption]) -> rx.Component:
    return rx.el.label(rx.el.input(type="radio", name="helper", value=option.id), " ", option.name, **_RADIO_ROW)


def _who_helped() -> rx.Component:
    """"Wie hielp?": one of the people who wrote about this post, someone else (a name typed in),
    or nobody named."""
    radio = _RADIO_ROW
    return rx.el.fieldset(
        rx.el.legend(rx.cond(P.kind == "offer", t("Wie heb je geholpen?"), t("Wie hielp?")), font_weight="600"),
        rx.foreach(PostState.helper_options, _helper_option),
        rx.el.label(rx.el.input(type="radio", name="helper", value=SOMEONE_ELSE, id="match-someone-else"), " ",
                    t("Iemand anders / via het prikbord"), **radio),
        rx.el.label(rx.el.input(type="radio", name="helper", value="", default_checked=True), " ",
                    t("Zeg ik liever niet"), **radio),
        form_error(PostState.errors.get("helped_by_id", "")),
        text_field("match", "helped_by", N_("Naam (bij iemand anders; mag leeg blijven)"),
                   PostState.errors.get("helped_by", ""), max_length=60),
        border="none", padding="0", margin="0", id="match-helper",
    )


def _respond() -> rx.Component:
    """Reageer: starts (or reopens) a private conversation with the post's contact person."""
    open_post = (P.status == "open") | (P.status == "in_contact")
    return rx.cond(
        PostState.is_author,
        rx.link(t("Reacties op je oproep staan bij Berichten"), href=routes.INBOX, size="3"),
        rx.cond(
            open_post,
            rx.cond(
                AppState.logged_in,
                rx.button(rx.icon("message-circle", size=18, aria_hidden="true"), t("Reageer"),
                          on_click=ReplyState.reply(P.id), size="4", width="100%"),
                # The login page says why an account is needed and leads back here afterwards.
                rx.button(rx.link(rx.icon("message-circle", size=18, aria_hidden="true"), t("Reageer"),
                                  href=routes.LOGIN + "?next=/hulp/" + P.id.to_string()),
                          as_child=True, size="4", width="100%"),
            ),
        ),
    )


def _report() -> rx.Component:
    """"Melden" for a signed-in member who is not the author: a dialog with the reasons."""
    return rx.cond(
        AppState.logged_in & ~PostState.is_author,
        rx.dialog.root(
            rx.dialog.trigger(rx.button(rx.icon("flag", size=16, aria_hidden="true"), t("Melden"), variant="ghost",
                                        size="2", color_scheme="gray", high_contrast=True, id="report-post-open")),
            rx.dialog.content(
                rx.dialog.title(t("Deze oproep melden")),
                rx.cond(
                    PostState.report_sent,
                    rx.callout(t("Je melding is verstuurd. Je hoort van ons wat ermee gebeurd is."), icon="check",
                               high_contrast=True, role="status"),
                    report_form("report-post", PostState.report_post, PostState.errors),
                ),
                rx.dialog.close(rx.button(t("Sluiten"), variant="soft", color_scheme="gray", size="3", high_contrast=True,
                                          margin_top="0.75rem")),
                max_width="32rem",
            ),
        ),
    )


def _hidden_notice() -> rx.Component:
    """What the author of a hidden post reads (nobody else sees the post), with one appeal."""
    return rx.cond(
        P.hidden_cause != "",
        rx.callout(
            rx.vstack(
                rx.text(t("Deze oproep is verborgen: anderen zien hem niet."), weight="bold"),
                rx.match(P.hidden_cause, ("hold", rx.text(t(HOLD_TEXT))), ("suspension", rx.text(t(SUSPENSION_TEXT))),
                         rx.text(t("Reden:"), " ", P.hidden_reason)),
                rx.cond(
                    P.appealed,
                    rx.text(t("Je bezwaar is ontvangen. Een wijkprofessional kijkt er opnieuw naar."), id="appeal-sent"),
                    rx.cond(
                        P.appeal_closed,
                        rx.text(t(APPEAL_CLOSED_TEXT), id="appeal-closed"),
                        rx.el.details(
                            rx.el.summary(t("Bezwaar maken"), cursor="pointer", font_weight="600", padding_y="0.4rem"),
                            simple_form(
                                form_error(PostState.errors.get("form", "")),
                                textarea_field("appeal", "appeal", N_("Waarom mag je oproep weer zichtbaar worden?"),
                                               PostState.errors.get("appeal", ""), max_length=NOTE_MAX),
                                on_submit=PostState.appeal_post, submit=N_("Bezwaar versturen"), spacing="3",
                            ),
                        ),
                    ),
                ),
                spacing="2", width="100%",
            ),
            icon="eye-off", color_scheme="orange", high_contrast=True, width="100%", id="hidden-notice",
        ),
    )


def _post() -> rx.Component:
    return rx.vstack(
        rx.link("← ", P.neighbourhood_name, href=P.neighbourhood_url, size="3"),
        rx.el.article(
            rx.vstack(
                rx.hstack(kind_badge(P.kind), category_label(P), members_badge(P.members_only),
                          verified_only_badge(P.verified_only), demo_badge(P.is_demo),
                          align="center", wrap="wrap", spacing="3"),
                rx.heading(P.title, as_="h1", size="7"),
                rx.text(_member_link(P.author_name, P.author_url, id="author-link"), verified_badge(P.author_verified),
                        " · ", P.neighbourhood_name, ", ", P.municipality_name, size="3", color=rx.color("gray", 11)),
                rx.cond(P.via_ambassador != "",
                        rx.text(rx.icon("heart-handshake", size=16, aria_hidden="true", display="inline",
                                        vertical_align="middle"), " ", t("Geplaatst via ambassadeur"), " ",
                                _member_link(P.via_ambassador, P.ambassador_url, id="ambassador-link"),
                                size="3", color=rx.color("gray", 11))),
                rx.text(t("Geplaatst op"), " ", localized(P.date_nl, P.date_en), size="2", color=rx.color("gray", 11)),
                _status_note(),
                rx.cond(P.photo_url != "", rx.image(src=P.photo_url, alt=P.title, width="100%", max_width="32rem",
                                                    border_radius="12px")),
                rx.text(P.body, size="4", white_space="pre-line"),
                rx.text(rx.text(t("Wanneer:"), as_="span", weight="bold"), " ", localized(P.when_nl, P.when_en),
                        size="3"),
                spacing="3",
                align="start",
            ),
            width="100%",
            # A hidden post is greyed for its author.
            opacity=rx.cond(P.hidden_cause != "", "0.55", "1"),
        ),
        _hidden_notice(),
        push_offer(PostState.offer_push, PostState.dismiss_push_offer),
        rx.cond(P.hidden_cause == "", rx.fragment(_author_actions(), _respond(), _share())),
        _report(),
        spacing="4",
        width="100%",
    )


@page(routes.POST, title="Hulp", on_load=PostState.load_post)
def post() -> rx.Component:
    return rx.cond(
        PostState.loaded & PostState.gone,
        no_longer_open_notice(),
        found_or_not(
            PostState.loaded,
            PostState.found,
            _post(),
            N_("Deze oproep bestaat niet (meer). Misschien is hij al verwijderd."),
        ),
    )


@page(routes.SHORT_CODE, title="Code", on_load=PostState.open_code)
def short_code() -> rx.Component:
    return rx.cond(
        PostState.found,
        loading_notice(),
        rx.cond(
            PostState.loaded & PostState.gone,
            no_longer_open_notice(),
            found_or_not(PostState.loaded, PostState.found, rx.fragment(),
                         N_("Deze code kennen we niet. Kijk of je hem goed hebt overgenomen, zoals BUUV-7K3FQ.")),
        ),
    )

"""/berichten: my conversations; /berichten/<id>: one conversation, live."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.forms import (
    checkbox_field,
    field_error,
    form_error,
    simple_form,
)
from buuv_app.components.i18n import localized, t
from buuv_app.components.moderation import report_form
from buuv_app.components.notices import found_or_not, loading_notice, push_offer
from buuv_app.components.verification import verified_badge
from buuv_app.components.profiles import profile_link
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.models import MESSAGE_MAX
from buuv_app.state.messaging import (
    ConversationState,
    InboxRow,
    InboxState,
    MessageRow,
    UnsubscribeState,
)

C = ConversationState


def _neighbour_label(name: rx.Var[str]) -> rx.Component:
    """For an ambassador: which neighbour the post was placed for."""
    return rx.cond(name != "", rx.badge(rx.icon("heart-handshake", size=14, aria_hidden="true"), t("Voor"), " ", name,
                                        color_scheme="blue", variant="soft", size="2", high_contrast=True))


def _ambassador_label(name: rx.Var[str]) -> rx.Component:
    """For a helper: the other person is an ambassador, writing for a neighbour without a phone."""
    return rx.cond(name != "", rx.text(rx.icon("heart-handshake", size=16, aria_hidden="true", display="inline",
                                               vertical_align="middle"), " ", t("ambassadeur, voor"), " ", name,
                                       size="3", color=rx.color("gray", 11), class_name="ambassador-for"))


def _inbox_row(row: rx.Var[InboxRow]) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.card(
                rx.hstack(
                    rx.vstack(
                        rx.text(row.other_name, verified_badge(row.other_verified), weight="bold", size="3"),
                        _neighbour_label(row.neighbour_name),
                        _ambassador_label(row.ambassador_for),
                        rx.text(row.post_title, size="2", color=rx.color("gray", 11)),
                        rx.text(rx.cond(row.last_mine, rx.text(t("Jij:"), " ", as_="span", weight="medium"), ""),
                                row.last_message, size="3", class_name="inbox-last"),
                        rx.text(localized(row.ago_nl, row.ago_en), size="2", color=rx.color("gray", 11)),
                        spacing="1", flex="1",
                    ),
                    rx.cond(row.unread > 0, rx.badge(row.unread, " ", t("nieuw"), color_scheme="red", variant="solid",
                                                     high_contrast=True)),
                    align="start", width="100%",
                ),
                width="100%",
            ),
            href=row.url, underline="none", color="inherit", display="block",
            aria_label=rx.cond(row.neighbour_name != "",
                               row.other_name + " (" + t("voor") + " " + row.neighbour_name + "): " + row.post_title,
                               row.other_name + ": " + row.post_title),
        ),
        list_style="none",
    )


@page(routes.INBOX, title="Berichten", on_load=InboxState.load_inbox)
def inbox() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Berichten"), as_="h1", size="7"),
        rx.cond(
            InboxState.loaded,
            rx.cond(
                InboxState.conversations.length() > 0,
                rx.el.ul(rx.foreach(InboxState.conversations, _inbox_row), display="flex", flex_direction="column",
                         gap="0.6rem", padding="0", margin="0", width="100%"),
                rx.callout(t("Nog geen gesprekken. Reageer op een vraag of aanbod om er een te beginnen."),
                           icon="info", high_contrast=True, width="100%"),
            ),
            loading_notice(),
        ),
        spacing="4", width="100%",
    )


def _bubble(message: rx.Var[MessageRow]) -> rx.Component:
    return rx.el.li(
        rx.box(
            rx.text(message.body, size="3", white_space="pre-line"),
            rx.hstack(
                rx.text(message.sender_name, " · ", localized(message.ago_nl, message.ago_en), size="2",
                        color=rx.color("gray", 11)),
                # Report this one message (the form is under "Blokkeren of melden").
                rx.cond(~message.mine,
                        rx.el.button(t("Melden"), type="button", on_click=[
                            rx.call_script("document.getElementById('safety').open = true"),
                            C.choose_report_message(message.id)],
                            class_name="report-message", font_size="0.9rem", min_height="2.75rem", text_decoration="underline",
                            background="none", border="none", padding="0", cursor="pointer",
                            color=rx.color("gray", 11), aria_label=t("Meld dit bericht"))),
                spacing="2", align="center", wrap="wrap",
            ),
            background=rx.cond(message.mine, rx.color("accent", 3), "white"),
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="12px", padding="0.6rem 0.8rem", max_width="85%",
        ),
        display="flex", justify_content=rx.cond(message.mine, "flex-end", "flex-start"), list_style="none",
        custom_attrs={"data-message-id": message.id},  # how far this was seen (assets/seen.js)
    )


def _composer() -> rx.Component:
    return rx.cond(
        C.blocked,
        rx.callout(t("Je hebt deze buur geblokkeerd, of deze buur jou. Berichten sturen kan niet."),
                   icon="ban", high_contrast=True, color_scheme="gray", width="100%"),
        rx.cond(
            C.post_open,
            simple_form(
                form_error(C.errors.get("form", "")),
                rx.el.label(t("Je bericht"), html_for="chat-message", font_weight="600"),
                rx.text_area(id="chat-message", name="message", rows="3", size="3", width="100%",
                             max_length=MESSAGE_MAX, aria_describedby="chat-message-error"),
                field_error("chat-message", C.errors.get("message", "")),
                # The device's outbox gives the message its id, keeps it until the server has it
                # and shows it as "wordt verstuurd" meanwhile (assets/outbox.js).
                on_submit=rx.call_script("buuvOutbox.queue()", callback=C.send),
                submit=N_("Versturen"),
                spacing="2",
            ),
            rx.callout(t("Deze oproep is gesloten; je kunt hier niet meer schrijven."), icon="lock",
                       high_contrast=True, color_scheme="gray", width="100%"),
        ),
    )


def _report() -> rx.Component:
    return rx.cond(
        C.report_sent,
        rx.callout(t("Je melding is verstuurd. Je hoort van ons wat ermee gebeurd is."), icon="check",
                   high_contrast=True, width="100%", role="status"),
        rx.vstack(
            rx.cond(C.report_message_id > 0,
                    rx.hstack(rx.text(t("Je meldt één bericht:"), " “", C.report_message_text, "”",
                                      size="3", weight="bold"),
                              rx.button(t("Het hele gesprek melden"), on_click=C.choose_report_message(0),
                                        variant="ghost", size="2", type="button", high_contrast=True),
                              align="center", wrap="wrap"),
                    rx.text(t("Je meldt dit gesprek. Wil je één bericht melden? Kies dan Melden bij dat bericht."),
                            size="3")),
            report_form("report", C.report_conversation, C.errors, checkbox_field(
                "report", "share", rx.text(t("Deel de berichten eromheen met de wijkprofessional (anders ziet die "
                                             "alleen het gemelde bericht, of bij een heel gesprek niets ervan)")),
                C.errors.get("share", "")), submit=N_("Melden")),
            spacing="2", width="100%",
        ),
    )


def _safety() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("Blokkeren of melden"), cursor="pointer", padding_y="0.4rem"),
        rx.vstack(
            rx.cond(
                C.blocked,
                rx.button(t("Blokkade opheffen"), on_click=C.unblock_person, variant="soft", size="2"),
                rx.button(t("Blokkeer deze buur"), on_click=C.block_person, variant="soft", color_scheme="red",
                          size="2"),
            ),
            _report(),
            spacing="3", padding_top="0.5rem",
        ),
        id="safety",
    )


def _conversation() -> rx.Component:
    return rx.vstack(
        rx.link(t("← Alle berichten"), href=routes.INBOX, size="3"),
        rx.heading(profile_link(C.other_name, C.other_url, id="other-link"), verified_badge(C.other_verified),
                   as_="h1", size="6"),
        _neighbour_label(C.neighbour_name),
        _ambassador_label(C.ambassador_for),
        rx.cond(C.ambassador_for != "",
                rx.callout(C.ambassador_for + " " + t("heeft geen smartphone: de ambassadeur geeft je bericht door. "
                                                    "Schrijf wat je kunt doen en wanneer."),
                           icon="info", high_contrast=True, size="1", width="100%", id="ambassador-hint")),
        rx.cond(C.post_url != "", rx.link(C.post_title, href=C.post_url, size="3"),
                rx.text(C.post_title, size="3", color=rx.color("gray", 11))),
        rx.el.ul(rx.foreach(C.messages, _bubble), id="chat-messages", aria_live="polite",
                 custom_attrs={"data-conversation": C.conversation_id},
                 display="flex", flex_direction="column", gap="0.5rem", padding="0", margin="0", width="100%"),
        rx.el.ul(id="chat-pending", aria_live="polite"),
        push_offer(C.offer_push, C.dismiss_push_offer),
        _composer(),
        _safety(),
        spacing="3", width="100%",
    )


@page(routes.CONVERSATION, title="Gesprek", on_load=ConversationState.load_conversation)
def conversation() -> rx.Component:
    return found_or_not(C.loaded, C.found, _conversation(),
                        N_("Dit gesprek bestaat niet, of je doet er niet aan mee."))


@page(routes.UNSUBSCRIBE, title="Uitschrijven", on_load=UnsubscribeState.unsubscribe)
def unsubscribe() -> rx.Component:
    return rx.cond(
        UnsubscribeState.loaded,
        rx.card(
            rx.vstack(
                rx.heading(t("Mail over berichten"), as_="h1", size="6"),
                rx.cond(
                    UnsubscribeState.done,
                    rx.text(t("Je krijgt geen mail meer over nieuwe berichten. Aanzetten kan weer op je accountpagina."),
                            size="3"),
                    rx.text(t("Deze link klopt niet. Je kunt de mails ook uitzetten op je accountpagina."), size="3"),
                ),
                rx.button(rx.link(t("Naar mijn account"), href=routes.ACCOUNT), as_child=True, size="3"),
                spacing="3",
            ),
            size="3", width="100%", role="status",
        ),
        loading_notice(),
    )

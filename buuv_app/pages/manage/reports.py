"""/beheer/meldingen: the moderation queue (open, in progress with me, resolved), each report with
its item, the messages the reporter shared, earlier reports about the member, the audit log and
the actions."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.forms import form_error
from buuv_app.components.i18n import t
from buuv_app.components.manage import manage_nav
from buuv_app.components.notices import empty_notice
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.models import NOTE_MAX
from buuv_app.services.permissions import Action
from buuv_app.state.manage.reports import HistoryRow, ModerationQueueState, QueueRow, SharedRow

Q = ModerationQueueState
TAB_LABELS = (("open", N_("Open")), ("mine", N_("In behandeling (door mij)")), ("resolved", N_("Afgehandeld")))
SUSPEND_OPTIONS = (("7", N_("7 dagen")), ("30", N_("30 dagen")), ("90", N_("90 dagen")), ("voorgoed", N_("voorgoed")))


def _tabs() -> rx.Component:
    return rx.hstack(
        *[rx.button(t(label), on_click=Q.show_tab(tab), size="3",
                    variant=rx.cond(Q.tab == tab, "solid", "soft"), aria_pressed=rx.cond(Q.tab == tab, "true", "false"),
                    class_name="queue-tab", high_contrast=True) for tab, label in TAB_LABELS],
        spacing="2", wrap="wrap",
    )


def _message(message: Var[SharedRow]) -> rx.Component:
    return rx.el.li(
        rx.text(rx.text(message.sender, ": ", as_="span", weight="bold"), message.body, size="3",
                white_space="pre-line"),
        background=rx.cond(message.reported, rx.color("orange", 3), "transparent"),
        border_left=rx.cond(message.reported, f"3px solid {rx.color('orange', 9)}", "3px solid transparent"),
        padding="0.3rem 0.6rem", list_style="none",
    )


def _history(line: Var[HistoryRow]) -> rx.Component:
    return rx.el.li(line.line, font_size="0.9rem")


def _item(item: Var[QueueRow]) -> rx.Component:
    return rx.cond(
        item.is_post,
        rx.vstack(
            rx.link(item.post_title, href=item.post_url, size="4", weight="bold"),
            rx.text(item.post_body, size="3", white_space="pre-line", color=rx.color("gray", 12)),
            spacing="1", width="100%",
        ),
        rx.vstack(
            rx.text(t("Gesprek over:"), " ", rx.link(item.post_title, href=item.post_url), size="3"),
            rx.cond(
                item.messages.length() > 0,
                rx.el.ul(rx.foreach(item.messages, _message), padding="0", margin="0", width="100%"),
                rx.text(t("De melder deelde geen berichten uit het gesprek."), size="2", color=rx.color("gray", 11)),
            ),
            spacing="1", width="100%",
        ),
    )


def _choice(item: Var[QueueRow], value: str, label: Var | str) -> rx.Component:
    field_id = "act-" + item.report_id.to_string() + "-action-" + value
    return rx.el.label(
        rx.el.input(type="radio", name="action", value=value, id=field_id, width="1.2rem", height="1.2rem"),
        label, html_for=field_id, display="flex", gap="0.5rem", align_items="center", cursor="pointer",
    )


def _actions(item: Var[QueueRow]) -> rx.Component:
    prefix = "act-" + item.report_id.to_string()
    mine = Q.acting_on == item.report_id
    open_item = item.status != "resolved"
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="report_id", value=item.report_id.to_string()),
            rx.cond(mine, form_error(Q.errors.get("form", ""))),
            rx.el.fieldset(
                rx.el.legend(t("Wat gebeurt er?"), font_weight="600"),
                rx.cond(open_item, rx.fragment(
                    _choice(item, "no_action", t("Geen actie (met reden)")),
                    rx.cond(item.is_post, _choice(item, "hide", rx.cond(item.held, t("Verbergen bevestigen"),
                                                                        t("Oproep verbergen")))),
                    rx.cond(~item.is_appeal, rx.fragment(
                        _choice(item, "warn", t("Waarschuwen (de buur ziet het bij het volgende bezoek)")),
                        _choice(item, "suspend", t("Schorsen")),
                    )),
                )),
                _choice(item, "restore", t("Terugzetten (oproep weer zichtbaar, schorsing opheffen)")),
                rx.cond(mine & (Q.errors.get("action", "") != ""),
                        rx.text(Q.errors.get("action", ""), color=rx.color("red", 11), size="2")),
                id=prefix + "-action", tab_index=-1, border="none", padding="0", margin="0",
                display="flex", flex_direction="column", gap="0.3rem",
            ),
            rx.el.label(t("Reden of bericht aan de buur (komt in het logboek)"), html_for=prefix + "-reason",
                        font_weight="600"),
            rx.text_area(id=prefix + "-reason", name="reason", rows="2", size="2", width="100%", max_length=NOTE_MAX),
            rx.cond(mine & (Q.errors.get("reason", "") != ""),
                    rx.text(Q.errors.get("reason", ""), color=rx.color("red", 11), size="2", role="alert")),
            rx.cond(open_item & ~item.is_appeal, rx.hstack(
                rx.el.label(t("Schorsen voor"), html_for=prefix + "-days", font_weight="600"),
                rx.el.select(*[rx.el.option(t(label), value=value) for value, label in SUSPEND_OPTIONS],
                             id=prefix + "-days", name="days", font_size="1rem", padding="0.3rem"),
                rx.cond(mine & (Q.errors.get("days", "") != ""),
                        rx.text(Q.errors.get("days", ""), color=rx.color("red", 11), size="2")),
                align="center", spacing="2", wrap="wrap",
            )),
            rx.button(t("Uitvoeren"), type="submit", size="3"),
            spacing="2", width="100%",
        ),
        on_submit=Q.act,
        reset_on_submit=True,
        width="100%",
    )


def _card(item: Var[QueueRow]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.badge(item.reason, size="2", color_scheme=rx.cond(item.is_appeal, "blue", "orange"),
                             high_contrast=True),
                    rx.text(item.when, size="2"),
                    rx.text(item.status_label, size="2", color=rx.color("gray", 11)),
                    rx.cond(item.reporters > 1, rx.badge(item.reporters.to_string() + " ", t("melders"), size="2")),
                    rx.cond(item.grouped > 0, rx.badge("+", item.grouped.to_string(), " ",
                                                       t("van dezelfde melder (gegroepeerd)"), size="2",
                                                       variant="outline")),
                    rx.cond(item.held, rx.badge(t("Automatisch verborgen, wacht op beoordeling"), color_scheme="red",
                                                size="2", high_contrast=True),
                            rx.cond(item.hidden, rx.badge(t("Verborgen"), color_scheme="gray", size="2"))),
                    rx.cond(item.assignee != "", rx.text(t("Bij:"), " ", item.assignee, size="2")),
                    spacing="2", align="center", wrap="wrap", width="100%",
                ),
                _item(item),
                rx.cond(item.note != "", rx.el.blockquote(
                    rx.text(rx.cond(item.is_appeal, t("Bezwaar:"), t("Toelichting van de melder:")), " ", item.note,
                            size="3"), margin="0", padding_left="0.6rem",
                    border_left=f"3px solid {rx.color('gray', 6)}")),
                rx.text(
                    t("Over:"), " ", rx.text(item.subject_name, as_="span", weight="bold"),
                    rx.cond(item.subject_suspended, rx.text(" (", t("geschorst"), ")", as_="span")),
                    " · ", t("eerdere meldingen over deze buur:"), " ", item.earlier.to_string(), size="3",
                ),
                rx.cond(item.history.length() > 0, rx.el.details(
                    rx.el.summary(t("Logboek"), cursor="pointer", font_weight="600"),
                    rx.el.ul(rx.foreach(item.history, _history), margin="0.3rem 0 0 1rem", padding="0"),
                    open=True,
                )),
                rx.cond(item.outcome != "", rx.text(t("Besluit:"), " ", item.outcome, size="3", weight="bold")),
                rx.cond((item.status == "open") | ((item.status == "in_progress") & ~item.mine),
                        rx.button(t("Oppakken"), on_click=Q.take_report(item.report_id), variant="soft", size="2",
                                  high_contrast=True)),
                _actions(item),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        list_style="none",
        class_name="queue-item",
    )


@page(routes.MANAGE_REPORTS, title="Meldingen", on_load=Q.load_queue, requires=Action.MODERATE, wide=True)
def reports() -> rx.Component:
    return rx.vstack(
        manage_nav(routes.MANAGE_REPORTS),
        rx.heading(t("Meldingen"), as_="h1", size="7"),
        rx.text(t("Oudste eerst. Je ziet van een gesprek alleen de berichten die de melder deelde."), size="3"),
        _tabs(),
        rx.cond(
            Q.items.length() > 0,
            rx.el.ul(rx.foreach(Q.items, _card), display="flex", flex_direction="column", gap="1rem", padding="0",
                     margin="0", width="100%", id="queue"),
            empty_notice(N_("Geen meldingen hier.")),
        ),
        spacing="4", width="100%",
    )

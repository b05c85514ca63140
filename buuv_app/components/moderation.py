"""Moderation pieces shared by the pages: the report form with the reasons, a member's notices."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.components.forms import field_error, form_error, simple_form, textarea_field
from buuv_app.components.i18n import t
from buuv_app.i18n import N_
from buuv_app.models import NOTE_MAX
from buuv_app.services.moderation import REASONS


def reason_choices(form: str, error: Var) -> rx.Component:
    """The reasons as large radio buttons in a fieldset (one tab stop, arrows choose)."""
    return rx.el.fieldset(
        rx.el.legend(t("Wat is er mis?"), font_weight="600", margin_bottom="0.3rem"),
        *[rx.el.label(
            rx.el.input(type="radio", name="reason", value=code, id=f"{form}-reason-{code}",
                        width="1.3rem", height="1.3rem", flex_shrink="0"),
            t(label), html_for=f"{form}-reason-{code}",
            display="flex", gap="0.6rem", align_items="center", cursor="pointer", padding_y="0.25rem",
        ) for code, label in REASONS.items()],
        field_error(f"{form}-reason", error),
        id=f"{form}-reason", tab_index=-1, border="none", padding="0", margin="0",
        aria_describedby=f"{form}-reason-error",
    )


def report_form(form: str, on_submit, errors: Var, *extra: rx.Component, submit: str = N_("Melden")) -> rx.Component:
    """Reason, an optional note, and whatever the item adds (which messages to share)."""
    return simple_form(
        form_error(errors.get("form", "")),
        reason_choices(form, errors.get("reason", "")),
        textarea_field(form, "note", N_("Toelichting (mag leeg blijven)"), errors.get("note", ""),
                       max_length=NOTE_MAX),
        *extra,
        rx.text(t("De ander ziet niet dat jij meldt. Een wijkprofessional van je gemeente kijkt ernaar en laat je "
                  "weten wat er gebeurd is. Bij direct gevaar: bel 112."), size="2", color=rx.color("gray", 11)),
        on_submit=on_submit,
        submit=submit,
        spacing="3",
        id=f"{form}-form",
    )

"""Form pieces with labels, hints and errors wired for screen readers; large and tappable."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.components.i18n import t
from buuv_app.i18n import N_
from buuv_app.services.places import MunicipalityGroup

PASSWORD_HINT = N_("Minstens 8 tekens. Een zinnetje van een paar woorden is sterk en makkelijk te onthouden.")


def field_error(field_id: str, error: Var) -> rx.Component:
    return rx.cond(
        error != "",
        rx.text(error, id=f"{field_id}-error", color=rx.color("red", 11), size="2", weight="medium"),
    )


def text_field(
    form: str, name: str, label: str, error: Var, *, type: str = "text", hint: str | None = None,
    autocomplete: str | None = None, default_value: Var | str | None = None, max_length: int | None = None,
) -> rx.Component:
    """A labelled input; `error` is this field's message ("" when fine)."""
    field_id = f"{form}-{name}"
    described = f"{field_id}-error" + (f" {field_id}-hint" if hint else "")
    extra = {}
    if default_value is not None:
        extra["default_value"] = default_value
    if max_length is not None:
        extra["max_length"] = max_length
    if autocomplete:
        extra["auto_complete"] = autocomplete
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, font_weight="600"),
        rx.text(t(hint), id=f"{field_id}-hint", size="2", color=rx.color("gray", 11)) if hint else rx.fragment(),
        rx.input(
            id=field_id, name=name, type=type, size="3", width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"), aria_describedby=described, **extra,
        ),
        field_error(field_id, error),
        spacing="1",
        width="100%",
    )


def textarea_field(form: str, name: str, label: str, error: Var, *, default_value: Var | str = "",
                   max_length: int | None = None) -> rx.Component:
    field_id = f"{form}-{name}"
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, font_weight="600"),
        rx.text_area(id=field_id, name=name, default_value=default_value, size="3", width="100%",
                     rows="5", max_length=max_length, aria_describedby=f"{field_id}-error",
                     aria_invalid=rx.cond(error != "", "true", "false")),
        field_error(field_id, error),
        spacing="1",
        width="100%",
    )


def checkbox_field(form: str, name: str, label: rx.Component, error: Var) -> rx.Component:
    field_id = f"{form}-{name}"
    return rx.vstack(
        rx.el.label(
            rx.el.input(type="checkbox", id=field_id, name=name, width="1.4rem", height="1.4rem",
                        flex_shrink="0", aria_describedby=f"{field_id}-error"),
            label,
            html_for=field_id,
            display="flex", gap="0.6rem", align_items="flex-start", cursor="pointer",
        ),
        field_error(field_id, error),
        spacing="1",
        width="100%",
    )


def neighbourhood_select(form: str, label: str, groups: Var[list[MunicipalityGroup]], error: Var,
                         default_value: Var | str = "") -> rx.Component:
    """A native select (the phone's own picker) with the wijken grouped by town and district."""
    field_id = f"{form}-neighbourhood"

    def district_options(district):
        return rx.el.optgroup(
            rx.foreach(district.neighbourhoods, lambda n: rx.el.option(n.name, value=n.slug)),
            label=rx.cond(district.name != "", district.name, t("Wijken")),
        )

    def town(group):
        return rx.fragment(
            rx.el.option("— " + group.name + " —", disabled=True, value=""),
            rx.foreach(group.districts, district_options),
        )

    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, font_weight="600"),
        rx.el.select(
            rx.el.option(t("Kies je buurt…"), value=""),
            rx.foreach(groups, town),
            id=field_id, name="neighbourhood", default_value=default_value,
            key=default_value,
            aria_describedby=f"{field_id}-error",
            font_size="1rem", padding="0.6rem", border_radius="8px", width="100%",
            border=f"1px solid {rx.color('gray', 7)}", background="white", min_height="2.75rem",
        ),
        field_error(field_id, error),
        spacing="1",
        width="100%",
    )


def form_error(error: Var) -> rx.Component:
    return rx.cond(error != "", rx.callout(error, icon="triangle-alert", high_contrast=True, color_scheme="red", role="alert", width="100%"))


def submit_button(label: str, **props) -> rx.Component:
    return rx.button(t(label), type="submit", size="3", width="100%", **props)


def simple_form(*fields: rx.Component, on_submit, submit: str | rx.Component, spacing: str = "4",
                **props) -> rx.Component:
    """Fields stacked with a submit button. What was typed stays when the server finds a problem."""
    button = submit_button(submit) if isinstance(submit, str) else submit
    return rx.form(
        rx.vstack(*fields, button, spacing=spacing, width="100%"),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
        **props,
    )

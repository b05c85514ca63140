"""Pieces of a prikbord's card, shared by the public list and the back office."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.components.i18n import t


def sample_badge(is_sample: Var) -> rx.Component:
    return rx.cond(
        is_sample,
        rx.badge(t("voorbeeld"), color_scheme="gray", variant="soft", size="2", high_contrast=True,
                 title=t("Een voorbeeldlocatie: nog geen echt prikbord")),
    )


def board_detail(label: str, value: Var) -> rx.Component:
    """"Open: ma-vr 9-17", or nothing when the board says nothing."""
    return rx.cond(value != "", rx.text(rx.text(t(label), as_="span", weight="bold"), " ", value, size="3"))

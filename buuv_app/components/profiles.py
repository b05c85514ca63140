"""Pieces of a member's profile shown beside a name: the link to the profile, and badges."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.components.i18n import t


def profile_link(name: Var, url: Var, **props) -> rx.Component:
    """A member's name, linking to their profile when there is one (`url` "" for a neighbour
    without an account, a demo person or someone who left). Underlined: it sits inside a line of
    text, where colour alone does not tell a link apart."""
    return rx.cond(url != "", rx.link(name, href=url, underline="always", **props), rx.text(name, as_="span", **props))

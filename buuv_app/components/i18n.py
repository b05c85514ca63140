"""Translated text in compiled pages: each message becomes a switch on the visitor's locale."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.i18n import gettext
from buuv_app.state.base import AppState


def t(msgid: str) -> Var:
    """The message in the visitor's language (Dutch until the browser says otherwise)."""
    english = gettext(msgid, "en")
    if english == msgid:
        return Var.create(msgid)
    return rx.cond(AppState.locale == "en", english, msgid)


def localized(dutch: Var, english: Var) -> Var:
    """Pick one of two data values (say a category's two names) by the visitor's language."""
    return rx.cond(AppState.locale == "en", english, dutch)

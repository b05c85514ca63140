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


def t_client(msgid: str) -> rx.Component:
    """The message in both languages, of which CSS shows the one for <html lang> (assets/buuv.css).

    For what must read right without the server: t() follows AppState.locale, which only the
    server fills in, so offline or before the page has connected it says Dutch to everyone. The
    language cookie is read in the browser (assets/lang.js) and kept in <html lang>.
    """
    return rx.fragment(
        rx.el.span(msgid, class_name="lang-nl"),
        rx.el.span(gettext(msgid, "en"), class_name="lang-en", lang="en"),
    )

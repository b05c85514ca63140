"""The house rules and the privacy statement, written as documents in buuv_app/content/."""

from __future__ import annotations

from pathlib import Path

import reflex as rx

from buuv_app import routes
from buuv_app.components.document import markdown_document
from buuv_app.layout import page
from buuv_app.state.base import AppState

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def _document(name: str) -> rx.Component:
    """Long texts are translated as whole documents: Dutch is leading, English follows it. Both are
    compiled into the page (components/document.py); the browser parses no Markdown."""
    dutch = (CONTENT_DIR / f"{name}.nl.md").read_text(encoding="utf-8")
    english = (CONTENT_DIR / f"{name}.en.md").read_text(encoding="utf-8")
    return rx.el.article(
        rx.cond(AppState.locale == "en", markdown_document(english), markdown_document(dutch)),
        class_name="document",
        width="100%",
    )


@page(routes.HOUSE_RULES, title="Huisregels")
def house_rules() -> rx.Component:
    return _document("huisregels")


@page(routes.PRIVACY, title="Privacyverklaring")
def privacy() -> rx.Component:
    return _document("privacy")

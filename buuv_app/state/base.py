"""AppState: the root of our state tree, with the visitor's language."""

from __future__ import annotations

import reflex as rx

from buuv_app.i18n import LOCALES, gettext, normalize_locale

ONE_YEAR = 365 * 24 * 3600


class AppState(rx.State):
    """What every page needs. Features subclass it, so `self.locale` is always at hand."""

    # The chosen language lives in a cookie: not private, and the browser keeps it.
    locale: str = rx.Cookie("nl", name="buuv_lang", max_age=ONE_YEAR, same_site="lax")

    @rx.event
    def set_language(self, locale: str):
        """Switch the interface language (any other value than a supported one means Dutch)."""
        self.locale = normalize_locale(locale)
        return rx.call_script(f"document.documentElement.lang = {self.locale!r}")

    @rx.var
    def other_locale(self) -> str:
        return next(code for code in LOCALES if code != normalize_locale(self.locale))

    def _t(self, msgid: str, **params: object) -> str:
        """Translate a message for this visitor (server side)."""
        return gettext(msgid, normalize_locale(self.locale), **params)

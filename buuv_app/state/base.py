"""AppState: the root of our state tree: the visitor's language and who is logged in."""

from __future__ import annotations

import asyncio

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.i18n import LOCALES, N_, gettext, normalize_locale
from buuv_app.models import User
from buuv_app.services import accounts, sessions
from buuv_app.services.permissions import Action
from buuv_app.settings import get_settings
from buuv_app.state.access import current_user, public

ONE_YEAR = 365 * 24 * 3600
SESSION_COOKIE_AGE = int(sessions.ABSOLUTE_TIMEOUT.total_seconds())


def safe_next(path: str | None) -> str:
    """Only a path on this site may follow a login (no //evil.example, no javascript:)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 300:
        return routes.ACCOUNT
    return path


class AppState(rx.State):
    """What every page needs. Features subclass it."""

    # The chosen language lives in a cookie: not private, and the browser keeps it.
    locale: str = rx.Cookie("nl", name="buuv_lang", max_age=ONE_YEAR, same_site="lax")
    # The opaque session token. Who it belongs to is looked up in the database at every use;
    # nothing about the user is trusted from the browser.
    auth_token: str = rx.Cookie(
        "", name="buuv_session", max_age=SESSION_COOKIE_AGE, same_site="strict",
        secure=get_settings().is_production,
    )
    # For display only (the header); never used to decide anything.
    viewer_name: str = ""
    viewer_role: str = ""

    @rx.event
    @public
    def set_language(self, locale: str):
        """Switch the interface language (any other value than a supported one means Dutch)."""
        self.locale = normalize_locale(str(locale))
        return rx.call_script(f"document.documentElement.lang = {self.locale!r}")

    # The marker of the last ping, echoed back: events of one client are handled in order, so
    # its return tells a client (a benchmark, a test) that everything sent before it is done.
    last_ping: str = ""

    @rx.event
    @public
    def ping(self, marker: str):
        """Echo a short marker; reads and changes nothing else."""
        self.last_ping = str(marker)[:40]

    @rx.var
    def other_locale(self) -> str:
        return next(code for code in LOCALES if code != normalize_locale(self.locale))

    @rx.var
    def logged_in(self) -> bool:
        return self.viewer_role != ""

    @rx.event
    @public
    async def load_viewer(self):
        """Refresh the header's "logged in as" from the session token (runs on every page)."""
        await self._load_user()

    @rx.event
    @public
    async def log_out(self):
        token = self.auth_token

        def revoke():
            with session_scope() as session:
                accounts.log_out(session=session, token=token)

        await asyncio.to_thread(revoke)
        self.auth_token = ""
        self._show_viewer(None)
        return [rx.toast.info(self._t("Je bent uitgelogd.")), rx.redirect(routes.HOME)]

    # --- helpers for substates (not callable from the browser) ---

    def _t(self, msgid: str, **params: object) -> str:
        """Translate a message for this visitor (server side)."""
        return gettext(msgid, normalize_locale(self.locale), **params)

    def _client_ip(self) -> str:
        # Set by the server from the connection (and REFLEX_TRUSTED_PROXY_HOPS), not by the client.
        return self.router.session.client_ip or ""

    def _show_viewer(self, user: User | None) -> None:
        name, role = (user.display_name, user.role) if user else ("", "")
        # Assign only on change: an assignment marks the state dirty and sends it again.
        if self.viewer_name != name:
            self.viewer_name = name
        if self.viewer_role != role:
            self.viewer_role = role

    @staticmethod
    def _resolve_user(token: str) -> User | None:
        """Blocking: the active user behind a session token (call in a thread)."""
        if not token:
            return None
        with session_scope() as session:
            return sessions.resolve_session(session=session, raw_token=token)

    def _apply_user(self, user: User | None) -> None:
        if user is None and self.auth_token:
            self.auth_token = ""  # expired or revoked: forget it
        self._show_viewer(user)

    async def _load_user(self) -> User | None:
        """The caller, from the database, by session token; None when not (or no longer) logged in."""
        user = await asyncio.to_thread(self._resolve_user, self.auth_token)
        self._apply_user(user)
        return user

    def _user(self) -> User:
        """The caller inside a @guarded handler."""
        user = current_user.get()
        if user is None:
            raise RuntimeError("_user() outside a @guarded handler")
        return user

    def _on_refused(self, user: User | None, action: Action):
        if user is None:
            return [
                rx.toast.warning(self._t(N_("Log eerst in."))),
                rx.redirect(routes.login_url(self.router.url.path)),
            ]
        return rx.toast.error(self._t(N_("Dat mag je niet doen met jouw account.")))

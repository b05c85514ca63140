"""AppState: the root of our state tree: the visitor's language and who is logged in."""

from __future__ import annotations

import asyncio
import random
import time
import unicodedata
from urllib.parse import urlsplit

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.i18n import LOCALES, N_, gettext, ngettext, normalize_locale
from buuv_app.models import User
from buuv_app.services import accounts, messaging, sessions
from buuv_app.services.permissions import Action
from buuv_app.settings import get_settings
from buuv_app.state.access import current_user, guarded_background, public
from buuv_app.state.db import run_service

ONE_YEAR = 365 * 24 * 3600
UNREAD_POLL_SECONDS = 20.0  # a safety net: new messages are pushed (state/messaging.py)
UNREAD_WATCH_IDLE = 10 * 60
SESSION_COOKIE_AGE = int(sessions.ABSOLUTE_TIMEOUT.total_seconds())
CLEAR_DEVICE_SCRIPT = "window.buuvPwa && window.buuvPwa.clearPrivate()"


def safe_next(path: object) -> str:
    """Only a path on this site may follow a login; anything else goes to the account page.

    Checked on the raw text and again after URL parsing, since browsers forgive what a string test
    misses: no scheme or host (javascript:, https://evil.example), no "//" or "/\\" start (read as
    another host), no backslash anywhere, no control characters (a tab or newline is dropped by
    the browser, turning "/<tab>/evil.example" into "//evil.example")."""
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 300:
        return routes.ACCOUNT
    if path.startswith(("//", "/\\")) or "\\" in path:
        return routes.ACCOUNT
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in path):
        return routes.ACCOUNT
    try:
        parts = urlsplit(path)
    except ValueError:
        return routes.ACCOUNT
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
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
    unread_count: int = 0  # the badge on "Berichten"
    _unread_watch: int = 0  # generation of the badge watcher; a newer page's replaces the old
    _last_page_at: float = 0.0

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
        """Refresh the header (who is logged in, unread messages) from the session token; every page."""
        token = self.auth_token

        client_token = self.router.session.client_token

        def load():
            user = self._resolve_user(token)
            if user is None:
                return None, 0
            with session_scope() as session:
                # This tab is open: a new message for this member is pushed here at once.
                messaging.note_live_view(session=session, user=user, client_token=client_token)
                return user, messaging.unread_total(session=session, user=user)

        user, unread = await asyncio.to_thread(load)
        self._apply_user(user)
        if self.unread_count != unread:
            self.unread_count = unread
        self._last_page_at = time.monotonic()
        if user is not None:
            # Reflex ends a page's background work when the visitor navigates on (a newer on_load
            # supersedes it), so every page starts its own badge watcher.
            self._unread_watch += 1
            return AppState.watch_unread(self._unread_watch)

    @rx.event(background=True)
    @guarded_background(Action.USE_MESSAGES)
    async def watch_unread(self, generation: int):
        """Keep the badge current without a reload, while the visitor is around (ten quiet
        minutes end it; the next page starts it again)."""
        user = self._user()
        async with self:
            token = self.auth_token  # read under the lock: a background task's vars live there
            client_token = self.router.session.client_token
        while True:
            # Spread over time: tabs opened together (say after a restart) must not all ask at once.
            await asyncio.sleep(UNREAD_POLL_SECONDS * random.uniform(0.75, 1.25))
            async with self:
                # Stop when a newer page started its own watcher, or the visitor went quiet,
                # logged out or became someone else.
                if (generation != self._unread_watch or self.auth_token != token
                        or time.monotonic() - self._last_page_at > UNREAD_WATCH_IDLE):
                    return

            def count() -> int:
                with session_scope() as session:
                    # This open page is also how the app knows someone is online (no mail then),
                    # and where to push to.
                    messaging.mark_online(session=session, user=user)
                    messaging.touch_live_view(session=session, client_token=client_token)
                    return messaging.unread_total(session=session, user=user)

            unread = await asyncio.to_thread(count)
            async with self:
                if self.unread_count != unread:
                    self.unread_count = unread

    @rx.event
    @public
    async def log_out(self):
        token = self.auth_token

        await run_service(accounts.log_out, token=token)
        self.auth_token = ""
        self._show_viewer(None)
        # The device keeps nothing of this member for whoever uses it next (assets/pwa.js, which also
        # empties what assets/offline.js and assets/outbox.js kept).
        return [rx.call_script(CLEAR_DEVICE_SCRIPT), rx.toast.info(self._t("Je bent uitgelogd.")),
                rx.redirect(routes.HOME)]

    # --- helpers for substates (not callable from the browser) ---

    def _nt(self, singular: str, plural: str, count: int, **params: object) -> str:
        """A count in words in the visitor's language: `{n}` is the count ("1 oproep", "2 oproepen")."""
        return ngettext(singular, plural, count, normalize_locale(self.locale), **params)

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

    def _forget(self) -> None:
        """A caller refused by @guarded keeps nothing of this feature's state (it may hold what another
        account loaded in this tab). The root keeps who is logged in."""
        if type(self) is not AppState:
            self.reset()

    def _on_refused(self, user: User | None, action: Action):
        if user is None:
            return [
                rx.toast.warning(self._t(N_("Log eerst in."))),
                rx.redirect(routes.login_url(self.router.url.path)),
            ]
        return rx.toast.error(self._t(N_("Dat mag je niet doen met jouw account.")))

"""AppState: the root of our state tree: the visitor's language and who is logged in."""

from __future__ import annotations

import asyncio
import hmac
import json
import random
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import reflex as rx

from buuv_app import routes
from buuv_app.db import database_unavailable, session_scope
from buuv_app.i18n import LOCALES, N_, format_date, gettext, ngettext, normalize_locale
from buuv_app.models import User
from buuv_app.services import accounts, messaging, moderation, sessions
from buuv_app.services.permissions import Action
from buuv_app.settings import get_settings
from buuv_app.state.access import current_user, guarded_background, public
from buuv_app.state import wakeups
from buuv_app.state.db import run_service

ONE_YEAR = 365 * 24 * 3600
# The badge watcher's own look, and how often it notes that the member is still online: within
# messaging.LIVE_FOR (2 minutes), or the tab is no longer counted as open. New messages wake it at once.
UNREAD_POLL_SECONDS = 60.0
UNREAD_WATCH_IDLE = 10 * 60
SESSION_COOKIE_AGE = int(sessions.ABSOLUTE_TIMEOUT.total_seconds())



def clear_device_script(notice: dict[str, str] | None = None) -> str:
    """assets/pwa.js empties the device of the member's data; `notice` ({text, close}) is shown when
    something they had queued there (assets/outbox.js) is dropped unsent."""
    return f"window.buuvPwa && window.buuvPwa.clearPrivate({json.dumps(notice or {})})"


DROPPED_NOTICE = N_("Wat nog op dit apparaat wachtte om verstuurd te worden, is niet verstuurd en verwijderd: "
                    "je bent niet meer ingelogd.")


def written_by(user: User, item: dict) -> bool:
    """Whether an item of the device's outbox (assets/outbox.js) may go out under `user`: it records
    whose it is (their device marker), and what another member queued on a shared device is never
    placed under this one. An item without the field comes from a direct call: the caller's own."""
    member = item.get("member")
    return member is None or (isinstance(member, str)
                              and hmac.compare_digest(member, sessions.device_marker(user.id)))


# Kept when a tab's state is emptied: the language (a cookie: resetting it would switch the visitor's
# language), Reflex's own router fields, and whether the tab has handed over its browser values
# (state/presence.py, LostStateMiddleware).
_KEPT_ON_RESET = frozenset({"locale", "router_data", "_hydrated"})


def _reset_changed(state: rx.State) -> None:
    """BaseState.reset() for one state, without its substates, assigning only what differs from the
    default: each assignment marks a var dirty and sends it to the browser again, and emptying a
    tab should cost a small delta, not the whole state."""
    cls = type(state)
    for name, f in cls.__fields__.items():
        # `_owner`: the state that declares the field (inherited ones reset with their own state).
        if f._owner is not cls or name in _KEPT_ON_RESET or name.startswith("rx_router_"):
            continue
        default = f.default_value()
        if getattr(state, name) != default:
            setattr(state, name, default)


def feature_states() -> list[type[AppState]]:
    """Every substate of AppState, depth first (the features' states, which may hold private data)."""
    found: list[type[AppState]] = []
    todo = list(AppState.get_substates())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.get_substates())
    return found


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


@dataclass
class NoticeRow:
    """A moderator's warning or the outcome of a report, shown at the top of the next page."""

    id: int
    kind: str  # "warning" or "outcome"
    text: str
    date: str


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
    notices: list[NoticeRow] = []  # the visitor's own, unread (state/moderation.py dismisses them)
    _unread_watch: int = 0  # generation of the badge watcher; a newer page's replaces the old
    _unread_watching: int = 0  # the generation that runs: a repeated call of it starts nothing
    # Whose data this tab's state holds (0: nobody's). When the session that loaded it is gone,
    # everything goes (_end_presence), also before a reconnect sends the state (EndedSessionMiddleware).
    _member_id: int = 0
    # True once the browser has handed this state its cookies (Reflex's hydrate, at every connect).
    # A state found without it on a connection that did hydrate is one the server lost (presence.py).
    _hydrated: bool = False
    _last_page_at: float = 0.0
    # The page this tab logged out on, until the tab shows another one. Its load events may still
    # be on their way (a tap on "Uitloggen" can overtake them): they are dropped without sending the
    # visitor, who was just sent home, to the login page.
    _logged_out_on: str = ""

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

        locale = normalize_locale(self.locale)

        def load():
            user = self._resolve_user(token)
            if user is None:
                return None, 0, []
            with session_scope() as session:
                # This tab is open: a new message for this member is pushed here at once.
                messaging.note_live_view(session=session, user=user, client_token=client_token)
                notices = [NoticeRow(id=n.id, kind=n.kind, text=n.text, date=format_date(n.created_at, locale))
                           for n in moderation.list_notices(session=session, user=user, locale=locale)]
                return user, messaging.unread_total(session=session, user=user), notices

        user, unread, notices = await asyncio.to_thread(load)
        await self._apply_user(user, token)
        if self._logged_out_on and self._logged_out_on != self.router.url.path:
            self._logged_out_on = ""
        if self.unread_count != unread:
            self.unread_count = unread
        if self.notices != notices:
            self.notices = notices
        self._last_page_at = time.monotonic()
        # The device learns whose data it may keep: when it holds another member's (or someone's,
        # and nobody is logged in any more), assets/pwa.js wipes it first.
        marker = sessions.device_marker(user.id) if user is not None else ""
        events = [rx.call_script(f"window.buuvPwa && window.buuvPwa.member({json.dumps(marker)}, "
                                 f"{json.dumps(self._dropped_notice())})")]
        if user is not None:
            # Reflex ends a page's background work when the visitor navigates on (a newer on_load
            # supersedes it), so every page starts its own badge watcher.
            self._unread_watch += 1
            events.append(AppState.watch_unread(self._unread_watch))
        return events

    @rx.event(background=True)
    @guarded_background(Action.USE_MESSAGES)
    async def watch_unread(self, generation: int):
        """Keep the badge current without a reload, while the visitor is around (ten quiet
        minutes end it; the next page starts it again). Woken when a message arrives for this
        member (state/wakeups.py; one open in this tab wakes ConversationState.watch instead);
        every UNREAD_POLL_SECONDS it also notes that the member is online and looks by itself."""
        user = self._user()
        async with self:
            # One watcher per tab: only the current generation, and only once (a client can
            # call this handler itself, as often as it likes).
            if generation != self._unread_watch or self._unread_watching == generation:
                return
            self._unread_watching = generation
            token = self.auth_token  # read under the lock: a background task's vars live there
            client_token = self.router.session.client_token
            # Fixed for this watcher's life: the next page load starts a newer one (and stops this).
            last_page_at = self._last_page_at

        def count(heartbeat: bool) -> tuple[int, int] | None:
            """The badge and the newest unread message's id."""
            with session_scope() as session:
                if sessions.resolve_session(session=session, raw_token=token) is None:
                    return None  # the session ended elsewhere: nothing more of this member here
                if heartbeat:
                    # This open page is also how the app knows someone is online (no mail then),
                    # and whether a tab of theirs is in view.
                    messaging.mark_online(session=session, user=user)
                    messaging.touch_live_view(session=session, client_token=client_token)
                counts = messaging.unread_counts(session=session, user=user)
                return sum(n for n, _ in counts.values()), max((newest for _, newest in counts.values()), default=0)

        loop = asyncio.get_running_loop()
        shown_newest = -1  # the newest unread message the badge was set for (-1: as the page loaded it)
        with wakeups.bus().listen(user.id, client_token) as listener:
            # Spread over time: tabs opened together (say after a restart) must not all ask at once.
            next_beat = loop.time() + UNREAD_POLL_SECONDS * random.uniform(0.75, 1.25)
            while True:
                await listener.wait(max(0.0, next_beat - loop.time()))
                if listener.superseded:
                    return  # a newer page in this tab has its own watcher
                heartbeat = loop.time() >= next_beat  # (news may wake it often; the beat keeps time)
                if heartbeat:
                    # The visitor went quiet: the next page starts a new watcher.
                    if time.monotonic() - last_page_at > UNREAD_WATCH_IDLE:
                        return
                    next_beat = loop.time() + UNREAD_POLL_SECONDS * random.uniform(0.75, 1.25)
                try:
                    found = await asyncio.to_thread(count, heartbeat)
                except Exception as error:
                    if not database_unavailable(error):
                        raise
                    continue  # the database is away for a moment: try again at the next beat
                if found is None:
                    return
                unread, newest = found
                # Woken, but no message newer than the badge showed (a catch-up after a reconnect,
                # or news its open conversation took): the tab's state is left alone. The beat
                # always checks that this page is still the tab's, and corrects the badge.
                if not heartbeat and newest <= max(shown_newest, 0):
                    continue
                shown_newest = newest
                async with self:
                    # Stop when a newer page started its own watcher, or the visitor logged out or
                    # became someone else.
                    if generation != self._unread_watch or self.auth_token != token:
                        return
                    if self.unread_count != unread:
                        self.unread_count = unread

    @rx.event
    @public
    async def log_out(self):
        token = self.auth_token

        await run_service(accounts.log_out, token=token)
        await self._end_presence()
        self._logged_out_on = self.router.url.path
        # The device keeps nothing of this member for whoever uses it next (assets/pwa.js, which also
        # empties what assets/offline.js and assets/outbox.js kept).
        return [rx.call_script(clear_device_script(self._dropped_notice())),
                rx.toast.info(self._t("Je bent uitgelogd.")), rx.redirect(routes.HOME)]

    # --- helpers for substates (not callable from the browser) ---

    async def _end_presence(self) -> None:
        """Nothing of whoever was logged in stays with this tab on the server: every feature's state
        goes back to its defaults (the language stays), no message is pushed to the tab any more, and
        background watchers see the change and stop. Call it when a session ends (logout, found
        expired or revoked, account deleted, password reset) and before another one starts here."""
        client_token = self.router.session.client_token
        await run_service(messaging.forget_live_view, client_token=client_token)
        root = await self.get_state(AppState)
        unread_watch = root._unread_watch
        # Every feature's state, also those this event did not load (reset() reaches only loaded ones).
        for cls in [AppState, *feature_states()]:
            _reset_changed(await self.get_state(cls))
        root._unread_watch = unread_watch + 1  # never reuse a generation a running watcher holds

    async def _start_session(self, token: str, user: User) -> None:
        """Log this tab in as `user`: first nothing of a previous member stays (see _end_presence)."""
        root = await self.get_state(AppState)
        if root._member_id or root.auth_token:
            await self._end_presence()
        # (A tab that holds nobody's data has only public data loaded: nothing to empty.)
        self.auth_token = token
        root._member_id = user.id
        self._show_viewer(user)

    def _dropped_notice(self) -> dict[str, str]:
        return {"text": self._t(DROPPED_NOTICE), "close": self._t(N_("Sluiten"))}

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

    async def _apply_user(self, user: User | None, token: str) -> None:
        """Show who `token` turned out to belong to; a session found expired or revoked ends this
        tab's presence (_end_presence)."""
        root = await self.get_state(AppState)
        member_id = user.id if user is not None else 0
        if (user is None and token) or (root._member_id and root._member_id != member_id):
            await self._end_presence()
        if root._member_id != member_id:
            root._member_id = member_id
        self._show_viewer(user)

    async def _load_user(self) -> User | None:
        """The caller, from the database, by session token; None when not (or no longer) logged in.
        A session found expired or revoked ends this tab's presence (_end_presence)."""
        token = self.auth_token
        user = await asyncio.to_thread(self._resolve_user, token)
        await self._apply_user(user, token)
        return user

    def _user(self) -> User:
        """The caller inside a @guarded handler."""
        user = current_user.get()
        if user is None:
            raise RuntimeError("_user() outside a @guarded handler")
        return user

    def _app_state(self) -> AppState:
        """This tab's AppState (self, or the parent a feature's state hangs under)."""
        state = self
        while type(state) is not AppState:
            state = state.parent_state
        return state

    def _forget(self) -> None:
        """A caller refused by @guarded keeps nothing of this feature's state (it may hold what another
        account loaded in this tab). The root keeps who is logged in."""
        if type(self) is not AppState:
            self.reset()

    def _on_refused(self, user: User | None, action: Action):
        if user is None:
            if self._app_state()._logged_out_on == self.router.url.path:
                return None  # a load of the page this tab just logged out on: it went home already
            return [
                rx.toast.warning(self._t(N_("Log eerst in."))),
                rx.redirect(routes.login_url(self.router.url.path)),
            ]
        return rx.toast.error(self._t(N_("Dat mag je niet doen met jouw account.")))

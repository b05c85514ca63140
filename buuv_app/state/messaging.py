"""Messaging: "Reageer" on a post, the inbox, and one conversation that updates itself live."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass, field

import reflex as rx
from reflex_base.registry import RegistrationContext

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.i18n import N_, format_ago
from buuv_app.models import User
from buuv_app.services import messaging, moderation, sessions
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded, guarded_background, public
from buuv_app.state.account import FormState, checked, text
from buuv_app.state.base import AppState, written_by
from buuv_app.state.db import run_service

log = logging.getLogger("buuv.messages")
_pushes: set[asyncio.Task] = set()  # running pushes, kept referenced until they finish

POLL_SECONDS = 30.0  # a safety net behind the push on send (push_new_messages)
WATCH_LIMIT_SECONDS = 30 * 60
OUTBOX_BATCH = 20  # messages a device may hand over in one resend  # a forgotten open tab stops asking after half an hour


@dataclass
class InboxRow:
    url: str
    post_title: str
    other_name: str
    last_message: str
    ago_nl: str
    ago_en: str
    unread: int
    neighbour_name: str = ""  # an ambassador's label: the neighbour the post was placed for


@dataclass
class MessageRow:
    id: int
    mine: bool
    sender_name: str
    body: str
    ago_nl: str
    ago_en: str


def _rows(views) -> list[MessageRow]:
    return [MessageRow(id=m.id, mine=m.mine, sender_name=m.sender_name, body=m.body,
                       ago_nl=format_ago(m.created_at, "nl"), ago_en=format_ago(m.created_at, "en"))
            for m in views]


class ReplyState(AppState):
    """The "Reageer" button on a post page."""

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def reply(self, post_id: int):
        user = self._user()

        def run():
            with session_scope() as session:
                return messaging.start_conversation(session=session, user=user, post_id=post_id).id

        try:
            conversation_id = await asyncio.to_thread(run)
        except ValidationError as error:
            return rx.toast.error(self._t(error.message, **error.params))
        except NotFound:
            return rx.toast.error(self._t(N_("Dit bericht bestaat niet (meer). Misschien is het al verwijderd.")))
        return rx.redirect(routes.conversation_url(conversation_id))


class InboxState(AppState):
    conversations: list[InboxRow] = []
    loaded: bool = False

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def load_inbox(self):
        user = self._user()

        items = await run_service(messaging.list_inbox, user=user)
        self.conversations = [
            InboxRow(url=routes.conversation_url(i.conversation_id),
                     post_title=self._t(N_("Dit bericht is verwijderd.")) if i.post_removed else i.post_title,
                     other_name=i.other_name,
                     last_message=i.last_message, ago_nl=format_ago(i.last_message_at, "nl"),
                     ago_en=format_ago(i.last_message_at, "en"), unread=i.unread,
                     neighbour_name=i.neighbour_name)
            for i in items
        ]
        self.loaded = True


def _news_for(recipient_id: int, conversation_id: int, exclude: str):
    """Blocking, one trip to the database for a push: the recipient's open tabs, the messages of
    this conversation they have not read yet, and their unread total."""
    with session_scope() as session:
        recipient = session.get(User, recipient_id)
        if recipient is None:
            return None, [], [], 0
        views = [v for v in messaging.live_views(session=session, user_id=recipient_id) if v[0] != exclude]
        if not views:
            return recipient, [], [], 0
        news = messaging.unread_messages(session=session, user=recipient, conversation_id=conversation_id)
        return recipient, views, news, messaging.unread_total(session=session, user=recipient)


async def push_new_messages(recipient_id: int, conversation_id: int, exclude: str = "") -> None:
    """Deliver at once to the recipient's open tabs: the conversation if it is open there, and the
    badge everywhere. Reflex routes each update to whichever worker holds that tab's connection
    (over Redis when there are several); the watchers' polling only catches what this misses.
    The database is read before any tab's state is locked, so a push holds each lock only briefly
    (apart from one look-up of that tab's session: a tab whose member's session ended gets nothing).
    Pushing marks nothing read: a tab that is open but hidden (a locked phone) shows nobody
    anything. The page itself says what was in view (SeenState.report_view)."""
    recipient, views, news, unread = await asyncio.to_thread(_news_for, recipient_id, conversation_id, exclude)
    if recipient is None or not views:
        return
    unread_elsewhere = unread - sum(1 for m in news if not m.mine)
    app = RegistrationContext.get().app
    for token, open_conversation, visible in views:
        try:
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=ConversationState)) as root:
                app_state = await root.get_state(AppState)
                # Only into a tab where the recipient is still logged in: the member may have logged
                # out there after the tab was looked up, or in another tab (the session is gone).
                holder = await asyncio.to_thread(AppState._resolve_user, app_state.auth_token)
                if holder is None or holder.id != recipient_id:
                    continue
                conversation = await root.get_state(ConversationState)
                showing = open_conversation == conversation_id and conversation.conversation_id == conversation_id
                if showing and news:
                    conversation._append(news)
                # A conversation in view is about to report these as seen: no badge flickering up.
                count = unread_elsewhere if showing and visible else unread
                if app_state.unread_count != count:
                    app_state.unread_count = count
        except Exception:  # noqa: BLE001 (a closed tab or a stale token: the next one still gets it)
            log.warning("push to tab %s failed", token[:8], exc_info=True)


@dataclass
class _Outcome:
    client_id: str
    conversation_id: int | None
    error: Exception | None = None
    other_id: int | None = None
    shown: list = field(default_factory=list)


def _store_messages(user: User, items: list[dict], open_id: int, last_id: int) -> list[_Outcome]:
    """Blocking: store each message once (by its device id); what the open conversation gains."""
    outcomes = []
    with session_scope() as session:
        for item in items:
            client_id = str(item.get("client_id") or "")[:80]
            raw = item.get("conversation_id", open_id)
            conversation_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else open_id
            outcome = _Outcome(client_id=client_id, conversation_id=conversation_id)
            try:
                message = messaging.send_message(session=session, user=user, conversation_id=conversation_id or -1,
                                                 client_id=client_id, body=text(item, "message"))
                outcome.other_id = messaging.other_participant(session=session, conversation_id=message.conversation_id,
                                                               user=user)
            except (ValidationError, Throttled, NotFound, PermissionDenied) as error:
                session.rollback()
                outcome.error = error
            outcomes.append(outcome)
        if open_id and any(o.error is None and o.conversation_id == open_id for o in outcomes):
            outcomes[-1].shown = messaging.new_messages(session=session, user=user, conversation_id=open_id,
                                                        after_id=last_id)
    return outcomes


def _route_conversation_id(state: rx.State) -> int | None:
    raw = str(state.router._page.params.get("conversation_id", "") or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class ConversationState(FormState):
    conversation_id: int = 0
    post_title: str = ""
    post_url: str = ""
    other_name: str = ""
    neighbour_name: str = ""  # an ambassador's label: the neighbour the post was placed for
    post_open: bool = True
    blocked: bool = False
    messages: list[MessageRow] = []
    found: bool = True
    loaded: bool = False
    report_message_id: int = 0  # 0: the whole conversation is reported
    report_message_text: str = ""  # the start of that message, so the reporter sees which one
    report_sent: bool = False
    _last_id: int = 0
    _watch_generation: int = 0

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def load_conversation(self):
        user, conversation_id = self._user(), _route_conversation_id(self)

        client_token = self.router.session.client_token

        def run():
            with session_scope() as session:
                view = messaging.open_conversation(session=session, user=user, conversation_id=conversation_id or -1)
                messaging.note_live_view(session=session, user=user, client_token=client_token,
                                         conversation_id=view.id)
                return view, messaging.unread_total(session=session, user=user)

        self.loaded, self.errors = False, {}
        self.report_message_id, self.report_sent = 0, False
        try:
            view, unread = await asyncio.to_thread(run)
        except (NotFound, PermissionDenied):
            # Someone else's conversation looks exactly like one that does not exist (the
            # refusal itself is logged by the service).
            self.found, self.loaded = False, True
            return
        self.found = True
        self.conversation_id = view.id
        if view.post_removed:  # deleted by its author: nothing to link to
            self.post_title, self.post_url = self._t(N_("Dit bericht is verwijderd.")), ""
        else:
            self.post_title, self.post_url = view.post_title, routes.post_url(view.post_id)
        self.other_name, self.post_open, self.blocked = view.other_name, view.post_open, view.blocked
        self.neighbour_name = view.neighbour_name
        self.messages = _rows(view.messages)
        self._last_id = view.messages[-1].id if view.messages else 0
        self.unread_count = unread
        self.loaded = True
        self._watch_generation += 1
        return ConversationState.watch(self._watch_generation)

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def send(self, form: dict):
        """One message from the device's outbox (/outbox.js): {client_id, message, conversation_id}.
        The id is made on the device, so a resend after a dropped connection is stored once."""
        return await self._deliver([form] if isinstance(form, dict) else [{}], show_errors=True)

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def resend(self, items: list):
        """The outbox's messages that got no answer yet (sent again with the same ids)."""
        if not isinstance(items, list) or not items:
            return None
        return await self._deliver([i for i in items[:OUTBOX_BATCH] if isinstance(i, dict)], show_errors=False)

    async def _deliver(self, items: list[dict], show_errors: bool):
        user, open_id, last_id = self._user(), self.conversation_id, self._last_id
        # Queued on this device by another member: ignored (their device wipes it, assets/pwa.js).
        items = [i for i in items if written_by(user, i)]
        if not items:
            return None
        outcomes = await asyncio.to_thread(_store_messages, user, items, open_id, last_id)
        confirmed = [o.client_id for o in outcomes if o.error is None]
        refused = [o for o in outcomes if o.error is not None]
        shown = [m for o in outcomes for m in o.shown]
        if shown:
            self._append(shown)
        events = []
        if confirmed:
            events.append(rx.call_script(f"window.buuvOutbox && buuvOutbox.confirm({json.dumps(confirmed)})"))
        for outcome in refused:
            if outcome.client_id:
                events.append(rx.call_script(f"window.buuvOutbox && buuvOutbox.fail({json.dumps(outcome.client_id)})"))
        if refused and (show_errors or refused[-1].conversation_id == open_id):
            self.errors = {"message": self._refusal(refused[-1].error)}
        elif confirmed:
            self.errors = {}
        # Pushed from a task of its own, after this handler has let go of the sender's state: two
        # people answering each other at the same moment must not wait on each other's state.
        for recipient_id, conversation_id in {(o.other_id, o.conversation_id) for o in outcomes if o.other_id}:
            _pushes.add(task := asyncio.get_running_loop().create_task(
                push_new_messages(recipient_id, conversation_id, exclude=self.router.session.client_token)))
            task.add_done_callback(_pushes.discard)
        return events or None

    def _refusal(self, error: Exception) -> str:
        if isinstance(error, Throttled):
            return self._t(N_("Even rustig aan: je kunt over {seconds} seconden weer een bericht sturen."),
                           seconds=error.retry_after)
        if isinstance(error, ValidationError):
            return self._t(error.message, **error.params)
        return self._t(N_("Dit gesprek bestaat niet (meer)."))

    def _append(self, views) -> None:
        known = {m.id for m in self.messages}
        fresh = [m for m in views if m.id not in known]
        if fresh:
            self.messages = self.messages + _rows(fresh)
            self._last_id = max(self._last_id, fresh[-1].id)

    @rx.event(background=True)
    @guarded_background(Action.USE_MESSAGES)
    async def watch(self, generation: int):
        """A slow safety net behind the push (push_new_messages): while this conversation is open,
        look in the database for anything newer every POLL_SECONDS. After a dropped connection
        Reflex reconnects and runs load_conversation again, which shows everything missed."""
        user = self._user()
        async with self:
            token = self.auth_token
        for _ in range(int(WATCH_LIMIT_SECONDS / POLL_SECONDS)):
            # Spread over time: tabs opened together (say after a restart) must not all ask at once.
            await asyncio.sleep(POLL_SECONDS * random.uniform(0.75, 1.25))
            async with self:
                on_page = self.router.url.path.rstrip("/") == routes.conversation_url(self.conversation_id)
                # Stop when a newer conversation started its own watcher, the page changed, or the
                # session ended here (logout or expiry reset this state: _end_presence).
                if generation != self._watch_generation or not on_page or self.auth_token != token:
                    return
                conversation_id, last_id = self.conversation_id, self._last_id

            def poll():
                with session_scope() as session:
                    # The session may have ended elsewhere (logged out in another tab, revoked):
                    # then nothing more of this member is fetched into this tab.
                    if sessions.resolve_session(session=session, raw_token=token) is None:
                        return None
                    return messaging.open_conversation(session=session, user=user, conversation_id=conversation_id,
                                                       after_id=last_id)

            view = await asyncio.to_thread(poll)
            if view is None:
                return
            if view.messages:
                async with self:
                    if generation == self._watch_generation and self.auth_token == token:
                        self._append(view.messages)
            yield

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def block_person(self):
        user, conversation_id = self._user(), self.conversation_id

        await run_service(messaging.block, user=user, conversation_id=conversation_id)
        self.blocked = True
        return rx.toast.info(self._t(N_("Geblokkeerd. Jullie kunnen elkaar geen berichten meer sturen.")))

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def unblock_person(self):
        user, conversation_id, last_id = self._user(), self.conversation_id, self._last_id

        def run():
            with session_scope() as session:
                messaging.unblock(session=session, user=user, conversation_id=conversation_id)
                return messaging.open_conversation(session=session, user=user, conversation_id=conversation_id,
                                                   after_id=last_id).blocked

        self.blocked = await asyncio.to_thread(run)

    @rx.event
    @guarded(Action.REPORT)
    def choose_report_message(self, message_id: int):
        """Report one message (of the other person, shown in this conversation) rather than the
        whole conversation; any other id is ignored (the service checks again)."""
        theirs = {m.id: m.body for m in self.messages if not m.mine}
        self.report_message_id = message_id if isinstance(message_id, int) and message_id in theirs else 0
        self.report_message_text = theirs.get(self.report_message_id, "")[:200]
        self.errors = {}
        return rx.set_focus("report-reason")

    @rx.event
    @guarded(Action.REPORT)
    async def report_conversation(self, form: dict):
        """Report the conversation, or the chosen message with (when ticked) the ones around it."""
        user, conversation_id, message_id = self._user(), self.conversation_id, self.report_message_id or None
        # Ticked: offer every message shown; the service keeps only those around the reported one.
        shared = [m.id for m in self.messages] if checked(form, "share") else []

        try:
            await run_service(moderation.report_conversation, user=user, conversation_id=conversation_id,
                              reason=text(form, "reason"), note=text(form, "note"), message_id=message_id,
                              shared_message_ids=shared)
        except ValidationError as error:
            return self._field_error("report", error)
        except NotFound:
            return self._form_error(N_("Dit gesprek of bericht is er niet (meer)."))
        self.errors = {}
        self.report_message_id = 0
        self.report_sent = True
        return rx.toast.success(self._t(N_("Bedankt. We kijken ernaar; de ander ziet niet wie meldde.")))


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62 else None


class SeenState(AppState):
    """What the page reports of itself (assets/seen.js, through a hidden trigger in the shell):
    whether this tab is in view, and the conversation and newest message it shows while in view.
    The only way a message becomes read, so badge, inbox and mail follow what a person saw."""

    @rx.event
    @guarded(Action.USE_MESSAGES)
    async def report_view(self, report: dict):
        user, client_token = self._user(), self.router.session.client_token
        report = report if isinstance(report, dict) else {}
        visible = report.get("visible") is True
        conversation_id, message_id = _int(report.get("conversation_id")), _int(report.get("message_id"))

        def run() -> int:
            with session_scope() as session:
                messaging.note_visibility(session=session, user=user, client_token=client_token, visible=visible)
                if visible and conversation_id and message_id:
                    try:
                        messaging.mark_seen(session=session, user=user, conversation_id=conversation_id,
                                            message_id=message_id)
                    except (NotFound, PermissionDenied):
                        pass  # not (or no longer) theirs: nothing is marked, and nothing is said
                return messaging.unread_total(session=session, user=user)

        unread = await asyncio.to_thread(run)
        if self.unread_count != unread:
            self.unread_count = unread


class UnsubscribeState(AppState):
    """/uitschrijven?token=...: the link in a message mail turns those mails off, no login needed."""

    done: bool = False
    loaded: bool = False

    @rx.event
    @public
    async def unsubscribe(self):
        token = str(self.router.url.query_parameters.get("token", ""))[:80]

        def run() -> bool:
            with session_scope() as session:
                return messaging.unsubscribe(session=session, token=token)

        self.done = await asyncio.to_thread(run)
        self.loaded = True

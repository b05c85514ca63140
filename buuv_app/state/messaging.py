"""Messaging: "Reageer" on a post, the inbox, and one conversation that updates itself live."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass, field

import reflex as rx

from buuv_app import routes
from buuv_app.db import database_unavailable, session_scope
from buuv_app.errors import NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.i18n import N_, format_ago
from buuv_app.models import User
from buuv_app.services import messaging, moderation, notifications, profiles, sessions
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded, guarded_background, public
from buuv_app.state.account import FormState, checked, text
from buuv_app.state.base import AppState, written_by
from buuv_app.state import wakeups
from buuv_app.state.db import run_service

log = logging.getLogger("buuv.messages")
_announcing: set[asyncio.Task] = set()  # running announcements, kept referenced until they finish

# The watcher is woken when a message arrives (state/wakeups.py); it also looks by itself this
# often, in case a wake-up was lost (Redis restarting). It stops after half an hour without news
# (a forgotten open tab); the next page load starts it again.
POLL_SECONDS = 120.0
WATCH_LIMIT_SECONDS = 30 * 60
DATABASE_RETRY_SECONDS = 5.0  # the database away: the watcher tries again rather than ending
OUTBOX_BATCH = 20  # messages a device may hand over in one resend


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
    other_verified: bool = False  # ★ Buur geverifieerd
    last_mine: bool = False  # "Jij:" before one's own last message
    ambassador_for: str = ""  # the helper's label: the other is the ambassador of this neighbour


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
            return rx.toast.error(self._t(N_("Deze oproep bestaat niet (meer). Misschien is hij al verwijderd.")))
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
                     post_title=self._t(N_("Deze oproep is verwijderd.")) if i.post_removed else i.post_title,
                     other_name=i.other_name,
                     last_message=i.last_message, ago_nl=format_ago(i.last_message_at, "nl"),
                     ago_en=format_ago(i.last_message_at, "en"), unread=i.unread,
                     neighbour_name=i.neighbour_name, other_verified=i.other_verified, last_mine=i.last_mine,
                     ambassador_for=i.ambassador_for)
            for i in items
        ]
        self.loaded = True


def _conversation_news(token: str, user: User, conversation_id: int, after_id: int,
                       client_token: str) -> tuple[list, int, int] | None:
    """Blocking, one trip to the database for a woken (or polling) conversation watcher: the
    messages after `after_id` and the badge. None when the member's session ended (logged out in
    another tab, revoked): then nothing more of them is fetched into this tab. Reading marks
    nothing read: the page itself says what was in view (SeenState.report_view). Also the newest
    unread message's id anywhere (0: none)."""
    with session_scope() as session:
        if sessions.resolve_session(session=session, raw_token=token) is None:
            return None
        news = messaging.new_messages(session=session, user=user, conversation_id=conversation_id, after_id=after_id)
        counts = messaging.unread_counts(session=session, user=user)
        unread = sum(n for n, _ in counts.values())
        # A conversation in view is about to report these as seen: no badge flickering up. In a
        # hidden tab (a locked phone) nobody saw them, and the badge says so.
        if conversation_id in counts and messaging.in_view(session=session, client_token=client_token):
            unread -= counts[conversation_id][0]
        return news, unread, max((newest for _, newest in counts.values()), default=0)


def _announce(recipient_id: int, conversation_id: int) -> None:
    """Wake the recipient's open tabs, in whichever process holds them (state/wakeups.py), from a
    task of its own: the sender's handler does not wait for it."""
    _announcing.add(task := asyncio.get_running_loop().create_task(
        wakeups.bus().announce(recipient_id, conversation_id)))
    task.add_done_callback(_announcing.discard)


@dataclass
class _Outcome:
    client_id: str
    conversation_id: int | None
    error: Exception | None = None
    other_id: int | None = None
    shown: list = field(default_factory=list)
    offer_push: bool = False  # the member's first message ever: "Meldingen aanzetten", once


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
        # (Offered once: the caller, read at the start of this event, says whether it was already.)
        if user.push_offered_at is None and outcomes and any(o.error is None for o in outcomes):
            outcomes[-1].offer_push = notifications.offer_push_after_message(session=session, user_id=user.id)
    return outcomes


def _route_conversation_id(state: rx.State) -> int | None:
    raw = str(state.router._page.params.get("conversation_id", "") or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class ConversationState(FormState):
    conversation_id: int = 0
    post_title: str = ""
    post_url: str = ""
    other_name: str = ""
    other_verified: bool = False  # ★ Buur geverifieerd
    other_url: str = ""  # the other person's profile (/buur/<id>), "" when they have none
    neighbour_name: str = ""  # an ambassador's label: the neighbour the post was placed for
    ambassador_for: str = ""  # the helper's label: the other is the ambassador of this neighbour
    post_open: bool = True
    blocked: bool = False
    messages: list[MessageRow] = []
    found: bool = True
    loaded: bool = False
    report_message_id: int = 0  # 0: the whole conversation is reported
    report_message_text: str = ""  # the start of that message, so the reporter sees which one
    report_sent: bool = False
    # "Meldingen aanzetten" after one's first message (services/notifications), until dismissed.
    offer_push: bool = False
    _last_id: int = 0
    _watch_generation: int = 0
    _watching: int = 0  # the generation whose watcher runs: a repeated call of it starts nothing

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
                has_profile = profiles.has_profile(session.get(User, view.other_id))
                return view, messaging.unread_total(session=session, user=user), has_profile

        self.loaded, self.errors = False, {}
        self.report_message_id, self.report_sent = 0, False
        self.offer_push = False
        try:
            view, unread, other_has_profile = await asyncio.to_thread(run)
        except (NotFound, PermissionDenied):
            # Someone else's conversation looks exactly like one that does not exist (the
            # refusal itself is logged by the service).
            self.found, self.loaded = False, True
            return
        self.found = True
        self.conversation_id = view.id
        if view.post_removed:  # deleted by its author: nothing to link to
            self.post_title, self.post_url = self._t(N_("Deze oproep is verwijderd.")), ""
        else:
            self.post_title, self.post_url = view.post_title, routes.post_url(view.post_id)
        self.other_name, self.post_open, self.blocked = view.other_name, view.post_open, view.blocked
        self.neighbour_name = view.neighbour_name
        self.other_verified = view.other_verified
        self.other_url = routes.profile_url(view.other_id) if other_has_profile else ""
        self.ambassador_for = view.ambassador_for
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
        if any(o.offer_push for o in outcomes):
            self.offer_push = True
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
        # The recipient's own tabs fetch what is new (their watchers, woken now): the sender's
        # handler never takes another member's state, so two people answering each other at the
        # same moment do not wait on each other.
        for recipient_id, conversation_id in {(o.other_id, o.conversation_id) for o in outcomes if o.other_id}:
            _announce(recipient_id, conversation_id)
        return events or None

    @rx.event
    @public
    def dismiss_push_offer(self):
        """"Niet nu": the card goes (it was offered once already; nothing to save)."""
        self.offer_push = False

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
        """Keep the open conversation (and the badge) current: woken when a message for this member
        arrives in it (state/wakeups.py), and looking by itself every POLL_SECONDS in case a
        wake-up was lost. After a dropped connection Reflex reconnects and runs load_conversation
        again, which shows everything missed and starts a new watcher."""
        user = self._user()
        async with self:
            # One watcher per tab: only the current generation, and only once (a client can
            # call this handler itself, as often as it likes).
            if generation != self._watch_generation or self._watching == generation:
                return
            self._watching = generation
            token = self.auth_token
            conversation_id, last_id = self.conversation_id, self._last_id
            client_token = self.router.session.client_token
        loop = asyncio.get_running_loop()
        quiet_until = loop.time() + WATCH_LIMIT_SECONDS
        with wakeups.bus().listen(user.id, client_token, conversation_id) as listener:
            # Look once at the start: a message may have come between the page's load and now.
            woken, timed_look = True, False
            while woken or loop.time() < quiet_until:
                if listener.superseded:
                    return  # a newer conversation page in this tab has its own watcher
                try:
                    news = await asyncio.to_thread(_conversation_news, token, user, conversation_id, last_id,
                                                   client_token)
                except Exception as error:
                    if not database_unavailable(error):
                        raise
                    # The database is away for a moment: try again, do not leave the tab unwatched.
                    await asyncio.sleep(DATABASE_RETRY_SECONDS)
                    continue
                if news is None:
                    return
                messages, unread, _ = news
                # Nothing from the other person newer than shown (a catch-up after a reconnect; the
                # member's own messages are shown by their send): the tab's state is left alone, so
                # it never queues behind its own member's events. Its own timed look always checks
                # that the page is still open.
                if not any(not m.mine for m in messages) and not timed_look:
                    woken = await listener.wait(POLL_SECONDS * random.uniform(0.75, 1.25))
                    timed_look = not woken
                    continue
                async with self:
                    on_page = self.router.url.path.rstrip("/") == routes.conversation_url(self.conversation_id)
                    # Stop when a newer conversation started its own watcher, the page changed, or
                    # the session ended here (logout or expiry reset this state: _end_presence).
                    if generation != self._watch_generation or not on_page or self.auth_token != token:
                        return
                    self._append(messages)
                    if self.unread_count != unread:
                        self.unread_count = unread
                    last_id = self._last_id
                if messages:
                    quiet_until = loop.time() + WATCH_LIMIT_SECONDS
                woken = await listener.wait(POLL_SECONDS * random.uniform(0.75, 1.25))
                timed_look = not woken

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
                return notifications.unsubscribe(session=session, kind="berichten", token=token)

        self.done = await asyncio.to_thread(run)
        self.loaded = True

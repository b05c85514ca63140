"""/beheer/meldingen: the moderation queue for professionals (their municipality) and admins.

services/moderation.py checks who asks on every call; this state turns the queue into text for
the visitor's language. A reported conversation reaches the browser only as the messages the
reporter shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from buuv_app import routes
from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_, format_date, normalize_locale
from buuv_app.services import moderation
from buuv_app.services.moderation import ACTION_LABELS, REASONS, TABS, QueueItem
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded
from buuv_app.state.account import FormState, text
from buuv_app.state.db import run_service

ACTIONS = ("no_action", "hide", "warn", "suspend", "restore")
STATUS_LABELS = {"open": N_("open"), "in_progress": N_("in behandeling"), "resolved": N_("afgehandeld")}


@dataclass
class SharedRow:
    sender: str
    body: str
    reported: bool


@dataclass
class HistoryRow:
    line: str


@dataclass
class QueueRow:
    report_id: int
    status: str
    status_label: str
    when: str
    reason: str
    note: str
    is_appeal: bool
    reporters: int
    grouped: int
    assignee: str
    mine: bool
    outcome: str
    is_post: bool
    post_title: str
    post_body: str
    post_url: str
    hidden: bool
    held: bool
    subject_name: str
    subject_suspended: bool
    earlier: int
    messages: list[SharedRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)


class ModerationQueueState(FormState):
    tab: str = "open"
    items: list[QueueRow] = []
    acting_on: int = 0  # the report whose action form has an error

    def _row(self, item: QueueItem) -> QueueRow:
        locale = normalize_locale(self.locale)
        history = [HistoryRow(line=" · ".join(part for part in (
            format_date(h.created_at, locale), h.actor_name, self._t(ACTION_LABELS.get(h.action, h.action)),
            self._t(N_("tot {date}"), date=format_date(h.until, locale)) if h.until else "", h.reason) if part))
            for h in item.history]
        return QueueRow(
            report_id=item.report_id, status=item.status, status_label=self._t(STATUS_LABELS[item.status]),
            when=format_date(item.created_at, locale),
            reason=self._t(N_("Bezwaar van de schrijver")) if item.is_appeal else self._t(REASONS.get(item.reason, REASONS["anders"])),
            note=item.note, is_appeal=item.is_appeal, reporters=item.reporters, grouped=item.grouped,
            assignee=item.assignee_name, mine=item.mine, outcome=self._t(ACTION_LABELS[item.outcome]) if item.outcome else "",
            is_post=item.conversation_id is None, post_title=item.post_title, post_body=item.post_body,
            post_url=routes.post_url(item.post_id) if item.post_id else "", hidden=item.post_hidden,
            held=item.post_held, subject_name=item.subject_name, subject_suspended=item.subject_suspended,
            earlier=item.earlier_reports,
            messages=[SharedRow(sender=m.sender_name, body=m.body, reported=m.reported) for m in item.messages],
            history=history,
        )

    async def _refresh(self) -> None:
        items = await run_service(moderation.list_queue, actor=self._user(), tab=self.tab)
        self.items = [self._row(item) for item in items]

    @rx.event
    @guarded(Action.MODERATE)
    async def load_queue(self):
        self.errors, self.acting_on = {}, 0
        tab = str(self.router.url.query_parameters.get("tab", "open"))
        self.tab = tab if tab in TABS else "open"
        await self._refresh()

    @rx.event
    @guarded(Action.MODERATE)
    async def show_tab(self, tab: str):
        self.tab = tab if tab in TABS else "open"
        self.errors, self.acting_on = {}, 0
        await self._refresh()

    @rx.event
    @guarded(Action.MODERATE)
    async def take_report(self, report_id: int):
        """"Oppakken": in progress, assigned to the caller."""
        try:
            await run_service(moderation.take, actor=self._user(), report_id=report_id)
        except (NotFound, ValidationError):
            return rx.toast.error(self._t(N_("Deze melding is al afgehandeld of bestaat niet.")))
        await self._refresh()
        return rx.toast.success(self._t(N_("Opgepakt: je vindt hem onder In behandeling (door mij).")))

    @rx.event
    @guarded(Action.MODERATE)
    async def act(self, form: dict):
        """One action on one report: {report_id, action, reason, days}; the service checks the rest."""
        raw_id, action = text(form, "report_id"), text(form, "action")
        report_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 12 else -1
        self.acting_on = report_id
        actor, reason = self._user(), text(form, "reason")
        try:
            if action == "no_action":
                await run_service(moderation.dismiss, actor=actor, report_id=report_id, reason=reason)
            elif action == "hide":
                await run_service(moderation.hide_post, actor=actor, report_id=report_id, reason=reason)
            elif action == "warn":
                await run_service(moderation.warn, actor=actor, report_id=report_id, text=reason)
            elif action == "suspend":
                raw_days = text(form, "days")
                days = None if raw_days == "voorgoed" else int(raw_days) if raw_days.isdigit() and len(raw_days) < 6 else 0
                await run_service(moderation.suspend, actor=actor, report_id=report_id, days=days, reason=reason)
            elif action == "restore":
                await run_service(moderation.restore, actor=actor, report_id=report_id, reason=reason)
            else:
                raise ValidationError("action", N_("Kies wat er moet gebeuren."))
        except ValidationError as error:
            return self._field_error(f"act-{report_id}", error)
        except NotFound:
            self.errors = {"form": self._t(N_("Deze melding is al afgehandeld of bestaat niet."))}
            return
        self.errors, self.acting_on = {}, 0
        await self._refresh()
        return rx.toast.success(self._t(N_("Gedaan. De melder krijgt bericht.")))

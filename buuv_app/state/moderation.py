"""What moderation tells a member on their next visit: a moderator's warning, the outcome of a
report they made. Loaded on every page (layout.page) and dismissed one by one."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from buuv_app.errors import NotFound
from buuv_app.i18n import N_, format_date, normalize_locale
from buuv_app.services import moderation
from buuv_app.services.permissions import Action, is_member
from buuv_app.state.access import guarded, public
from buuv_app.state.base import AppState
from buuv_app.state.db import run_service


@dataclass
class NoticeRow:
    id: int
    kind: str  # "warning" or "outcome"
    text: str
    date: str


class NoticesState(AppState):
    notices: list[NoticeRow] = []

    async def _refresh(self, user) -> None:
        locale = normalize_locale(self.locale)
        rows = await run_service(moderation.list_notices, user=user, locale=locale) if is_member(user) else []
        notices = [NoticeRow(id=n.id, kind=n.kind, text=n.text, date=format_date(n.created_at, locale)) for n in rows]
        if notices != self.notices:
            self.notices = notices

    @rx.event
    @public
    async def load_notices(self):
        """The caller's own unseen notices (nothing for a visitor); every page."""
        await self._refresh(await self._load_user())

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def dismiss_notice(self, notice_id: int):
        """"Gelezen": only the caller's own notice is marked (another id changes nothing)."""
        try:
            await run_service(moderation.dismiss_notice, user=self._user(), notice_id=notice_id)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze melding is er niet (meer).")))
        await self._refresh(self._user())

"""What moderation tells a member on their next visit (a moderator's warning, the outcome of a
report they made): AppState.load_viewer loads them with the header on every page; here they are
dismissed one by one."""

from __future__ import annotations

import reflex as rx

from buuv_app.errors import NotFound
from buuv_app.i18n import N_, format_date, normalize_locale
from buuv_app.services import moderation
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded
from buuv_app.state.base import AppState, NoticeRow
from buuv_app.state.db import run_service

__all__ = ["NoticeRow", "NoticesState"]


class NoticesState(AppState):
    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def dismiss_notice(self, notice_id: int):
        """"Gelezen": only the caller's own notice is marked (another id changes nothing)."""
        user = self._user()
        try:
            await run_service(moderation.dismiss_notice, user=user, notice_id=notice_id)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze melding is er niet (meer).")))
        locale = normalize_locale(self.locale)
        rows = await run_service(moderation.list_notices, user=user, locale=locale)
        self.notices = [NoticeRow(id=n.id, kind=n.kind, text=n.text, date=format_date(n.created_at, locale))
                        for n in rows]

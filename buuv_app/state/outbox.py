"""Requests and offers written offline: the device's outbox (assets/outbox.js) hands them over here
once the connection is back. Each carries an id made on the device, so a resend is placed once."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import PostKind, User, Visibility, utcnow
from buuv_app.services import posts
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded
from buuv_app.state.account import minutes, text
from buuv_app.state.base import AppState, written_by
from buuv_app.state.post import TOO_MANY_POSTS

BATCH = 5  # posts a device may hand over in one go


@dataclass
class _Placed:
    client_id: str
    post_id: int | None = None
    error: Exception | None = None


def _place_all(user: User, items: list[dict]) -> list[_Placed]:
    results = []
    with session_scope() as session:
        for item in items:
            result = _Placed(client_id=text(item, "client_id")[:80])
            try:
                result.post_id = posts.create_post(
                    session=session, author=user, client_id=result.client_id,
                    kind=text(item, "kind") or PostKind.REQUEST.value, title=text(item, "title"),
                    body=text(item, "body"), category_slug=text(item, "category"),
                    neighbourhood_slug=text(item, "neighbourhood"),
                    visibility=text(item, "visibility")
                    if text(item, "visibility") in (Visibility.MEMBERS.value, Visibility.VERIFIED.value)
                    else Visibility.EVERYONE.value,
                ).id
            except (ValidationError, NotFound, PermissionDenied, Throttled) as error:
                session.rollback()
                result.error = error
            results.append(result)
    return results


class PostOutboxState(AppState):
    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def place(self, items: list):
        """Place the outbox's waiting posts: [{client_id, member, kind, title, body, category,
        neighbourhood, visibility}]. Answers the device with what went out and what was refused."""
        if not isinstance(items, list) or not items:
            return None
        user = self._user()
        # Queued on this device by another member: ignored (their device wipes it, assets/pwa.js).
        mine = [i for i in items[:BATCH] if isinstance(i, dict) and written_by(user, i)]
        if not mine:
            return None
        results = await asyncio.to_thread(_place_all, user, mine)
        now_ms = int(utcnow().timestamp() * 1000)
        placed = [{"client_id": r.client_id, "url": routes.post_url(r.post_id), "at": now_ms}
                  for r in results if r.error is None]
        events = []
        if placed:
            events.append(rx.call_script(f"window.buuvOutbox && buuvOutbox.confirmPosts({json.dumps(placed)})"))
        for r in results:
            if r.error is not None and r.client_id:
                if isinstance(r.error, ValidationError):
                    reason = self._t(r.error.message, **r.error.params)
                elif isinstance(r.error, Throttled):
                    reason = self._t(TOO_MANY_POSTS, minutes=minutes(r.error.retry_after))
                else:
                    reason = self._t(N_("Dit kon niet worden geplaatst."))
                events.append(rx.call_script(
                    f"window.buuvOutbox && buuvOutbox.failPost({json.dumps(r.client_id)}, {json.dumps(reason)})"))
        return events or None

"""The /verifieer page: becoming a verified neighbour with the board's wijk code, the choice to be
messaged by verified neighbours only, confirming a neighbour in person (ambassadors and
professionals) and revoking (professionals). The rules are in services/verification.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import reflex as rx

from buuv_app.errors import NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.i18n import N_, format_date, normalize_locale
from buuv_app.services import permissions, verification
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded
from buuv_app.state.account import FormState, minutes, text
from buuv_app.state.db import run_service

METHOD_WORDS = {"board_code": N_("met de wijkcode van het prikbord"), "in_person": N_("na een ontmoeting")}


@dataclass
class VerifiedMemberRow:
    verification_id: int
    display_name: str
    wijk_name: str
    how: str
    since: str


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


class VerificationState(FormState):
    verified: bool = False
    has_wijk: bool = True
    wijk_name: str = ""
    since: str = ""
    how: str = ""
    messages_verified_only: bool = False
    may_confirm: bool = False  # ambassadors, professionals, admins
    may_revoke: bool = False  # professionals, admins
    verified_members: list[VerifiedMemberRow] = []
    confirmed_message: str = ""
    loaded: bool = False

    async def _reload(self) -> None:
        user = self._user()
        status = await run_service(verification.get_status, user=user)
        self.verified, self.has_wijk, self.wijk_name = status.verified, status.has_wijk, status.wijk_name
        self.since = format_date(status.since, self._locale()) if status.since else ""
        how = self._t(METHOD_WORDS.get(status.method, "")) if status.method else ""
        self.how = f"{how} ({status.verified_by})" if status.verified_by else how
        self.messages_verified_only = status.messages_verified_only
        self.may_confirm = permissions.allowed(user, Action.ACT_AS_AMBASSADOR)
        self.may_revoke = permissions.allowed(user, Action.MODERATE)
        if self.may_revoke:
            rows = await run_service(verification.list_verified, actor=user)
            self.verified_members = [
                VerifiedMemberRow(r.verification_id, r.display_name, r.wijk_name,
                                  self._t(METHOD_WORDS[r.method]) + (f" ({r.verified_by})" if r.verified_by else ""),
                                  format_date(r.since, self._locale()))
                for r in rows]
        else:
            self.verified_members = []
        self._show_viewer(user)
        self.loaded = True

    def _locale(self) -> str:
        return normalize_locale(self.locale)

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def load_verification(self):
        self.errors, self.confirmed_message = {}, ""
        await self._reload()

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def enter_code(self, form: dict):
        """The wijk code from the board's sheet."""
        try:
            await run_service(verification.enter_code, user=self._user(), code=text(form, "code"))
        except ValidationError as error:
            return self._field_error("verify", error)
        except Throttled as error:
            return self._field_error("verify", ValidationError(
                "code", N_("Te veel verkeerde codes. Probeer het over {minutes} minuten opnieuw."),
                minutes=minutes(error.retry_after)))
        self.errors = {}
        await self._reload()
        return rx.toast.success(self._t(N_("Gelukt: je bent nu geverifieerde buur.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def choose_verified_messages(self, enabled: bool):
        """Only verified neighbours may start a conversation with me (or everyone again)."""
        on = enabled is True
        await run_service(verification.set_messages_verified_only, user=self._user(), enabled=on)
        self.messages_verified_only = on
        return rx.toast.success(self._t(N_("Je keuze is opgeslagen.")))

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def confirm_neighbour(self, form: dict):
        """An ambassador or professional met this member in person."""
        self.confirmed_message = ""
        try:
            await run_service(verification.confirm_in_person, actor=self._user(), email=text(form, "email"),
                              meeting=text(form, "meeting"), met_on=_parse_date(text(form, "met_on")))
        except ValidationError as error:
            return self._field_error("confirm", error)
        except Throttled as error:
            return self._field_error("confirm", ValidationError(
                "email", N_("Te veel opzoekingen. Probeer het over {minutes} minuten opnieuw."),
                minutes=minutes(error.retry_after)))
        self.errors = {}
        await self._reload()
        self.confirmed_message = self._t(N_("Bevestigd: deze buur is nu geverifieerd."))
        return rx.toast.success(self.confirmed_message)

    @rx.event
    @guarded(Action.MODERATE)
    async def revoke_verification(self, form: dict):
        """A professional takes a verification back (in the moderation audit log)."""
        raw = text(form, "verification_id")
        verification_id = int(raw) if raw.isdigit() and len(raw) < 12 else -1
        try:
            await run_service(verification.revoke, actor=self._user(), verification_id=verification_id,
                              reason=text(form, "reason"))
        except ValidationError as error:
            return self._field_error(f"revoke-{verification_id}", error)
        except (NotFound, PermissionDenied):
            return rx.toast.error(self._t(N_("Deze verificatie bestaat niet (meer) of is niet van jouw gemeente.")))
        self.errors = {}
        await self._reload()
        return rx.toast.success(self._t(N_("De verificatie is ingetrokken.")))

"""Role management: professionals appoint ambassadors, admins appoint professionals."""

from __future__ import annotations

import asyncio

import reflex as rx

from buuv_app.db import session_scope
from buuv_app.errors import NotFound, Throttled, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import Role
from buuv_app.services import roles
from buuv_app.services.permissions import Action
from buuv_app.services.roles import Member
from buuv_app.state.access import guarded
from buuv_app.state.account import FormState, minutes, text
from buuv_app.state.db import run_service


class ManageRolesState(FormState):
    """Shared by both pages: the current role holders and a member looked up by e-mail."""

    members: list[Member] = []
    found: Member | None = None

    async def _refresh(self) -> None:
        self.members = await run_service(roles.list_role_holders, actor=self._user())

    async def _find(self, form: dict):
        actor = self._user()

        def run():
            with session_scope() as session:
                return roles.find_member(session=session, actor=actor, email=text(form, "email"))

        self.found = None
        try:
            self.found = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("find", error)
        except Throttled as error:
            return self._field_error("find", ValidationError(
                "email", N_("Je hebt veel leden opgezocht. Probeer het over {minutes} minuten opnieuw."),
                minutes=minutes(error.retry_after)))
        except NotFound:
            self.errors = {"email": self._t(N_("Er is geen actief account met dit e-mailadres."))}
            return rx.set_focus("find-email")
        self.errors = {}

    async def _set_role(self, user_id: int, role: str, municipality: str | None = None):
        actor = self._user()

        def run():
            with session_scope() as session:
                return roles.set_role(session=session, actor=actor, target_id=user_id, role=role,
                                      municipality_slug=municipality)

        try:
            member = await asyncio.to_thread(run)
        except NotFound:
            return rx.toast.error(self._t(N_("Er is geen actief account met dit e-mailadres.")))
        except ValidationError as error:
            return self._field_error("grant", error)
        self.found = None
        self.errors = {}
        await self._refresh()
        return rx.toast.success(self._t(N_("{name} is nu: {role}."), name=member.display_name,
                                        role=self._t(ROLE_NAMES[member.role])))


ROLE_NAMES = {
    Role.RESIDENT.value: N_("bewoner"),
    Role.AMBASSADOR.value: N_("ambassadeur"),
    Role.PROFESSIONAL.value: N_("wijkprofessional"),
    Role.ADMIN.value: N_("beheerder"),
}


class AmbassadorsState(ManageRolesState):
    """For professionals: the ambassadors of their municipality."""

    @rx.event
    @guarded(Action.MANAGE_AMBASSADORS)
    async def load_ambassadors(self):
        self.found = None
        self.errors = {}
        await self._refresh()

    @rx.event
    @guarded(Action.MANAGE_AMBASSADORS)
    async def find_member(self, form: dict):
        return await self._find(form)

    @rx.event
    @guarded(Action.MANAGE_AMBASSADORS)
    async def grant_ambassador(self, user_id: int):
        return await self._set_role(user_id, Role.AMBASSADOR.value)

    @rx.event
    @guarded(Action.MANAGE_AMBASSADORS)
    async def revoke_ambassador(self, user_id: int):
        return await self._set_role(user_id, Role.RESIDENT.value)


class ProfessionalsState(ManageRolesState):
    """For admins: the neighbourhood professionals and where they work."""

    @rx.event
    @guarded(Action.MANAGE_PROFESSIONALS)
    async def load_professionals(self):
        self.found = None
        self.errors = {}
        await self._refresh()

    @rx.event
    @guarded(Action.MANAGE_PROFESSIONALS)
    async def find_member(self, form: dict):
        return await self._find(form)

    @rx.event
    @guarded(Action.MANAGE_PROFESSIONALS)
    async def grant_professional(self, form: dict):
        raw_id = text(form, "user_id")
        user_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 12 else -1
        return await self._set_role(user_id, Role.PROFESSIONAL.value, text(form, "municipality"))

    @rx.event
    @guarded(Action.MANAGE_PROFESSIONALS)
    async def revoke_professional(self, user_id: int):
        return await self._set_role(user_id, Role.RESIDENT.value)

"""Member profiles: reading one (/buur/<id>, members only) and editing one's own ("Over mij" on
/account). Thin: services/profiles.py decides who sees what and what may be saved."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from buuv_app import routes
from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_, format_month
from buuv_app.services import photos, profiles
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded
from buuv_app.state.account import FormState, text
from buuv_app.state.db import run_service


def _route_member_id(state: rx.State) -> int | None:
    raw = str(state.router._page.params.get("member_id", "") or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@dataclass
class ThanksView:
    post_url: str
    post_title: str
    text: str
    author_name: str


@dataclass
class ProfileView:
    """What a profile page shows: never an e-mail address or anything else of the account."""

    id: int
    first_name: str
    neighbourhood_name: str
    since_nl: str
    since_en: str
    helped_count: int
    was_helped_count: int
    thanks: list[ThanksView]
    intro: str
    photo_url: str
    # "Buur geverifieerd" (services/verification.is_verified, through profiles.get_profile).
    verified: bool = False


def profile_view(profile: profiles.Profile) -> ProfileView:
    return ProfileView(
        id=profile.id, first_name=profile.first_name, neighbourhood_name=profile.neighbourhood_name,
        since_nl=format_month(profile.member_since, "nl"), since_en=format_month(profile.member_since, "en"),
        helped_count=profile.helped_count, was_helped_count=profile.was_helped_count,
        thanks=[ThanksView(routes.post_url(t.post_id), t.post_title, t.text, t.author_name) for t in profile.thanks],
        intro=profile.intro, photo_url=routes.photo_url(profile.photo_key) if profile.photo_key else "",
        verified=profile.verified,
    )


class ProfileState(FormState):
    """/buur/<id>: one member's profile, for members only."""

    profile: ProfileView | None = None
    is_self: bool = False
    found: bool = True
    loaded: bool = False

    @rx.event
    @guarded(Action.VIEW_PROFILES)
    async def load_profile(self):
        """A visitor is sent to the login page, coming back here (access._on_refused)."""
        viewer, member_id = self._user(), _route_member_id(self)
        self.loaded, self.profile = False, None
        try:
            profile = await run_service(profiles.get_profile, viewer=viewer,
                                        user_id=member_id if member_id is not None else -1)
        except NotFound:
            self.found, self.is_self, self.loaded = False, False, True
            return
        self.profile = profile_view(profile)
        self.is_self = profile.id == viewer.id
        self.found, self.loaded = True, True


class ProfileEditState(FormState):
    """"Over mij" on /account: the caller's own introduction and photo (always the caller's own:
    no handler takes a member id)."""

    intro: str = ""
    photo_url: str = ""
    profile_url: str = ""
    intro_saved: bool = False

    def _show(self, user) -> None:
        self.intro = user.intro or ""
        self.photo_url = routes.photo_url(user.photo_key, thumbnail=True) if user.photo_key else ""
        self.profile_url = routes.profile_url(user.id)

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    def load_own_profile(self):
        self.errors, self.intro_saved = {}, False
        self._show(self._user())

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def save_intro(self, form: dict):
        try:
            user = await run_service(profiles.update_intro, actor=self._user(), intro=text(form, "intro"))
        except ValidationError as error:
            self.intro_saved = False
            return self._field_error("profile-intro", error)
        self.errors, self.intro_saved = {}, True
        self._show(user)
        return rx.toast.success(self._t(N_("Je introductie is opgeslagen.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def upload_photo(self, files: list[rx.UploadFile]):
        if not files:
            return
        # At most one byte past the limit: a bigger upload is refused without holding it all.
        data = await files[0].read(photos.MAX_BYTES + 1)
        try:
            user = await run_service(profiles.set_photo, actor=self._user(), data=data)
        except ValidationError as error:
            return self._field_error("profile-intro", error)
        self.errors = {}
        self._show(user)
        return rx.toast.success(self._t(N_("Je foto is opgeslagen.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def remove_photo(self):
        user = await run_service(profiles.remove_photo, actor=self._user())
        self.errors = {}
        self._show(user)

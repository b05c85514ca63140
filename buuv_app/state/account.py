"""Account flows: sign up, confirm, log in, forgot and reset password, and the account page."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from math import ceil
from typing import Any

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import (
    AuthenticationFailed,
    EmailNotConfirmed,
    InvalidToken,
    NotFound,
    Throttled,
    ValidationError,
)
from buuv_app.i18n import N_
from buuv_app.services import accounts, digest, messaging, notifications, places, posts
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded, public
from buuv_app.state.base import AppState, clear_device_script, safe_next
from buuv_app.state.views import PostCardView, card_view

# Anything longer is refused by the services anyway; cutting first keeps megabyte payloads cheap.
INPUT_LIMIT = 10_001


def text(form: Any, key: str) -> str:
    """A form value as text, whatever a (possibly hostile) client sent."""
    value = form.get(key, "") if isinstance(form, dict) else ""
    return value[:INPUT_LIMIT] if isinstance(value, str) else ""


def checked(form: Any, key: str) -> bool:
    value = form.get(key) if isinstance(form, dict) else None
    return value in ("on", "true", True)


def minutes(seconds: int) -> int:
    return max(1, ceil(seconds / 60))


class FormState(AppState):
    """Base for a form: one message per field, and a message for the whole form."""

    errors: dict[str, str] = {}

    def _field_error(self, form_id: str, error: ValidationError):
        """Every field's message beside its field (a ValidationErrors holds several); the focus
        goes to the first field at fault, so a screen reader starts reading there."""
        self.errors = {e.field: self._t(e.message, **e.params) for e in error.errors}
        return rx.set_focus(f"{form_id}-{error.errors[0].field}")

    def _form_error(self, msgid: str, **params: object) -> None:
        self.errors = {"form": self._t(msgid, **params)}

    def _throttled(self, form_id: str, field: str, error: Throttled):
        """Too many wrong passwords where a password is asked again (change it, delete the account,
        accept an invitation): said at the password field."""
        return self._field_error(form_id, ValidationError(
            field, N_("Te veel verkeerde wachtwoorden. Probeer het over {minutes} minuten opnieuw."),
            minutes=minutes(error.retry_after)))


def _checked_next(path: object) -> str:
    """A checked path on this site, or "" for nowhere in particular (the account page, where a
    login leads anyway, and what safe_next makes of a refused address)."""
    checked = safe_next(path)
    return "" if checked == routes.ACCOUNT else checked


def _next_from_query(state: AppState) -> str:
    """Where the way in started ("" for nowhere in particular): a checked path from `next=`."""
    return _checked_next(state.router.url.query_parameters.get("next"))


class WayInState(FormState):
    """Login and sign-up remember the page someone came from (asking for help, replying to a
    post), say why an account is needed, and lead back there afterwards."""

    next_path: str = ""

    @rx.var
    def reason(self) -> str:
        """"ask" when they came to ask for help, "reply" to reply to a post, else ""."""
        if self.next_path == routes.NEW_POST:
            return "ask"
        if re.fullmatch(r"/hulp/\d+", self.next_path):
            return "reply"
        return ""

    @rx.var
    def login_href(self) -> str:
        return routes.login_url(self.next_path)

    @rx.var
    def sign_up_href(self) -> str:
        return routes.sign_up_url(self.next_path)


class SignUpState(WayInState):
    sent_to: str = ""

    @rx.event
    @public
    def restart(self):
        self.sent_to = ""
        self.errors = {}
        self.next_path = _next_from_query(self)

    @rx.event
    @public
    async def sign_up(self, form: dict):
        email = text(form, "email")
        ip, locale = self._client_ip(), self.locale
        next_path = _checked_next(self.next_path)  # checked again: a client can set any state

        def run():
            with session_scope() as session:
                accounts.sign_up(
                    session=session, display_name=text(form, "display_name"), email=email,
                    password=text(form, "password"), neighbourhood_slug=text(form, "neighbourhood"),
                    accepted_terms=checked(form, "accepted_terms"),
                    confirmed_16_plus=checked(form, "confirmed_16_plus"), ip=ip, locale=locale,
                    next_path=next_path,
                )

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("signup", error)
        except Throttled as error:
            return self._form_error(
                N_("Er zijn te veel aanmeldingen gedaan vanaf deze verbinding of met dit e-mailadres. Probeer het over {minutes} minuten opnieuw."),
                minutes=minutes(error.retry_after))
        self.errors = {}
        self.sent_to = email.strip().lower()


class ConfirmState(FormState):
    failed: bool = False

    @rx.event
    @public
    async def confirm(self):
        token = self.router.url.query_parameters.get("token", "")

        def run():
            with session_scope() as session:
                accounts.confirm_email(session=session, token=token)

        try:
            await asyncio.to_thread(run)
        except InvalidToken:
            self.failed = True
            return
        self.failed = False
        # Confirming logs nobody in: the link may be opened in a browser that did not sign up
        # (a forwarded mail, a shared computer), so the password is asked next.
        # The link carries where the sign-up started (a post, the asking form): the login leads there.
        return [rx.toast.success(self._t(N_("Je e-mailadres is bevestigd. Log in met je wachtwoord."))),
                rx.redirect(routes.login_url(_next_from_query(self)))]


class LoginState(WayInState):
    @rx.event
    @public
    def start(self):
        self.errors = {}
        self.next_path = _next_from_query(self)

    @rx.event
    @public
    async def log_in(self, form: dict):
        ip, locale = self._client_ip(), self.locale

        def run():
            with session_scope() as session:
                return accounts.log_in(session=session, email=text(form, "email"),
                                       password=text(form, "password"), ip=ip, locale=locale)

        try:
            result = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("login", error)
        except AuthenticationFailed:
            self._form_error(N_("Het e-mailadres of het wachtwoord klopt niet."))
            return rx.set_focus("login-password")
        except EmailNotConfirmed:
            return self._form_error(N_("Bevestig eerst je e-mailadres. We hebben je de link opnieuw gestuurd."))
        except Throttled as error:
            return self._form_error(
                N_("Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw, of vraag een nieuw wachtwoord aan."),
                minutes=minutes(error.retry_after))
        await self._start_session(result.token, result.user)
        return rx.redirect(safe_next(self.router.url.query_parameters.get("next")))


class ForgotPasswordState(FormState):
    sent: bool = False

    @rx.event
    @public
    async def request_reset(self, form: dict):
        locale, ip = self.locale, self._client_ip()

        def run():
            with session_scope() as session:
                accounts.request_password_reset(session=session, email=text(form, "email"), locale=locale, ip=ip)

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("forgot", error)
        except Throttled as error:
            return self._form_error(
                N_("Er zijn al veel links aangevraagd. Probeer het over {minutes} minuten opnieuw."),
                minutes=minutes(error.retry_after))
        self.errors = {}
        self.sent = True


class ResetPasswordState(FormState):
    token_valid: bool = True
    done: bool = False

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    @rx.event
    @public
    async def check_token(self):
        token = self._token()

        def run():
            with session_scope() as session:
                accounts.check_reset_token(session=session, token=token)

        self.done = False
        self.errors = {}
        try:
            await asyncio.to_thread(run)
            self.token_valid = True
        except InvalidToken:
            self.token_valid = False

    @rx.event
    @public
    async def reset_password(self, form: dict):
        token = self._token()

        def run():
            with session_scope() as session:
                accounts.reset_password(session=session, token=token, new_password=text(form, "password"))

        try:
            await asyncio.to_thread(run)
        except InvalidToken:
            self.token_valid = False
            return
        except ValidationError as error:
            return self._field_error("reset", error)
        await self._end_presence()  # every session ended, this browser's too
        self.done = True


@dataclass
class OwnPostView:
    card: PostCardView
    status: str
    body: str
    neighbourhood_slug: str = ""
    members_only: bool = False
    verified_only: bool = False  # for verified neighbours only: still closed to members when edited
    hidden: bool = False  # hidden by moderation: others do not see it (its page says why)


@dataclass
class NearbyView:
    slug: str
    name: str
    chosen: bool


class AccountState(FormState):
    """The account page: profile, password, my posts, my data, deleting the account."""

    display_name: str = ""
    email: str = ""
    neighbourhood_slug: str = ""
    role: str = ""
    my_posts: list[OwnPostView] = []
    message_mail: bool = True
    # The rest of the notification settings (services/notifications.NOTIFICATION_SETTINGS).
    push_message: bool = True
    push_reaction: bool = True
    push_reminder: bool = True
    push_moderation: bool = True
    push_show_text: bool = False
    digest_mail: bool = True
    # Nearby wijken that may be added to the weekly digest (those of the member's own town).
    nearby: list[NearbyView] = []
    editing_post: int = 0
    loaded: bool = False

    def _fill(self, user, neighbourhood_slug: str, own_posts: list[OwnPostView],
              nearby: list[NearbyView] | None = None) -> None:
        self.display_name = user.display_name
        self.email = user.email or ""
        self.neighbourhood_slug = neighbourhood_slug
        self.role = user.role
        for setting in notifications.NOTIFICATION_SETTINGS:
            setattr(self, setting, getattr(user, setting))
        self.my_posts = own_posts
        self.nearby = nearby or []
        self._show_viewer(user)
        self.loaded = True

    async def _reload(self) -> None:
        user = self._user()

        def load():
            with session_scope() as session:
                home = places.home_slug(session=session, user=user)
                own = [
                    OwnPostView(card=card_view(post), status=post.status, body=post.body,
                                neighbourhood_slug=post.neighbourhood_slug,
                                members_only=post.visibility == "members",
                                verified_only=post.visibility == "verified", hidden=post.hidden_cause is not None)
                    for post in posts.list_posts_by_author(session=session, author_id=user.id)
                ]
                nearby = [NearbyView(c.slug, c.name, c.chosen)
                          for c in digest.list_nearby_choices(session=session, user=user)]
                return home, own, nearby

        slug, own, nearby = await asyncio.to_thread(load)
        self._fill(user, slug, own, nearby)

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def load_account(self):
        self.errors = {}
        self.editing_post = 0
        await self._reload()

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def save_profile(self, form: dict):
        user = self._user()

        def run():
            with session_scope() as session:
                return accounts.update_profile(session=session, user=session.merge(user),
                                               display_name=text(form, "display_name"),
                                               neighbourhood_slug=text(form, "neighbourhood"))

        try:
            updated = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("profile", error)
        self.errors = {}
        self.display_name = updated.display_name
        self._show_viewer(updated)
        return rx.toast.success(self._t(N_("Je gegevens zijn opgeslagen.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def set_notification(self, setting: str, enabled: bool):
        """One of the settings in "Meldingen en mail" (a push kind, "toon de tekst", a mail kind)."""
        user = self._user()

        def run():
            with session_scope() as session:
                notifications.set_notification(session=session, user=session.merge(user), setting=setting,
                                               enabled=enabled)

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            return rx.toast.error(self._t(error.message, **error.params))
        setattr(self, setting, enabled is True)
        return rx.toast.success(self._t(N_("Je keuze is opgeslagen.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def save_nearby(self, form: dict):
        """The nearby wijken in the weekly digest: checkboxes named wijk-<slug>."""
        user = self._user()
        slugs = [key[len("wijk-"):] for key in (form if isinstance(form, dict) else {})
                 if isinstance(key, str) and key.startswith("wijk-") and checked(form, key)]

        def run():
            with session_scope() as session:
                digest.set_nearby_slugs(session=session, user=session.merge(user), slugs=slugs)
                return [NearbyView(c.slug, c.name, c.chosen)
                        for c in digest.list_nearby_choices(session=session, user=user)]

        self.nearby = await asyncio.to_thread(run)
        return rx.toast.success(self._t(N_("Je keuze is opgeslagen.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def change_password(self, form: dict):
        user, ip = self._user(), self._client_ip()

        def run():
            with session_scope() as session:
                return accounts.change_password(
                    session=session, user=session.merge(user), current_password=text(form, "current_password"),
                    new_password=text(form, "new_password"), ip=ip)

        try:
            token = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("password", error)
        except Throttled as error:
            return self._throttled("password", "current_password", error)
        self.errors = {}
        self.auth_token = token
        return [rx.toast.success(self._t(N_("Je wachtwoord is gewijzigd. Andere apparaten zijn uitgelogd."))),
                rx.call_script("document.getElementById('password-form').reset()")]

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def download_data(self):
        user = self._user()

        def run():
            with session_scope() as session:
                return accounts.export_data(session=session, user=session.merge(user))

        data = await asyncio.to_thread(run)
        return rx.download(data=json.dumps(data, ensure_ascii=False, indent=2),
                           filename="mijn-buuv-gegevens.json", mime_type="application/json")

    @rx.event
    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def delete_account(self, form: dict):
        user, ip = self._user(), self._client_ip()

        def run():
            with session_scope() as session:
                accounts.delete_account(session=session, user=session.merge(user), password=text(form, "password"),
                                        ip=ip)

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("delete", error)
        except Throttled as error:
            return self._throttled("delete", "password", error)
        await self._end_presence()
        return [rx.call_script(clear_device_script(self._dropped_notice())),
                rx.toast.info(self._t(N_("Je account is verwijderd. Bedankt voor je hulp in de buurt."))),
                rx.redirect(routes.HOME)]

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    def edit_post(self, post_id: int):
        # Only opens the form; whether the post is yours is checked when saving.
        self.editing_post = post_id if isinstance(post_id, int) else 0
        self.errors = {}

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    def cancel_edit(self):
        self.editing_post = 0
        self.errors = {}

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def save_post(self, form: dict):
        user = self._user()
        raw_id = text(form, "post_id")
        post_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 12 else -1
        # The box says "closed to visitors"; a post for verified neighbours only stays that when ticked.
        verified = any(p.card.id == post_id and p.verified_only for p in self.my_posts)
        visibility = ("verified" if verified else "members") if checked(form, "members_only") else "everyone"

        def run():
            with session_scope() as session:
                posts.update_post(
                    session=session, actor=user, post_id=post_id, title=text(form, "title"),
                    body=text(form, "body"), category_slug=text(form, "category") or None,
                    neighbourhood_slug=text(form, "neighbourhood") or None,
                    visibility=visibility)

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            if error.field == "post":  # about the post as a whole (finished, expired): say so plainly
                return rx.toast.error(self._t(error.message, **error.params))
            return self._field_error("post", error)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze oproep bestaat niet (meer). Misschien is hij al verwijderd.")))
        self.editing_post = 0
        self.errors = {}
        await self._reload()
        return rx.toast.success(self._t(N_("Je oproep is bijgewerkt.")))

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def delete_post(self, post_id: int):
        user = self._user()

        def run():
            with session_scope() as session:
                posts.delete_post(session=session, actor=user, post_id=post_id)

        try:
            await asyncio.to_thread(run)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze oproep bestaat niet (meer). Misschien is hij al verwijderd.")))
        await self._reload()
        return rx.toast.success(self._t(N_("Je oproep is verwijderd.")))

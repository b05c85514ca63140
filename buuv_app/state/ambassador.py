"""Ambassadors: the dashboard (/ambassadeur), registering a neighbour, and the neighbour's invitation.

A neighbour's contact details only ever go to the browser of their own ambassador or of a
professional of their municipality: the services check who asks on every load, and the refused
get empty lists.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import InvalidToken, NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.i18n import N_, format_ago, format_date, gettext
from buuv_app.models import ContactMethod, utcnow
from buuv_app.services import ambassador, places
from buuv_app.services.ambassador import NeighbourDetails, NeighbourPost, WaitingConversation
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded, public
from buuv_app.state.account import FormState, checked, text
from buuv_app.state.views import PostCardView, card_view

LOCALES = ("nl", "en")
CONSENT_NAMES = {"verbal": N_("mondeling"), "paper": N_("op papier"), "phone": N_("telefonisch")}


@dataclass
class NeighbourRow:
    """A neighbour on the dashboard, for their ambassador (or a professional of the municipality)."""

    id: int
    first_name: str
    neighbourhood_name: str
    contact_nl: str
    contact_en: str
    consent_nl: str
    consent_en: str
    has_consent: bool
    account_status: str
    open_posts: int
    edit_url: str
    request_url: str
    offer_url: str
    ambassador_name: str = ""


@dataclass
class NeighbourPostRow:
    url: str
    kind: str
    title: str
    status: str
    neighbour_name: str
    expires_nl: str
    expires_en: str
    expired: bool


@dataclass
class WaitingRow:
    url: str
    post_title: str
    neighbour_name: str
    other_name: str
    last_message: str
    ago_nl: str
    ago_en: str


def contact_text(details: NeighbourDetails, locale: str, *, mine: bool) -> str:
    if details.contact_method == ContactMethod.PHONE:
        return gettext(N_("Telefoon: {phone}"), locale, phone=details.phone)
    if details.contact_method == ContactMethod.BOARD:
        return gettext(N_("Bij het prikbord: {place}"), locale, place=details.board_location)
    if mine:
        return gettext(N_("Via mij"), locale)
    return gettext(N_("Via ambassadeur {name}"), locale, name=details.ambassador_name)


def consent_text(details: NeighbourDetails, locale: str) -> str:
    if not details.has_consent:
        return gettext(N_("Nog geen toestemming vastgelegd"), locale)
    return gettext(N_("Toestemming: {how}, {date}"), locale,
                   how=gettext(CONSENT_NAMES.get(details.consent_method, details.consent_method), locale),
                   date=format_date(details.consent_given_on, locale))


def neighbour_row(details: NeighbourDetails, *, mine: bool = True) -> NeighbourRow:
    texts = {locale: (contact_text(details, locale, mine=mine), consent_text(details, locale)) for locale in LOCALES}
    return NeighbourRow(
        id=details.id, first_name=details.first_name, neighbourhood_name=details.neighbourhood_name,
        contact_nl=texts["nl"][0], contact_en=texts["en"][0], consent_nl=texts["nl"][1], consent_en=texts["en"][1],
        has_consent=details.has_consent, account_status=details.account_status, open_posts=details.open_posts,
        edit_url=routes.neighbour_url(details.id), request_url=routes.new_post_for_url(details.id, "request"),
        offer_url=routes.new_post_for_url(details.id, "offer"), ambassador_name=details.ambassador_name,
    )


def post_row(post: NeighbourPost) -> NeighbourPostRow:
    return NeighbourPostRow(
        url=routes.post_url(post.id), kind=post.kind, title=post.title, status=post.status,
        neighbour_name=post.neighbour_name, expires_nl=format_date(post.expires_at, "nl"),
        expires_en=format_date(post.expires_at, "en"), expired=post.expires_at <= utcnow(),
    )


def waiting_row(item: WaitingConversation) -> WaitingRow:
    return WaitingRow(
        url=routes.conversation_url(item.conversation_id), post_title=item.post_title,
        neighbour_name=item.neighbour_name, other_name=item.other_name, last_message=item.last_message,
        ago_nl=format_ago(item.last_message_at, "nl"), ago_en=format_ago(item.last_message_at, "en"),
    )


class AmbassadorState(FormState):
    """/ambassadeur: my neighbours, their open posts, conversations waiting for me, posts about to
    expire, the posts of my board locations; professionals also see their municipality's neighbours."""

    neighbours: list[NeighbourRow] = []
    open_posts: list[NeighbourPostRow] = []
    waiting: list[WaitingRow] = []
    expiring: list[NeighbourPostRow] = []
    board_posts: list[PostCardView] = []
    municipality_neighbours: list[NeighbourRow] = []

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def load_dashboard(self):
        user = self._user()

        def load():
            with session_scope() as session:
                board = ambassador.dashboard(session=session, actor=user)
            return (
                [neighbour_row(n) for n in board.neighbours],
                [post_row(p) for p in board.open_posts],
                [waiting_row(w) for w in board.waiting],
                [post_row(p) for p in board.expiring],
                [card_view(p) for p in board.board_posts],
                [neighbour_row(n, mine=n.ambassador_id == user.id) for n in board.municipality_neighbours],
            )

        (self.neighbours, self.open_posts, self.waiting, self.expiring, self.board_posts,
         self.municipality_neighbours) = await asyncio.to_thread(load)


def _route_neighbour_id(state: rx.State) -> int | None:
    """The neighbour of /ambassadeur/buur/<id> (-1 for a malformed id: not found); None on /nieuw."""
    raw = str(state.router._page.params.get("neighbour_id", "") or "")
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 12 else -1


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class NeighbourFormState(FormState):
    """Register a neighbour (/ambassadeur/buur/nieuw) or change one and invite them to an account
    (/ambassadeur/buur/<id>). Only the neighbour's own ambassador gets here with their data."""

    neighbour_id: int = 0  # 0: a new neighbour
    first_name: str = ""
    neighbourhood_slug: str = ""
    contact_method: str = ContactMethod.AMBASSADOR.value
    phone: str = ""
    board_location: str = ""
    consent_method: str = ""
    consent_given_on: str = ""
    consent_nl: str = ""
    consent_en: str = ""
    has_consent: bool = False  # as saved (the form may say otherwise until it is saved)
    account_status: str = ""
    invited_to: str = ""
    form_key: str = ""  # changes when other data is loaded, so the form's defaults are refilled
    found: bool = True

    def _fill(self, details: NeighbourDetails | None, home_slug: str) -> None:
        today = utcnow().date().isoformat()
        self.neighbour_id = details.id if details else 0
        self.first_name = details.first_name if details else ""
        self.neighbourhood_slug = details.neighbourhood_slug if details else home_slug
        self.contact_method = details.contact_method if details else ContactMethod.AMBASSADOR.value
        self.phone = details.phone if details else ""
        self.board_location = details.board_location if details else ""
        self.consent_method = details.consent_method if details else ""
        self.consent_given_on = (details.consent_given_on.isoformat() if details and details.consent_given_on
                                 else today)
        self.consent_nl = consent_text(details, "nl") if details else ""
        self.consent_en = consent_text(details, "en") if details else ""
        self.has_consent = bool(details and details.has_consent)
        self.account_status = details.account_status if details else ""
        self.form_key = f"{self.neighbour_id}-{utcnow().timestamp()}"

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def load_neighbour_form(self):
        user, neighbour_id = self._user(), _route_neighbour_id(self)

        def load():
            with session_scope() as session:
                home = places.home_slug(session=session, user=user)
                if neighbour_id is None:
                    return None, home
                details = ambassador.get_neighbour(session=session, actor=user, neighbour_id=neighbour_id)
                if details.ambassador_id != user.id:
                    # A professional may read, but only the ambassador changes a neighbour here.
                    raise NotFound("neighbour")
                return details, home

        self.errors, self.invited_to = {}, ""
        try:
            details, home = await asyncio.to_thread(load)
        except (NotFound, PermissionDenied):
            # Another ambassador's neighbour looks exactly like one that does not exist (the
            # refusal itself is logged by the service).
            self._fill(None, "")
            self.found = False
            return
        self._fill(details, home)
        self.found = True

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    def choose_contact_method(self, method: str):
        self.contact_method = method if method in {m.value for m in ContactMethod} else ContactMethod.AMBASSADOR.value

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def save_neighbour(self, form: dict):
        user, neighbour_id, method = self._user(), self.neighbour_id, self.contact_method
        values = dict(
            first_name=text(form, "first_name"), neighbourhood_slug=text(form, "neighbourhood"),
            contact_method=method, phone=text(form, "phone"), board_location=text(form, "board_location"),
            consent_method=text(form, "consent_method"), consent_given_on=_parse_date(text(form, "consent_given_on")),
        )

        def run():
            with session_scope() as session:
                if neighbour_id:
                    return ambassador.update_neighbour(session=session, actor=user, neighbour_id=neighbour_id, **values)
                return ambassador.create_neighbour(session=session, actor=user, **values)

        try:
            saved = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("neighbour", error)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze buur bestaat niet (meer).")))
        self.errors = {}
        name = " ".join(values["first_name"].split())
        message = (self._t(N_("{name} is opgeslagen. De {count} open oproepen van {name} zijn gesloten, want er is geen toestemming meer."),
                           name=name, count=saved.closed_posts)
                   if saved.closed_posts else self._t(N_("{name} is opgeslagen."), name=name))
        return [rx.toast.success(message), rx.redirect(routes.AMBASSADOR)]

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def invite_neighbour(self, form: dict):
        user, neighbour_id, email = self._user(), self.neighbour_id, text(form, "email")

        def run():
            with session_scope() as session:
                ambassador.invite_neighbour(session=session, actor=user, neighbour_id=neighbour_id or -1, email=email)

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("invite", error)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze buur bestaat niet (meer).")))
        self.errors = {}
        self.account_status = ambassador.AccountStatus.INVITED
        self.invited_to = email.strip().lower()
        return rx.toast.success(self._t(N_("De uitnodiging is verstuurd.")))


class InvitationState(FormState):
    """/uitnodiging?token=...: a neighbour takes over the posts an ambassador placed for them."""

    first_name: str = ""
    ambassador_name: str = ""
    has_account: bool = False
    token_valid: bool = True
    loaded: bool = False

    def _token(self) -> str:
        return str(self.router.url.query_parameters.get("token", ""))[:200]

    @rx.event
    @public
    async def check_invitation(self):
        token = self._token()

        def run():
            with session_scope() as session:
                return ambassador.check_invitation(session=session, token=token)

        self.errors, self.loaded = {}, False
        try:
            info = await asyncio.to_thread(run)
        except InvalidToken:
            self.token_valid, self.loaded = False, True
            return
        self.first_name, self.ambassador_name, self.has_account = info.first_name, info.ambassador_name, info.has_account
        self.token_valid, self.loaded = True, True

    @rx.event
    @public
    async def accept_invitation(self, form: dict):
        token, ip = self._token(), self._client_ip()

        def run():
            with session_scope() as session:
                return ambassador.accept_invitation(
                    session=session, token=token, password=text(form, "password"),
                    accepted_terms=checked(form, "accepted_terms"), confirmed_16_plus=checked(form, "confirmed_16_plus"),
                    ip=ip)

        try:
            result = await asyncio.to_thread(run)
        except InvalidToken:
            self.token_valid = False
            return
        except ValidationError as error:
            return self._field_error("invitation", error)
        except Throttled as error:
            return self._throttled("invitation", "password", error)
        self.errors = {}
        await self._start_session(result.token, result.user)
        return [rx.toast.success(self._t(N_("Welkom bij BUUV! Je oproepen staan nu op je eigen account."))),
                rx.redirect(routes.ACCOUNT)]

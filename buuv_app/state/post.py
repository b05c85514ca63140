"""A single post: its page with the author's actions, and writing a new one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import NotFound, Throttled, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import PostKind, Visibility, WhenKind
from buuv_app.services import ambassador, boards, moderation, notifications, photos, places, posts, profiles
from buuv_app.services.permissions import Action, allowed
from buuv_app.state.access import guarded, public
from buuv_app.state.account import FormState, minutes, text
from buuv_app.state.db import run_service
from buuv_app.state.views import PostPageView, page_view

# Past services/throttle.POST_LIMIT (from the form, and from the device outbox in state/outbox.py).
TOO_MANY_POSTS = N_(
    "Je hebt het afgelopen uur al veel oproepen geplaatst. Probeer het over {minutes} minuten opnieuw.")


@dataclass
class HelperOption:
    """"Wie hielp?": someone who wrote to the author about this post."""

    id: str  # the member's id, as the radio button's value
    name: str


# The radio value for "iemand anders / via het prikbord": a name typed in instead.
SOMEONE_ELSE = "anders"


def _route_post_id(state: rx.State) -> int | None:
    raw = str(state.router._page.params.get("post_id", "") or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class PostState(FormState):
    """The public page of one request or offer; its author can renew, close or mark it matched."""

    post: PostPageView | None = None
    is_author: bool = False  # display only: every action is checked again on the server
    _counted_codes: list[str] = []  # codes whose visit this tab already counted
    found: bool = True
    # Closed, consent withdrawn or deleted, and not for this viewer (posts.readable_by): the page
    # says only that, with no name, text or photo.
    gone: bool = False
    loaded: bool = False
    report_sent: bool = False
    appeal_sent: bool = False
    # "Meldingen aanzetten" after one's first post (services/notifications.offer_push), until dismissed.
    offer_push: bool = False
    # For the author of an open post: the people who wrote about it, to choose under "Wie hielp?".
    helper_options: list[HelperOption] = []

    async def _load(self, post_id: int | None) -> None:
        viewer = await self._load_user()

        def load():
            if post_id is None:
                return None, False
            with session_scope() as session:
                detail = posts.get_post_detail(session=session, post_id=post_id, viewer=viewer)
                if detail is None:
                    return None, posts.gone_post_id(session=session, post_id=post_id) is not None
                own = viewer is not None and detail.author_id == viewer.id
                offer = own and notifications.offer_push(session=session, user_id=viewer.id, post_id=post_id)
                choices = (profiles.helper_choices(session=session, actor=viewer, post_id=post_id)
                           if own and detail.status in posts.EDITABLE_STATUSES else [])
            return (page_view(detail), detail.author_id, offer, choices), False

        result, gone = await asyncio.to_thread(load)
        self.post = result[0] if result else None
        self.is_author = bool(result and viewer and result[1] == viewer.id)
        self.offer_push = bool(result and result[2])
        self.helper_options = [HelperOption(str(c.user_id), c.name) for c in result[3]] if result else []
        self.found = result is not None
        self.gone = gone
        self.loaded = True

    @rx.event
    @public
    async def load_post(self):
        self.loaded = False
        self.errors = {}
        self.report_sent = self.appeal_sent = False
        await self._load(_route_post_id(self))

    @rx.event
    @public
    def dismiss_push_offer(self):
        """"Niet nu": the card goes (it was offered once already; nothing to save)."""
        self.offer_push = False

    @rx.event
    @guarded(Action.REPORT)
    async def report_post(self, form: dict):
        """"Melden": this post, with a reason from the list and an optional note."""
        post_id = self.post.id if self.post is not None else -1
        try:
            await run_service(moderation.report_post, user=self._user(), post_id=post_id,
                              reason=text(form, "reason"), note=text(form, "note"))
        except ValidationError as error:
            return self._field_error("report-post", error)
        except NotFound:
            return self._form_error(N_("Deze oproep bestaat niet (meer)."))
        self.errors = {}
        self.report_sent = True
        return rx.toast.success(self._t(N_("Bedankt. We kijken ernaar; de ander ziet niet wie meldde.")))

    @rx.event
    @guarded(Action.REPORT)
    async def appeal_post(self, form: dict):
        """The author objects to the hiding of this post, once."""
        post_id = self.post.id if self.post is not None else -1
        try:
            await run_service(moderation.appeal, user=self._user(), post_id=post_id, text=text(form, "appeal"))
        except ValidationError as error:
            return self._field_error("appeal", error)
        except NotFound:
            return self._form_error(N_("Deze oproep bestaat niet (meer)."))
        self.errors = {}
        self.appeal_sent = True
        await self._load(post_id)

    @rx.event
    @public
    async def open_code(self):
        """/c/<code>: the short code from a paper board leads to the post."""
        code = str(self.router._page.params.get("code", "") or "")[:40]
        board = str(self.router.url.query_parameters.get(routes.BOARD_PARAM, "") or "")[:100]
        viewer = await self._load_user()
        # A visit through a board's sheet counts for that board: how many, never who (once per tab
        # and code, so a reload or a reconnect is not a second visit).
        count = code.upper() not in self._counted_codes

        def find():
            with session_scope() as session:
                detail = posts.get_post_by_code(session=session, code=code, viewer=viewer)
                if detail is None:
                    return None, posts.gone_post_id(session=session, code=code) is not None
                if count:
                    boards.count_visit(session=session, code=code, board_slug=board)
            return detail.id, False

        post_id, gone = await asyncio.to_thread(find)
        if post_id is not None and count:
            self._counted_codes = [*self._counted_codes[-49:], code.upper()]
        if post_id is None:
            self.found, self.gone, self.loaded, self.post = False, gone, True, None
            return
        return rx.redirect(routes.post_url(post_id), replace=True)

    async def _act(self, change, success: str):
        user = self._user()
        post_id = _route_post_id(self)

        def run():
            with session_scope() as session:
                change(session, user, post_id if post_id is not None else -1)

        try:
            await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("post", error)
        except NotFound:
            return rx.toast.error(self._t(N_("Deze oproep bestaat niet (meer). Misschien is hij al verwijderd.")))
        self.errors = {}
        await self._load(post_id)
        return rx.toast.success(self._t(success))

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def renew(self):
        return await self._act(lambda s, u, pid: posts.renew_post(session=s, actor=u, post_id=pid),
                               N_("Je oproep blijft zes weken langer staan."))

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def close(self):
        return await self._act(lambda s, u, pid: posts.close_post(session=s, actor=u, post_id=pid),
                               N_("Je oproep is gesloten."))

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def mark_matched(self, form: dict):
        """"Wie hielp?": one of the people who wrote about the post (checked again by the service),
        or a name typed in under "iemand anders / via het prikbord", or nobody."""
        choice, thank_you = text(form, "helper"), text(form, "thank_you")
        helped_by_id = int(choice) if choice.isdigit() and len(choice) < 12 else None
        # A name typed in counts unless a person from the conversations was chosen.
        helped_by = text(form, "helped_by") if helped_by_id is None else ""
        return await self._act(
            lambda s, u, pid: posts.mark_matched(session=s, actor=u, post_id=pid, helped_by=helped_by,
                                                 thank_you=thank_you, helped_by_id=helped_by_id),
            N_("Fijn dat het gelukt is! Je oproep staat nu op geholpen."))


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass
class NeighbourOption:
    """"Voor wie?": a neighbour the ambassador may post for (a first name, no contact details)."""

    id: int
    first_name: str
    neighbourhood_slug: str


class NewPostState(FormState):
    """The guided form for a new request or offer; an ambassador may place it for a neighbour."""

    kind: str = PostKind.REQUEST.value
    category: str = ""
    when_kind: str = WhenKind.FLEXIBLE.value
    home_slug: str = ""
    photo_preview: str = ""
    neighbour_options: list[NeighbourOption] = []
    for_whom: int = 0  # 0: for myself; otherwise a neighbour's id (checked again when placing)
    _own_home_slug: str = ""
    _photo_key: str = ""

    @rx.var
    def for_whom_name(self) -> str:
        return next((o.first_name for o in self.neighbour_options if o.id == self.for_whom), "")

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def start(self):
        user = self._user()

        def load():
            with session_scope() as session:
                choices = (ambassador.neighbour_choices(session=session, actor=user)
                           if allowed(user, Action.ACT_AS_AMBASSADOR) else [])
                return places.home_slug(session=session, user=user), choices

        self._own_home_slug, choices = await asyncio.to_thread(load)
        self.neighbour_options = [NeighbourOption(c.id, c.first_name, c.neighbourhood_slug) for c in choices]
        word = self.router.url.query_parameters.get("soort", "")
        self.kind = routes.kind_from_word(word) or PostKind.REQUEST.value
        self.category, self.when_kind, self.errors = "", WhenKind.FLEXIBLE.value, {}
        self.photo_preview, self._photo_key = "", ""
        wanted = str(self.router.url.query_parameters.get(routes.FOR_NEIGHBOUR_PARAM, ""))
        self._choose(int(wanted) if wanted.isdigit() and len(wanted) < 12 else 0)

    def _choose(self, neighbour_id: int) -> None:
        """Myself or one of my neighbours (anything else means myself); their neighbourhood first."""
        option = next((o for o in self.neighbour_options if o.id == neighbour_id), None)
        self.for_whom = option.id if option else 0
        self.home_slug = option.neighbourhood_slug if option else self._own_home_slug

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    def choose_for_whom(self, neighbour_id: int):
        self._choose(neighbour_id if isinstance(neighbour_id, int) else 0)

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    def choose_kind(self, kind: str):
        self.kind = kind if kind in {k.value for k in PostKind} else PostKind.REQUEST.value

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    def choose_category(self, slug: str):
        self.category = str(slug)[:40]

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    def choose_when(self, when_kind: str):
        self.when_kind = when_kind if when_kind in {k.value for k in WhenKind} else WhenKind.FLEXIBLE.value

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def upload_photo(self, files: list[rx.UploadFile]):
        if not files:
            return
        # Read at most one byte past the limit: a bigger upload is refused without holding it all.
        data = await files[0].read(photos.MAX_BYTES + 1)
        try:
            stored = await asyncio.to_thread(photos.store_photo, data=data)
        except ValidationError as error:
            return self._field_error("newpost", error)
        if self._photo_key:
            photos.delete_photo(self._photo_key)
        self._photo_key = stored.key
        self.photo_preview = routes.photo_url(stored.key, thumbnail=True)
        self.errors = {}

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    def remove_photo(self):
        if self._photo_key:
            photos.delete_photo(self._photo_key)
        self._photo_key, self.photo_preview = "", ""

    @rx.event
    @guarded(Action.MANAGE_OWN_POSTS)
    async def create(self, form: dict):
        user = self._user()
        photo_key = self._photo_key or None
        kind, category, when_kind, for_whom = self.kind, self.category, self.when_kind, self.for_whom
        for_name = self.for_whom_name
        chosen = text(form, "visibility")
        visibility = chosen if chosen in (Visibility.MEMBERS.value, Visibility.VERIFIED.value) else Visibility.EVERYONE.value

        def run():
            fields = dict(
                kind=kind, title=text(form, "title"), body=text(form, "body"), category_slug=category,
                neighbourhood_slug=text(form, "neighbourhood"), visibility=visibility,
                when_kind=when_kind, when_start=_parse_date(text(form, "when_start")),
                when_end=_parse_date(text(form, "when_end")), photo_key=photo_key,
            )
            with session_scope() as session:
                if for_whom:
                    # Checked there: my own neighbour, with recorded consent.
                    return ambassador.create_post_for_neighbour(session=session, actor=user, neighbour_id=for_whom,
                                                                **fields).id
                return posts.create_post(session=session, author=user, **fields).id

        try:
            post_id = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("newpost", error)
        except NotFound:
            return self._field_error("newpost", ValidationError("for_whom", N_("Deze buur bestaat niet (meer).")))
        except Throttled as error:
            return self._field_error("newpost", ValidationError("form", TOO_MANY_POSTS,
                                                                minutes=minutes(error.retry_after)))
        self._photo_key, self.photo_preview, self.errors = "", "", {}
        done = (self._t(N_("De oproep voor {name} staat erop. Reacties komen bij jou binnen."), name=for_name)
                if for_whom else self._t(N_("Je oproep staat erop. Buren kunnen nu reageren.")))
        return [rx.call_script("localStorage.removeItem('buuv:draft:post')"),  # kept by assets/outbox.js
                rx.toast.success(done), rx.redirect(routes.post_url(post_id))]

"""Prikborden: the public list and print pages, and paper reactions recorded by ambassadors
(editing by professionals: state/manage/boards.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_, format_date, gettext
from buuv_app.models import Post
from buuv_app.printing.qr import qr_svg_data_uri
from buuv_app.services import boards
from buuv_app.services.boards import BoardInfo
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded, public
from buuv_app.state.account import INPUT_LIMIT, FormState, text
from buuv_app.state.base import AppState
from buuv_app.state.browse import _route_param
from buuv_app.state.db import run_service


@dataclass
class BoardView:
    """A board as anyone may see it."""

    slug: str
    name: str
    address: str
    municipality: str
    opening_hours: str
    desk_text: str
    phone: str
    is_sample: bool
    neighbourhoods: str  # "Merenwijk, Slaaghwijk"
    page_url: str
    pdf_url: str


def board_view(info: BoardInfo) -> BoardView:
    return BoardView(
        slug=info.slug, name=info.name, address=info.address, municipality=info.municipality_name,
        opening_hours=info.opening_hours, desk_text=info.desk_text, phone=info.phone, is_sample=info.is_sample,
        neighbourhoods=", ".join(n.name for n in info.neighbourhoods),
        page_url=routes.board_url(info.slug), pdf_url=routes.board_sheet_pdf_url(info.slug),
    )


@dataclass
class SheetCardView:
    """One card of a print page: public fields only, with its QR code as an image."""

    id: int
    kind: str
    title: str
    excerpt: str
    category_icon: str
    category_nl: str
    category_en: str
    neighbourhood_name: str
    code: str
    url: str
    qr: str


class BoardsState(AppState):
    """/prikborden: where the boards hang."""

    boards: list[BoardView] = []
    loaded: bool = False

    @rx.event
    @public
    async def load_boards(self):
        infos = await run_service(boards.list_boards)
        self.boards = [board_view(info) for info in infos]
        self.loaded = True


def page_foot_css(text: str) -> str:
    """CSS that prints `text` at the foot of every printed page (an @page margin box).
    `text` is data (a board's name): escaped for a CSS string, and no way out of the <style>."""
    escaped = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return ('@page { @bottom-left { content: "' + escaped + '"; font-family: sans-serif; font-size: 10pt; } }')


class BoardSheetState(AppState):
    """/prikborden/<slug>: a board's sheet as a print-friendly page (public posts only)."""

    board: BoardView | None = None
    cards: list[SheetCardView] = []
    more: int = 0

    @rx.var
    def more_text(self) -> str:
        """"En nog 1 oproep: die staat online." / "En nog 3 oproepen: ...", in the visitor's language."""
        return self._nt("En nog {n} oproep: die staat online.", "En nog {n} oproepen: die staan online.", self.more)
    updated_nl: str = ""
    updated_en: str = ""
    # "<board> · bijgewerkt op <date>" at the foot of every printed page, per language.
    foot_css_nl: str = ""
    foot_css_en: str = ""
    found: bool = True
    loaded: bool = False

    @rx.event
    @public
    async def load_sheet(self):
        slug = _route_param(self, "slug")[:100]

        def load():
            with session_scope() as session:
                sheet = boards.get_sheet(session=session, slug=slug)
            if sheet is None:
                return None
            cards = [
                SheetCardView(
                    id=p.id, kind=p.kind, title=p.title, excerpt=p.excerpt, category_icon=p.category_icon,
                    category_nl=p.category_name_nl, category_en=p.category_name_en,
                    neighbourhood_name=p.neighbourhood_name, code=p.code, url=p.url, qr=qr_svg_data_uri(p.url),
                )
                for p in sheet.posts
            ]
            return sheet, cards

        result = await asyncio.to_thread(load)
        self.loaded = True
        self.found = result is not None
        if result is None:
            self.board, self.cards, self.more = None, [], 0
            return
        sheet, self.cards = result
        self.board = board_view(sheet.board)
        self.more = sheet.more
        self.updated_nl = format_date(sheet.updated_at, "nl")
        self.updated_en = format_date(sheet.updated_at, "en")
        self.foot_css_nl, self.foot_css_en = (
            page_foot_css(f"{sheet.board.name} · " + gettext("Bijgewerkt op {date}", locale, date=date))
            for locale, date in (("nl", self.updated_nl), ("en", self.updated_en)))


# --- ambassadors: paper back online ----------------------------------------------------------

@dataclass
class BoardChoice:
    slug: str
    name: str


class PaperReactionState(FormState):
    """/ambassadeur/prikborden: record a reaction that came in on paper or by phone."""

    board_choices: list[BoardChoice] = []
    recorded_title: str = ""  # the post the last reaction was recorded for
    recorded_url: str = ""
    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def load_reaction_boards(self):
        actor = self._user()
        infos = await run_service(boards.list_reaction_boards, actor=actor)
        self.board_choices = [BoardChoice(slug=i.slug, name=i.name) for i in infos]
        self.recorded_title, self.recorded_url, self.errors = "", "", {}

    @rx.event
    @guarded(Action.ACT_AS_AMBASSADOR)
    async def record_reaction(self, form: dict):
        actor = self._user()

        def run():
            with session_scope() as session:
                reaction = boards.record_paper_reaction(
                    session=session, actor=actor, board_slug=text(form, "board"), code=text(form, "code"),
                    note=text(form, "note")[:INPUT_LIMIT])
                post = session.get(Post, reaction.post_id)
                return post.id, post.title

        try:
            post_id, title = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("paper", error)
        except NotFound:
            self.errors = {"board": self._t(N_("Kies een prikbord uit de lijst."))}
            return rx.set_focus("paper-board")
        self.errors = {}
        self.recorded_title, self.recorded_url = title, routes.post_url(post_id)
        return rx.toast.success(self._t(N_("De reactie op “{title}” is vastgelegd."), title=title))

"""/beheer/prikborden: a professional edits the boards of their municipality and sees their figures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from buuv_app.db import session_scope
from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_
from buuv_app.services import boards
from buuv_app.services.boards import ManagedBoard
from buuv_app.services.permissions import Action
from buuv_app.state.access import guarded
from buuv_app.state.account import FormState, checked, text
from buuv_app.state.boards import BoardView, board_view
from buuv_app.state.db import run_service


@dataclass
class ManagedBoardView:
    board: BoardView
    ambassadors: str  # names, for the overview
    posts_on_sheet: int
    paper_reactions: int
    matches_after_paper: int
    visits: int  # to a post through the code on its sheet


@dataclass
class Option:
    """A checkbox in the board form: a wijk (value = slug) or an ambassador (value = id)."""

    value: str
    label: str
    checked: bool


@dataclass
class BoardForm:
    name: str = ""
    address: str = ""
    opening_hours: str = ""
    desk_text: str = ""
    phone: str = ""
    is_sample: bool = False


NEW = "new"
WIJK_PREFIX = "wijk-"
AMBASSADOR_PREFIX = "ambassadeur-"


def _managed_view(board: ManagedBoard) -> ManagedBoardView:
    figures = board.stats
    return ManagedBoardView(
        board=board_view(board.info), ambassadors=", ".join(a.display_name for a in board.ambassadors),
        posts_on_sheet=figures.posts_on_sheet if figures else 0,
        paper_reactions=int(figures.paper_reactions.current or 0) if figures else 0,
        matches_after_paper=int(figures.matches.current or 0) if figures else 0,
        visits=int(figures.visits.current or 0) if figures else 0,
    )


def _chosen(form: object, prefix: str) -> list[str]:
    """The values of the ticked checkboxes named `prefix<value>` in a (possibly hostile) form."""
    if not isinstance(form, dict):
        return []
    return [key[len(prefix):] for key, value in list(form.items())[:500]
            if isinstance(key, str) and key.startswith(prefix) and value in ("on", "true", True)][:200]


class ManageBoardsState(FormState):
    """/beheer/prikborden: a professional edits the boards of their municipality and sees their figures.

    Everything shown here comes from services that check the caller again; the form's options are
    only a convenience (a forged wijk or ambassador is refused by boards.save_board).
    """

    boards: list[ManagedBoardView] = []
    editing: str = ""  # "" nothing, "new", or the slug of the board being edited
    form: BoardForm = BoardForm()
    wijk_options: list[Option] = []
    ambassador_options: list[Option] = []
    async def _refresh(self) -> None:
        actor = self._user()
        managed = await run_service(boards.list_managed_boards, actor=actor)
        self.boards = [_managed_view(board) for board in managed]

    @rx.event
    @guarded(Action.MANAGE_BOARDS)
    async def load_boards(self):
        self.editing, self.errors = "", {}
        await self._refresh()

    async def _open_form(self, slug: str | None):
        actor = self._user()

        def load():
            with session_scope() as session:
                managed = {b.info.slug: b for b in boards.list_managed_boards(session=session, actor=actor)}
                board = managed.get(slug) if slug is not None else None
                if slug is not None and board is None:
                    raise NotFound("board")
                wijken = boards.list_board_wijken(session=session, actor=actor)
                people = boards.list_assignable_ambassadors(session=session, actor=actor)
            return board, wijken, people

        try:
            board, wijken, people = await asyncio.to_thread(load)
        except NotFound:
            return rx.toast.error(self._t(N_("Dit prikbord bestaat niet (meer).")))
        covered = {n.slug for n in board.info.neighbourhoods} if board else set()
        keepers = {a.id for a in board.ambassadors} if board else set()
        self.wijk_options = [Option(value=n.slug, label=n.name, checked=n.slug in covered) for n in wijken]
        self.ambassador_options = [Option(value=str(a.id), label=a.display_name, checked=a.id in keepers)
                                   for a in people]
        info = board.info if board else None
        self.form = BoardForm(
            name=info.name if info else "", address=info.address if info else "",
            opening_hours=info.opening_hours if info else "", desk_text=info.desk_text if info else "",
            phone=info.phone if info else "", is_sample=info.is_sample if info else False,
        )
        self.editing = slug or NEW
        self.errors = {}
        return rx.set_focus("board-name")

    @rx.event
    @guarded(Action.MANAGE_BOARDS)
    async def edit_board(self, slug: str):
        return await self._open_form(str(slug)[:100])

    @rx.event
    @guarded(Action.MANAGE_BOARDS)
    async def new_board(self):
        return await self._open_form(None)

    @rx.event
    @guarded(Action.MANAGE_BOARDS)
    def cancel_edit(self):
        self.editing, self.errors = "", {}

    @rx.event
    @guarded(Action.MANAGE_BOARDS)
    async def save_board(self, form: dict):
        actor = self._user()
        slug = None if self.editing in ("", NEW) else self.editing
        if self.editing == "":
            return
        ids = [int(v) for v in _chosen(form, AMBASSADOR_PREFIX) if v.isdigit() and len(v) < 12]

        def run():
            with session_scope() as session:
                return boards.save_board(
                    session=session, actor=actor, slug=slug, name=text(form, "name"),
                    address=text(form, "address"), opening_hours=text(form, "opening_hours"),
                    desk_text=text(form, "desk_text"), phone=text(form, "phone"),
                    is_sample=checked(form, "is_sample"), neighbourhood_slugs=_chosen(form, WIJK_PREFIX),
                    ambassador_ids=ids,
                ).name

        try:
            name = await asyncio.to_thread(run)
        except ValidationError as error:
            return self._field_error("board", error)
        except NotFound:
            return rx.toast.error(self._t(N_("Dit prikbord bestaat niet (meer).")))
        self.editing, self.errors = "", {}
        await self._refresh()
        return rx.toast.success(self._t(N_("Prikbord {name} is opgeslagen."), name=name))



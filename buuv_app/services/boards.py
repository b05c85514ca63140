"""Board locations (prikborden): the public list, each board's sheet of open posts, editing by
professionals, reactions that came in on paper and visits through a sheet's code; the figures per
board are in services/stats.py.

Who may do what (checked here, whatever the caller):
- everyone reads the list of boards and their sheets (only posts visible to everyone), and every
  visit through a sheet's code is counted for its board (how many, never who);
- professionals edit the boards of their own municipality and assign its ambassadors to them,
  and see the figures of those boards;
- a paper reaction is recorded by an ambassador who keeps that board, or by a professional of
  the board's municipality (they coach the ambassadors and stand in for them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from sqlmodel import Session, col, delete, select

from buuv_app import routes
from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import (
    BOARD_ADDRESS_MAX,
    BOARD_NAME_MAX,
    BOARD_TEXT_MAX,
    PAPER_NOTE_MAX,
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    BoardVisit,
    Municipality,
    Neighbourhood,
    PaperReaction,
    Post,
    PostStatus,
    Role,
    User,
    UTCDateTime,
    Visibility,
    utcnow,
)
from buuv_app.services import codes, permissions, posts, stats, stats_facts
from buuv_app.services.permissions import Action
from buuv_app.services.posts import PostFilter, PostSummary
from buuv_app.services.stats import BoardRow
from buuv_app.settings import get_settings

# A sheet lists at most this many posts; the rest is online (the sheet says how many).
MAX_SHEET_POSTS = 300
SLUG_MAX = 80
PHONE = re.compile(r"^\+?[0-9 ()\-]{10,20}$")


@dataclass(frozen=True)
class NeighbourhoodRef:
    slug: str
    name: str


@dataclass(frozen=True)
class BoardInfo:
    """What anyone may know about a board: where it is and how to answer without internet."""

    id: int
    slug: str
    name: str
    address: str
    municipality_slug: str
    municipality_name: str
    opening_hours: str
    desk_text: str
    phone: str
    is_sample: bool
    neighbourhoods: tuple[NeighbourhoodRef, ...] = ()


@dataclass(frozen=True)
class SheetPost:
    """One card on a printed sheet: only what a post's public page shows."""

    id: int
    kind: str
    title: str
    excerpt: str
    category_slug: str
    category_name_nl: str
    category_name_en: str
    category_icon: str
    neighbourhood_name: str
    code: str  # as printed: BUUV-7K3FQ
    url: str  # the QR code's address: /c/<code>?bord=<slug> (counted as a visit through this board)
    created_at: datetime


@dataclass(frozen=True)
class BoardSheet:
    board: BoardInfo
    posts: list[SheetPost]
    more: int  # open posts beyond the sheet's limit (to be found online)
    updated_at: datetime
    # This month's wijk code (services/verification.py), only on a sheet its keepers print; "" online.
    wijk_code: str = ""


@dataclass(frozen=True)
class AmbassadorRef:
    id: int
    display_name: str


@dataclass(frozen=True)
class ManagedBoard:
    """A board as its professionals see it: with its ambassadors and figures."""

    info: BoardInfo
    ambassadors: tuple[AmbassadorRef, ...] = ()
    stats: BoardRow | None = None  # its figures since it was made (services/stats.py)


# --- reading (public) ------------------------------------------------------------------------

def _infos(session: Session, boards: list[BoardLocation]) -> list[BoardInfo]:
    ids = [b.id for b in boards]
    links: dict[int, list[NeighbourhoodRef]] = {board_id: [] for board_id in ids}
    if ids:
        rows = session.exec(
            select(BoardNeighbourhood.board_id, Neighbourhood.slug, Neighbourhood.name)
            .join(Neighbourhood, BoardNeighbourhood.neighbourhood_id == Neighbourhood.id)
            .where(col(BoardNeighbourhood.board_id).in_(ids))
            .order_by(Neighbourhood.sort_order, Neighbourhood.id)
        ).all()
        for board_id, slug, name in rows:
            links[board_id].append(NeighbourhoodRef(slug=slug, name=name))
    towns = {m.id: m for m in session.exec(select(Municipality)).all()}
    return [
        BoardInfo(
            id=b.id, slug=b.slug, name=b.name, address=b.address,
            municipality_slug=towns[b.municipality_id].slug, municipality_name=towns[b.municipality_id].name,
            opening_hours=b.opening_hours, desk_text=b.desk_text, phone=b.phone, is_sample=b.is_sample,
            neighbourhoods=tuple(links[b.id]),
        )
        for b in boards
    ]


def _ordered(query):
    return query.order_by(BoardLocation.municipality_id, BoardLocation.name, BoardLocation.id)


def list_boards(*, session: Session) -> list[BoardInfo]:
    """Every board, by town and name."""
    return _infos(session, list(session.exec(_ordered(select(BoardLocation))).all()))


def _board_by_slug(session: Session, slug: object) -> BoardLocation | None:
    if not isinstance(slug, str) or not slug or len(slug) > SLUG_MAX:
        return None
    return session.exec(select(BoardLocation).where(BoardLocation.slug == slug)).first()


def get_board(*, session: Session, slug: str) -> BoardInfo | None:
    board = _board_by_slug(session, slug)
    return _infos(session, [board])[0] if board else None


def _neighbourhood_ids(session: Session, board_id: int) -> list[int]:
    return list(session.exec(select(BoardNeighbourhood.neighbourhood_id)
                             .where(BoardNeighbourhood.board_id == board_id)).all())


def post_public_url(post_id: int) -> str:
    """A post's own page, as a full address."""
    return f"{get_settings().public_url.rstrip('/')}{routes.post_url(post_id)}"


def sheet_qr_url(short_code: str, board_slug: str) -> str:
    """The address a QR code on a board's sheet leads to: /c/<code> (which opens the post) naming
    the board, so the visit counts for it (count_visit)."""
    return f"{get_settings().public_url.rstrip('/')}{routes.short_code_url(codes.display(short_code), board_slug)}"


def _sheet_post(summary: PostSummary, board_slug: str) -> SheetPost:
    return SheetPost(
        id=summary.id, kind=summary.kind, title=summary.title, excerpt=summary.excerpt,
        category_slug=summary.category_slug, category_name_nl=summary.category_name_nl,
        category_name_en=summary.category_name_en, category_icon=summary.category_icon,
        neighbourhood_name=summary.neighbourhood_name, code=codes.display(summary.short_code),
        url=sheet_qr_url(summary.short_code, board_slug), created_at=summary.created_at,
    )


def get_sheet(
    *, session: Session, slug: str, now: datetime | None = None, limit: int = MAX_SHEET_POSTS,
) -> BoardSheet | None:
    """The board and the open posts of the wijken it covers, newest first (ties by id: the same
    database gives the same sheet). Only posts visible to everyone: paper is public."""
    board = _board_by_slug(session, slug)
    if board is None:
        return None
    now = now or utcnow()
    ids = tuple(_neighbourhood_ids(session, board.id))
    items: list[PostSummary] = []
    more = 0
    if ids:  # no wijken means no posts (an empty filter would mean all of them)
        filters = PostFilter(neighbourhood_ids=ids)
        page = posts.browse(session=session, viewer=None, filters=filters, limit=limit, now=now)
        items = page.items
        if page.next_cursor is not None:
            more = posts.count_total(session=session, viewer=None, filters=filters, now=now) - len(items)
    return BoardSheet(board=_infos(session, [board])[0], posts=[_sheet_post(p, board.slug) for p in items], more=more,
                      updated_at=now)


@dataclass(frozen=True)
class SheetVersion:
    """Changes whenever a board's public sheet would, and is read without reading its posts
    (printing/pool.py keeps a drawn sheet under it):

    - the board's details and the wijken it covers: save_board stamps the board's updated_at;
    - the posts on it: how many there are, the sum of their ids (one post leaving as another comes
      changes it) and the latest of their updated_at (every edit, close or match stamps it); a post
      expiring, hidden or brought back changes the first two;
    - the date in its header.

    Category, wijk and town names are printed too, but only the seed changes them (at a deploy,
    whose restart empties the pool's memory)."""

    board_id: int
    board_updated_at: datetime
    posts: int
    post_ids: int
    posts_updated_at: datetime | None
    day: date


@dataclass(frozen=True)
class _VersionQueries:
    board: sa.Select
    posts: sa.Select


@lru_cache(maxsize=1)
def _version_queries() -> _VersionQueries:
    """Built once with bound parameters: SQLAlchemy keeps a statement's cache key with the object,
    so asking again costs the database's work and little Python (what an event loop shares a core
    with)."""
    board = sa.select(BoardLocation.id, BoardLocation.updated_at).where(BoardLocation.slug == sa.bindparam("slug"))
    wijken = sa.select(BoardNeighbourhood.neighbourhood_id).where(BoardNeighbourhood.board_id == sa.bindparam("board_id"))
    on_sheet = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Post.id), 0), sa.func.max(Post.updated_at)) \
        .select_from(Post).where(col(Post.neighbourhood_id).in_(wijken),
                                 posts.listed(None, sa.bindparam("now", type_=UTCDateTime())))
    return _VersionQueries(board=board, posts=on_sheet)


def get_sheet_version(*, session: Session, slug: str, now: datetime | None = None) -> SheetVersion | None:
    """The version of board `slug`'s public sheet (see SheetVersion), or None for no such board.
    Two small statements, whatever the number of posts."""
    if not isinstance(slug, str) or not slug or len(slug) > SLUG_MAX:
        return None
    now = now or utcnow()
    queries = _version_queries()
    board = session.execute(queries.board, {"slug": slug}).first()
    if board is None:
        return None
    count, ids, updated = session.execute(queries.posts, {"board_id": board.id, "now": now}).one()
    return SheetVersion(board_id=board.id, board_updated_at=board.updated_at, posts=count, post_ids=int(ids),
                        posts_updated_at=updated, day=now.date())


# --- professionals: edit boards, see their figures -------------------------------------------

def _require_professional(actor: User | None, what: str) -> User:
    return permissions.check(actor, Action.MANAGE_BOARDS, what)


def list_assignable_ambassadors(*, session: Session, actor: User) -> list[AmbassadorRef]:
    """The active ambassadors living in the professional's municipality (as on /beheer/ambassadeurs)."""
    _require_professional(actor, "list_board_ambassadors")
    users = session.exec(
        select(User).join(Neighbourhood, User.home_neighbourhood_id == Neighbourhood.id)
        .where(User.role == Role.AMBASSADOR.value, Neighbourhood.municipality_id == actor.municipality_id)
        .order_by(col(User.display_name), col(User.id))
    ).all()
    return [AmbassadorRef(id=u.id, display_name=u.display_name) for u in users if u.is_active]


def list_board_wijken(*, session: Session, actor: User) -> list[NeighbourhoodRef]:
    """The wijken of the professional's municipality, in the usual order: what a board may cover."""
    _require_professional(actor, "list_board_wijken")
    rows = session.exec(select(Neighbourhood.slug, Neighbourhood.name)
                        .where(Neighbourhood.municipality_id == actor.municipality_id)
                        .order_by(Neighbourhood.sort_order, Neighbourhood.id)).all()
    return [NeighbourhoodRef(slug=slug, name=name) for slug, name in rows]


def _keepers(session: Session, board_ids: list[int]) -> dict[int, list[AmbassadorRef]]:
    keepers: dict[int, list[AmbassadorRef]] = {board_id: [] for board_id in board_ids}
    if board_ids:
        rows = session.exec(
            select(BoardAmbassador.board_id, User)
            .join(User, BoardAmbassador.user_id == User.id)
            .where(col(BoardAmbassador.board_id).in_(board_ids), User.role == Role.AMBASSADOR.value)
            .order_by(col(User.display_name), col(User.id))
        ).all()
        for board_id, user in rows:
            if user.is_active:
                keepers[board_id].append(AmbassadorRef(id=user.id, display_name=user.display_name))
    return keepers


def list_managed_boards(*, session: Session, actor: User, now: datetime | None = None) -> list[ManagedBoard]:
    """The boards of the professional's municipality, with their ambassadors and figures."""
    _require_professional(actor, "list_managed_boards")
    boards = list(session.exec(_ordered(
        select(BoardLocation).where(BoardLocation.municipality_id == actor.municipality_id))).all())
    keepers = _keepers(session, [b.id for b in boards])
    figures = stats.board_stats(session=session, board_ids=[b.id for b in boards], now=now)
    return [
        ManagedBoard(info=info, ambassadors=tuple(keepers[info.id]), stats=figures.get(info.id))
        for info in _infos(session, boards)
    ]


def _clean_text(raw: object, field_name: str, max_length: int, *, required: bool = False,
                missing: str = "") -> str:
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if required and not text:
        raise ValidationError(field_name, missing)
    if len(text) > max_length:
        raise ValidationError(field_name, N_("Dit veld mag hoogstens {max} tekens lang zijn."), max=max_length)
    return text


def _clean_phone(raw: object) -> str:
    phone = " ".join(raw.split()) if isinstance(raw, str) else ""
    if phone and (not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 10):
        raise ValidationError("phone", N_("Vul een telefoonnummer in zoals 071 123 45 67, of laat het leeg."))
    return phone


def _unique_slug(session: Session, name: str) -> str:
    from buuv_app.services.seed import slugify

    base = (slugify(name) or "prikbord")[: SLUG_MAX - 4].strip("-")
    slug, n = base, 2
    while session.exec(select(BoardLocation.id).where(BoardLocation.slug == slug)).first() is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_board(
    *, session: Session, actor: User, slug: str | None, name: str, address: str, opening_hours: str = "",
    desk_text: str = "", phone: str = "", is_sample: bool = False,
    neighbourhood_slugs: list[str] | tuple[str, ...] = (), ambassador_ids: list[int] | tuple[int, ...] = (),
) -> BoardLocation:
    """Change a board of your municipality (`slug` given) or add one (`slug` None), with the wijken
    it covers and the ambassadors who keep it. All or nothing: a refusal changes nothing."""
    if slug is None:
        _require_professional(actor, "create_board")
        board = BoardLocation(slug="", name="", address="", municipality_id=actor.municipality_id)
    else:
        board = _board_by_slug(session, slug)
        if board is None:
            raise NotFound("board")
        permissions.check_can_manage_board(actor, board)
    clean_name = _clean_text(name, "name", BOARD_NAME_MAX, required=True,
                             missing=N_("Geef het prikbord een naam."))
    clean_address = _clean_text(address, "address", BOARD_ADDRESS_MAX, required=True,
                                missing=N_("Vul het adres in, zodat buren het prikbord kunnen vinden."))
    hours = _clean_text(opening_hours, "opening_hours", BOARD_TEXT_MAX)
    desk = _clean_text(desk_text, "desk_text", BOARD_TEXT_MAX)
    clean_phone = _clean_phone(phone)
    if not desk and not clean_phone:
        raise ValidationError("desk_text", N_("Vertel hoe buren zonder internet kunnen reageren: aan de balie, "
                                              "of via een telefoonnummer."))

    wanted_slugs = {s for s in neighbourhood_slugs if isinstance(s, str)}
    wijken = session.exec(select(Neighbourhood).where(col(Neighbourhood.slug).in_(wanted_slugs or [""]))).all()
    if not wijken:
        raise ValidationError("neighbourhoods", N_("Kies minstens één wijk waarvan de oproepen op dit prikbord komen."))
    if len(wijken) != len(wanted_slugs) or any(n.municipality_id != actor.municipality_id for n in wijken):
        raise ValidationError("neighbourhoods", N_("Kies alleen wijken uit je eigen gemeente."))

    assignable = {a.id for a in list_assignable_ambassadors(session=session, actor=actor)}
    wanted_keepers = {i for i in ambassador_ids if isinstance(i, int) and not isinstance(i, bool)}
    if len(wanted_keepers) != len(ambassador_ids) or not wanted_keepers <= assignable:
        raise ValidationError("ambassadors", N_("Kies alleen ambassadeurs uit je eigen gemeente."))

    now = utcnow()
    if slug is None:
        board.slug = _unique_slug(session, clean_name)
        board.created_at = now
    board.name, board.address, board.opening_hours = clean_name, clean_address, hours
    board.desk_text, board.phone, board.is_sample = desk, clean_phone, bool(is_sample)
    board.updated_at = now
    session.add(board)
    session.flush()
    session.exec(delete(BoardNeighbourhood).where(BoardNeighbourhood.board_id == board.id))
    session.exec(delete(BoardAmbassador).where(BoardAmbassador.board_id == board.id))
    session.add_all([BoardNeighbourhood(board_id=board.id, neighbourhood_id=n.id) for n in wijken])
    session.add_all([BoardAmbassador(board_id=board.id, user_id=i) for i in sorted(wanted_keepers)])
    session.commit()
    session.refresh(board)
    return board


# --- ambassadors: paper back online ----------------------------------------------------------

def _keeper_ids(session: Session, board_id: int) -> set[int]:
    return set(session.exec(select(BoardAmbassador.user_id).where(BoardAmbassador.board_id == board_id)).all())


def list_boards_kept_by(*, session: Session, user: User) -> list[BoardInfo]:
    """The boards an ambassador keeps (for the ambassador dashboard as well)."""
    if not permissions.is_member(user) or user.role != Role.AMBASSADOR.value:
        return []
    boards = session.exec(_ordered(
        select(BoardLocation).join(BoardAmbassador, BoardAmbassador.board_id == BoardLocation.id)
        .where(BoardAmbassador.user_id == user.id))).all()
    return _infos(session, list(boards))


def list_reaction_boards(*, session: Session, actor: User) -> list[BoardInfo]:
    """The boards `actor` may record paper reactions for: the ones they keep (ambassadors), or
    every board of their municipality (professionals)."""
    if permissions.is_professional(actor):
        return _infos(session, list(session.exec(_ordered(
            select(BoardLocation).where(BoardLocation.municipality_id == actor.municipality_id))).all()))
    return list_boards_kept_by(session=session, user=actor)


def record_paper_reaction(
    *, session: Session, actor: User, board_slug: str, code: str, note: str = "",
) -> PaperReaction:
    """"Reactie via prikbord <locatie>": someone answered the post with `code` on paper or by
    phone. Stored with who recorded it; an open post moves on to "in contact"."""
    board = _board_by_slug(session, board_slug)
    if board is None:
        raise NotFound("board")
    permissions.check_can_record_paper_reaction(actor, board, _keeper_ids(session, board.id))
    parsed = codes.parse(code if isinstance(code, str) else "")
    post = session.exec(select(Post).where(Post.short_code == parsed)).first() if parsed else None
    if post is None:
        raise ValidationError("code", N_("Deze code kennen we niet. Kijk of je hem goed hebt overgenomen, zoals BUUV-7K3FQ."))
    if (post.visibility != Visibility.EVERYONE.value or post.hidden_at is not None
            or post.neighbourhood_id not in _neighbourhood_ids(session, board.id)):
        raise ValidationError("code", N_("Deze oproep hangt niet op dit prikbord."))
    if post.status not in posts.VISIBLE_STATUSES or post.expires_at <= utcnow():
        raise ValidationError("code", N_("Deze oproep is afgerond of verlopen; een reactie kan niet meer."))
    text = (note if isinstance(note, str) else "").strip()
    if len(text) > PAPER_NOTE_MAX:
        raise ValidationError("note", N_("De notitie mag hoogstens {max} tekens lang zijn."), max=PAPER_NOTE_MAX)
    reaction = PaperReaction(post_id=post.id, board_id=board.id, recorded_by_id=actor.id, note=text or None)
    session.add(reaction)
    if post.status == PostStatus.OPEN.value:
        post.status = PostStatus.IN_CONTACT.value
        session.add(post)
    stats_facts.reaction_added(session=session, post_id=post.id)
    session.commit()
    session.refresh(reaction)
    return reaction


def count_visit(*, session: Session, code: str, board_slug: str = "", today: date | None = None) -> bool:
    """Someone opened a post through a board's sheet (/c/<code>): one more visit for that board
    today. A counter only, never who. The sheet's QR code names the board; a code typed by hand
    counts for the one board that shows the post's wijk, or for none when several do. True when
    counted."""
    parsed = codes.parse(code if isinstance(code, str) else "")
    post = session.exec(select(Post.id, Post.neighbourhood_id).where(Post.short_code == parsed)).first() if parsed else None
    if post is None:
        return False
    showing = select(BoardNeighbourhood.board_id).where(BoardNeighbourhood.neighbourhood_id == post.neighbourhood_id)
    board = _board_by_slug(session, board_slug) if board_slug else None
    if board is not None:
        board_id = board.id if board.id in session.exec(showing).all() else None
    else:
        candidates = session.exec(showing.limit(2)).all()
        board_id = candidates[0] if len(candidates) == 1 else None
    if board_id is None:
        return False
    day = today or utcnow().astimezone(stats.LOCAL).date()
    bump = (sa.update(BoardVisit).where(BoardVisit.board_id == board_id, BoardVisit.day == day)
            .values(visits=BoardVisit.visits + 1))
    if session.exec(bump).rowcount == 0:
        try:
            with session.begin_nested():
                session.add(BoardVisit(board_id=board_id, day=day, visits=1))
        except IntegrityError:  # the first visit of the day arrived twice at once
            session.exec(bump)
    session.commit()
    return True


def list_posts_on_kept_boards(*, session: Session, user: User, limit: int = 20) -> list[PostSummary]:
    """Open posts hanging on the boards an ambassador keeps, newest first (dashboard hook)."""
    ids: set[int] = set()
    for board in list_boards_kept_by(session=session, user=user):
        ids.update(_neighbourhood_ids(session, board.id))
    if not ids:
        return []
    return posts.browse(session=session, viewer=None, filters=PostFilter(neighbourhood_ids=tuple(sorted(ids))),
                        limit=limit).items

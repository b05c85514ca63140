"""Requests and offers: create, browse (filters, search, keyset pages), read, and their lifecycle
(figures about them: services/stats.py).

Lifecycle: open -> in contact -> matched ("geholpen") -> closed. A post expires six weeks after it
was placed or last renewed; its author gets a "nog nodig?" mail a few days before.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from buuv_app.errors import FieldChecks, NotFound, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import (
    BODY_MAX,
    POST_LIFETIME,
    THANK_YOU_MAX,
    TITLE_MAX,
    Block,
    Category,
    Conversation,
    Municipality,
    Neighbour,
    Neighbourhood,
    Post,
    PostKind,
    PostStatus,
    User,
    UTCDateTime,
    Visibility,
    WhenKind,
    appeal_open,
    in_force,
    utcnow,
)
from buuv_app.services import codes, permissions, photos, profiles, search, stats_facts, throttle

EXCERPT_LENGTH = 160
PAGE_SIZE = 20
REMIND_BEFORE = timedelta(days=3)
HELPER_NAME_MAX = 60
# Statuses in which a post still asks for a reaction and so appears in feeds.
VISIBLE_STATUSES = (PostStatus.OPEN.value, PostStatus.IN_CONTACT.value)
EDITABLE_STATUSES = VISIBLE_STATUSES


@dataclass(frozen=True)
class PostSummary:
    """What a feed card shows: no private data, both category names for either language."""

    id: int
    kind: str
    status: str
    title: str
    excerpt: str
    category_slug: str
    category_name_nl: str
    category_name_en: str
    category_icon: str
    neighbourhood_slug: str
    neighbourhood_name: str
    municipality_name: str
    author_name: str
    is_demo: bool
    created_at: datetime
    short_code: str = ""
    visibility: str = Visibility.EVERYONE.value
    photo_key: str | None = None
    # "geplaatst via ambassadeur <naam>": the ambassador who placed it for a neighbour, or "".
    via_ambassador: str = ""
    # Its author is a verified neighbour (services/verification.py): the ★ badge.
    author_verified: bool = False


@dataclass(frozen=True)
class PostDetail(PostSummary):
    body: str = ""
    expires_at: datetime | None = None
    author_id: int = 0
    when_kind: str = WhenKind.FLEXIBLE.value
    when_start: date | None = None
    when_end: date | None = None
    helped_by: str | None = None
    helped_by_id: int | None = None  # the member chosen under "Wie hielp?" (profiles.helper_choices)
    thank_you: str | None = None
    # Whose profile (/buur/<id>) the author's name and "via ambassadeur" link to: None for a post a
    # neighbour without an account has (placed by an ambassador) and for demo posts.
    author_profile_id: int | None = None
    ambassador_profile_id: int | None = None
    matched_at: datetime | None = None
    # Hidden by moderation (services/moderation.py): only its author still sees it, greyed.
    hidden_cause: str | None = None
    hidden_reason: str | None = None
    appealed: bool = False
    appeal_closed: bool = False  # hidden more than APPEAL_WINDOW ago without an appeal


@dataclass(frozen=True)
class PostFilter:
    """What a feed shows. Empty fields mean "all"."""

    neighbourhood_slugs: tuple[str, ...] = ()
    municipality_slug: str = ""
    kind: str = ""
    category_slug: str = ""
    query: str = ""
    # Already-known ids spare the look-ups (a feed knows them from its page load).
    neighbourhood_ids: tuple[int, ...] = ()
    category_id: int | None = None


@dataclass(frozen=True)
class FeedPage:
    items: list[PostSummary]
    next_cursor: str | None


@dataclass(frozen=True)
class FeedCounts:
    total: int
    kinds: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)


# --- validation -----------------------------------------------------------------------------

def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of `text`, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + "…"


def clean_title(raw: str) -> str:
    title = " ".join((raw or "").split())
    if not title:
        raise ValidationError("title", N_("Geef je oproep een titel."))
    if len(title) > TITLE_MAX:
        raise ValidationError("title", N_("De titel mag hoogstens {max} tekens lang zijn."), max=TITLE_MAX)
    return title


def clean_body(raw: str) -> str:
    body = (raw or "").strip()
    if not body:
        raise ValidationError("body", N_("Vertel in een paar zinnen waar het om gaat."))
    if len(body) > BODY_MAX:
        raise ValidationError("body", N_("De beschrijving mag hoogstens {max} tekens lang zijn."), max=BODY_MAX)
    return body


def clean_when(kind: str, start: date | None, end: date | None, today: date) -> tuple[str, date | None, date | None]:
    if kind not in {k.value for k in WhenKind}:
        raise ValidationError("when", N_("Kies wanneer: op een dag, in een periode, of flexibel."))
    if kind == WhenKind.FLEXIBLE:
        return kind, None, None
    if start is None:
        raise ValidationError("when_start", N_("Kies een datum."))
    if start < today:
        raise ValidationError("when_start", N_("Deze datum is al voorbij."))
    if kind == WhenKind.DATE:
        return kind, start, None
    if end is None or end < start:
        raise ValidationError("when_end", N_("Kies een einddatum op of na de begindatum."))
    if end - start > POST_LIFETIME:
        raise ValidationError("when_end", N_("Een periode kan hoogstens zes weken duren."))
    return kind, start, end


def _kind(kind: str) -> str:
    if kind not in {k.value for k in PostKind}:
        raise ValidationError("kind", N_("Kies of je hulp vraagt of aanbiedt."))
    return kind


def _visibility(value: str) -> str:
    if value not in {v.value for v in Visibility}:
        raise ValidationError("visibility", N_("Kies wie je oproep mag zien."))
    return value


def _category(session: Session, slug: str) -> Category:
    category = session.exec(select(Category).where(Category.slug == slug)).first()
    if category is None:
        raise ValidationError("category", N_("Kies een categorie uit de lijst."))
    return category


def _neighbourhood(session: Session, slug: str) -> Neighbourhood:
    neighbourhood = session.exec(select(Neighbourhood).where(Neighbourhood.slug == slug)).first()
    if neighbourhood is None:
        raise ValidationError("neighbourhood", N_("Kies een buurt uit de lijst."))
    return neighbourhood


def _search_text(session: Session, post: Post, category: Category, neighbourhood: Neighbourhood) -> str:
    municipality = session.get(Municipality, neighbourhood.municipality_id)
    parts = [post.title, post.body, category.name_nl, category.name_en, neighbourhood.name,
             neighbourhood.district or "", municipality.name if municipality else ""]
    return search.normalize(" ".join(parts))


def _unique_code(session: Session) -> str:
    for _ in range(20):
        code = codes.new_code()
        if session.exec(select(Post.id).where(Post.short_code == code)).first() is None:
            return code
    raise RuntimeError("no free short code after 20 tries")


# --- create ---------------------------------------------------------------------------------

def create_post(
    *,
    session: Session,
    author: User,
    kind: str,
    title: str,
    body: str,
    category_slug: str,
    neighbourhood_slug: str,
    visibility: str = Visibility.EVERYONE.value,
    when_kind: str = WhenKind.FLEXIBLE.value,
    when_start: date | None = None,
    when_end: date | None = None,
    photo_key: str | None = None,
    created_at: datetime | None = None,
    is_demo: bool = False,
    neighbour_id: int | None = None,
    client_id: str | None = None,
) -> Post:
    """Validate and store a new open post. Raises ValidationError naming the field at fault.

    With `neighbour_id`, `author` is the ambassador placing it for that neighbour: call this through
    neighbours.create_post_for_neighbour, which checks that the neighbour is theirs and consented.
    With `client_id` (made on the device that wrote it offline), placing the same post again
    returns the first one: a resend is never placed twice. Raises Throttled past
    throttle.POST_LIMIT posts an hour (demo data aside)."""
    if author.is_suspended:
        # The handlers refuse a suspended member already (not active); this holds for every caller.
        raise permissions.refuse(author, "create_post", "suspended")
    if client_id is not None:
        if not isinstance(client_id, str) or not codes.DEVICE_ID.match(client_id):
            raise ValidationError("form", N_("Dit kon niet worden geplaatst. Probeer het opnieuw."))
        existing = _by_client_id(session, author, client_id)
        if existing is not None:
            return existing
    checks = FieldChecks()  # every field's problem at once, in the form's order
    kind = checks.run(_kind, kind)
    category = checks.run(_category, session, category_slug)
    title = checks.run(clean_title, title)
    body = checks.run(clean_body, body)
    neighbourhood = checks.run(_neighbourhood, session, neighbourhood_slug)
    created = created_at or utcnow()
    when = checks.run(clean_when, when_kind, when_start, when_end, created.date())
    visibility = checks.run(_visibility, visibility)
    checks.raise_any()
    when_kind, when_start, when_end = when
    if not is_demo:  # a valid post counts; a resend (above) and a refused form do not
        throttle.reserve(session=session, kind="post", keys=[throttle.user_key(author.id)],
                         limit=throttle.POST_LIMIT, window=throttle.POST_WINDOW)
    post = Post(
        kind=kind,
        title=title,
        body=body,
        category_id=category.id,
        neighbourhood_id=neighbourhood.id,
        author_id=author.id,
        is_demo=is_demo,
        visibility=visibility,
        when_kind=when_kind,
        when_start=when_start,
        when_end=when_end,
        photo_key=photo_key,
        short_code=_unique_code(session),
        created_at=created,
        updated_at=created,
        expires_at=created + POST_LIFETIME,
        neighbour_id=neighbour_id,
        ambassador_id=author.id if neighbour_id is not None else None,
    )
    post.search_text = _search_text(session, post, category, neighbourhood)
    post.client_id = client_id
    session.add(post)
    try:
        session.commit()
    except IntegrityError:
        # The same device id arrived twice at once (a retry racing the original): keep the first.
        session.rollback()
        existing = _by_client_id(session, author, client_id) if client_id else None
        if existing is None:
            raise
        return existing
    session.refresh(post)
    return post


def _by_client_id(session: Session, author: User, client_id: str) -> Post | None:
    return session.exec(select(Post).where(Post.author_id == author.id, Post.client_id == client_id)).first()


# --- read -----------------------------------------------------------------------------------

def _of_post(column, key, foreign_key):
    """`column` of the row whose `key` is the post's `foreign_key`: a correlated scalar subquery.

    A card's names come this way rather than through joins: seven tables joined made PostgreSQL
    plan longer (3.5 ms) than it ran the query for a page of 20 cards (1 ms), and that planning
    came with every feed page and every search. Each lookup is one primary-key probe per card."""
    return select(column).where(key == foreign_key).correlate(Post).scalar_subquery()


def _author_of(column):
    return _of_post(column, User.id, Post.author_id)


def _category_of(column):
    return _of_post(column, Category.id, Post.category_id)


def _neighbourhood_of(column):
    return _of_post(column, Neighbourhood.id, Post.neighbourhood_id)


_FOR_NEIGHBOUR = sa.and_(col(Post.neighbour_id).is_not(None), Post.author_id == Post.ambassador_id)

# A post an ambassador placed for a neighbour shows the neighbour's first name (never their
# contact details) until the neighbour takes it over with an account of their own.
AUTHOR_NAME = sa.case(
    (_FOR_NEIGHBOUR, _of_post(Neighbour.first_name, Neighbour.id, Post.neighbour_id)),
    else_=_author_of(User.display_name),
).label("display_name")

# The ★ of a verified author; not on a post placed for a neighbour (it is the ambassador who is verified).
AUTHOR_VERIFIED = sa.and_(
    sa.not_(_FOR_NEIGHBOUR), in_force(Post.author_id, _author_of(User.home_neighbourhood_id)),
).label("author_verified")

# Only the columns a card shows (no search text, no user row with its password hash).
SUMMARY_COLUMNS = (
    Post.id, Post.kind, Post.status, Post.title, sa.func.substr(Post.body, 1, EXCERPT_LENGTH + 40).label("start"),
    _category_of(Category.slug).label("category_slug"), _category_of(Category.name_nl).label("name_nl"),
    _category_of(Category.name_en).label("name_en"), _category_of(Category.icon).label("icon"),
    _neighbourhood_of(Neighbourhood.slug).label("neighbourhood_slug"),
    _neighbourhood_of(Neighbourhood.name).label("neighbourhood_name"),
    _of_post(Municipality.name, Municipality.id, _neighbourhood_of(Neighbourhood.municipality_id)).label("municipality_name"),
    AUTHOR_NAME, Post.is_demo, Post.created_at, Post.short_code, Post.visibility, Post.photo_key,
    _of_post(User.display_name, User.id, Post.ambassador_id).label("via_ambassador"), AUTHOR_VERIFIED,
)


def _summary_query():
    return select(*SUMMARY_COLUMNS).select_from(Post)


# Built once: SQLAlchemy keys its statement cache by walking the statement, and keeps that key
# on a statement object that is used again (half the Python time of a page of cards).
_CARDS = _summary_query().where(col(Post.id).in_(sa.bindparam("ids", expanding=True)))


def _summary(row) -> PostSummary:
    return PostSummary(
        id=row.id, kind=row.kind, status=row.status, title=row.title, excerpt=excerpt(row.start),
        category_slug=row.category_slug, category_name_nl=row.name_nl, category_name_en=row.name_en,
        category_icon=row.icon, neighbourhood_slug=row.neighbourhood_slug,
        neighbourhood_name=row.neighbourhood_name, municipality_name=row.municipality_name,
        author_name=row.display_name, is_demo=row.is_demo, created_at=_aware(row.created_at),
        short_code=row.short_code, visibility=row.visibility, photo_key=row.photo_key,
        via_ambassador=row.via_ambassador or "", author_verified=bool(row.author_verified),
    )


def _aware(moment: datetime) -> datetime:
    # Core rows of a labelled select still pass through UTCDateTime; this guards the odd driver.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _detail_query():
    return select(Post, *SUMMARY_COLUMNS).select_from(Post)


def _for_neighbour(post: Post) -> bool:
    """Placed by an ambassador for a neighbour without an account (not taken over since)."""
    return post.neighbour_id is not None and post.author_id == post.ambassador_id


def _detail(row) -> PostDetail:
    post = row[0]
    summary = _summary(row)
    return PostDetail(
        **summary.__dict__, body=post.body, expires_at=post.expires_at, author_id=post.author_id,
        when_kind=post.when_kind, when_start=post.when_start, when_end=post.when_end,
        helped_by=post.helped_by, helped_by_id=post.helped_by_id, thank_you=post.thank_you,
        matched_at=post.matched_at,
        author_profile_id=None if post.is_demo or _for_neighbour(post) else post.author_id,
        ambassador_profile_id=None if post.is_demo else post.ambassador_id,
        hidden_cause=post.hidden_cause if post.hidden_at is not None else None,
        hidden_reason=post.hidden_reason if post.hidden_at is not None else None,
        appealed=post.appealed_at is not None,
        appeal_closed=post.hidden_at is not None and not appeal_open(post.hidden_at),
    )


# --- who may read a post: the one visibility rule -----------------------------------------------

# Only the neighbour rows the rule itself asks about (the detail query joins Neighbour already).
_Consent = aliased(Neighbour, name="consent_neighbour")
_Town = aliased(Neighbourhood, name="town_neighbourhood")


def _consent_withdrawn():
    """Placed by an ambassador for a neighbour who has since withdrawn consent (and not taken over
    by the neighbour, whose own posts are theirs)."""
    return sa.and_(
        col(Post.neighbour_id).is_not(None), Post.author_id == Post.ambassador_id,
        sa.exists().where(_Consent.id == Post.neighbour_id, col(_Consent.consent_method).is_(None)),
    )


def still_public():
    """The posts whose name, text and photo anyone may see: not deleted, not closed, no withdrawn
    consent. A matched ("geholpen") post stays up with its thank-you."""
    return sa.and_(col(Post.deleted_at).is_(None), Post.status != PostStatus.CLOSED.value,
                   sa.not_(_consent_withdrawn()))


def readable_by(viewer: User | None):
    """THE rule of who may read a post (its page, /c/<code>, its photo, feeds and printed sheets),
    as a query condition:

    - members-only posts only reach members; someone you blocked disappears for you;
    - a post for verified neighbours only ("alleen geverifieerde buren") reaches only members with a
      verification in force (models/verification.in_force), besides its insiders below;
    - a closed post, or one placed for a neighbour who withdrew consent, is read only by its author,
      the neighbour's ambassador and the professionals of the post's municipality; everyone else
      learns only that it is no longer open (gone_post_id);
    - a deleted post is read by nobody: nothing of it is left to show.
    """
    # A post hidden by moderation (services/moderation.py) reaches nobody but its author.
    if not permissions.is_member(viewer):
        return sa.and_(Post.visibility == Visibility.EVERYONE.value, still_public(), col(Post.hidden_at).is_(None))
    blocked = select(Block.blocked_id).where(Block.blocker_id == viewer.id)
    insiders = [Post.author_id == viewer.id,
                sa.exists().where(_Consent.id == Post.neighbour_id, _Consent.ambassador_id == viewer.id)]
    if permissions.is_professional(viewer):
        insiders.append(sa.exists().where(_Town.id == Post.neighbourhood_id,
                                          _Town.municipality_id == viewer.municipality_id))
    audience = sa.or_(Post.visibility != Visibility.VERIFIED.value, *insiders,
                      in_force(viewer.id, viewer.home_neighbourhood_id))
    return sa.and_(col(Post.author_id).not_in(blocked), col(Post.deleted_at).is_(None), audience,
                   sa.or_(still_public(), *insiders), sa.or_(col(Post.hidden_at).is_(None), Post.author_id == viewer.id))


def can_read_post(*, session: Session, viewer: User | None, post_id: int) -> bool:
    return session.exec(select(Post.id).where(Post.id == post_id, readable_by(viewer))).first() is not None


def check_can_read_post(*, session: Session, viewer: User | None, post_id: int) -> None:
    """NotFound for no such post; PermissionDenied (logged) when `viewer` may not read it."""
    if not isinstance(post_id, int) or session.get(Post, post_id) is None:
        raise NotFound("post")
    if not can_read_post(session=session, viewer=viewer, post_id=post_id):
        raise permissions.refuse(viewer, "read_post", f"post={post_id}")


def gone_post_id(*, session: Session, post_id: int | None = None, code: str | None = None) -> int | None:
    """The id of a post that exists but is no longer open to everyone (closed, consent withdrawn,
    deleted): its page says just that. None for an unknown post or one that is still public."""
    if post_id is not None:
        where = Post.id == post_id
    else:
        parsed = codes.parse(code or "")
        if parsed is None:
            return None
        where = Post.short_code == parsed
    return session.exec(select(Post.id).where(where, sa.not_(still_public()))).first()


# Who may see a photo (photo_access): anyone; members (an open members-only post); only some
# (the insiders of a post no longer open, or a preview only its writer knows the key of).
PHOTO_PUBLIC, PHOTO_MEMBERS, PHOTO_PRIVATE = "public", "members", "private"


def photo_access(*, session: Session, key: str, viewer: User | None) -> str | None:
    """Whom the photo with this key reaches, if `viewer` may see it (else None, logged): the photo
    follows its post's rule, a profile photo its profile's (members only). A photo not (yet) attached to a post (the preview while writing one)
    only its writer knows the key of."""
    post_id = session.exec(select(Post.id).where(Post.photo_key == key)).first()
    if post_id is None:
        # A member's profile photo reaches members only (services/profiles.py), never by its key alone.
        profile = profiles.profile_photo_access(session=session, key=key, viewer=viewer)
        if profile is not None:
            return PHOTO_MEMBERS if profile else None
        return PHOTO_PRIVATE
    if can_read_post(session=session, viewer=None, post_id=post_id):
        return PHOTO_PUBLIC
    if can_read_post(session=session, viewer=viewer, post_id=post_id):
        still_open = session.exec(select(Post.id).where(Post.id == post_id, still_public())).first()
        return PHOTO_MEMBERS if still_open is not None else PHOTO_PRIVATE
    permissions.refuse(viewer, "view_photo", f"post={post_id}")
    return None


def listed(viewer: User | None, now):
    """The posts a feed shows `viewer` at `now`: open, unexpired, not hidden, readable by them.
    `now` may be a bound parameter (a statement built once: boards.get_sheet_version)."""
    open_to_viewer = _OPEN_TO_VISITORS if not permissions.is_member(viewer) else _open_to(viewer)
    return sa.and_(open_to_viewer, Post.expires_at > now)


def _open_to(viewer: User | None):
    return sa.and_(readable_by(viewer), still_public(), col(Post.hidden_at).is_(None),
                   col(Post.status).in_(VISIBLE_STATUSES))


# The same for every visitor who is not logged in: built once (building it took 0.8 ms of every
# anonymous feed page and search on a slow machine).
_OPEN_TO_VISITORS = _open_to(None)


def _filtered(query, session: Session, filters: PostFilter, viewer: User | None, now: datetime,
              *, newest_first: bool = False):
    """`query` narrowed to the open posts `viewer` may read that match `filters`. `newest_first`:
    the query reads only the newest page, so search may walk the feed index (search.feed_match)."""
    query = query.where(listed(viewer, now))
    # Slugs become ids first: plain id conditions let the database pick the feed indexes.
    if filters.neighbourhood_ids:
        query = query.where(col(Post.neighbourhood_id).in_(filters.neighbourhood_ids[:50]))
    elif filters.neighbourhood_slugs:
        ids = session.exec(select(Neighbourhood.id).where(
            col(Neighbourhood.slug).in_(filters.neighbourhood_slugs[:50]))).all()
        query = query.where(col(Post.neighbourhood_id).in_(ids or [-1]))
    if filters.municipality_slug:
        ids = session.exec(select(Neighbourhood.id).join(Municipality, Neighbourhood.municipality_id == Municipality.id)
                           .where(Municipality.slug == filters.municipality_slug)).all()
        query = query.where(col(Post.neighbourhood_id).in_(ids or [-1]))
    if filters.kind:
        query = query.where(Post.kind == filters.kind)
    if filters.category_id is not None:
        query = query.where(Post.category_id == filters.category_id)
    elif filters.category_slug:
        category_id = session.exec(select(Category.id).where(Category.slug == filters.category_slug)).first()
        query = query.where(Post.category_id == (category_id or -1))
    if newest_first:
        match = search.feed_match(session.connection(), filters.query, Post.id)
    else:
        match = search.post_matches(session.get_bind().dialect.name, filters.query, Post.id)
    if match is not None:
        query = query.where(match)
    return query


def encode_cursor(created_at: datetime, post_id: int) -> str:
    return f"{int(created_at.timestamp() * 1_000_000)}-{post_id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (created_at, id) position of a "meer laden" cursor; None for a missing or bad one."""
    try:
        micros, post_id = (cursor or "").split("-")
        return datetime.fromtimestamp(int(micros) / 1_000_000, UTC), int(post_id)
    except (ValueError, OverflowError, OSError):
        return None


def browse(
    *, session: Session, viewer: User | None, filters: PostFilter = PostFilter(),
    after: str | None = None, limit: int = PAGE_SIZE, now: datetime | None = None,
) -> FeedPage:
    """Open posts matching `filters`, newest first, one page after `after` (keyset: stable and
    as fast on page 200 as on page 1)."""
    now = now or utcnow()
    # Two steps: which posts (the post table alone), then what their cards show (the joins, for
    # one page of ids). In one query the database joined every match of a search before sorting,
    # and PostgreSQL spent longer choosing among join orders than running the query.
    query = _filtered(select(Post.id).select_from(Post), session, filters, viewer, now, newest_first=True)
    position = decode_cursor(after)
    if position is not None:
        created_at, post_id = position
        # A row-value comparison: one index range scan, however deep the page.
        query = query.where(sa.tuple_(Post.created_at, Post.id) < sa.tuple_(
            sa.literal(created_at, UTCDateTime()), sa.literal(post_id)))
    query = query.order_by(col(Post.created_at).desc(), col(Post.id).desc()).limit(limit + 1)
    ids = session.exec(query).all()
    rows = session.exec(_CARDS, params={"ids": list(ids[:limit])}).all() if ids else []
    by_id = {row.id: row for row in rows}
    items = [_summary(by_id[post_id]) for post_id in ids[:limit] if post_id in by_id]
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if len(ids) > limit and items else None
    return FeedPage(items=items, next_cursor=next_cursor)


def count_rows(*, session: Session, viewer: User | None, filters: PostFilter = PostFilter(),
               now: datetime | None = None) -> list[tuple[str, str, int]]:
    """(kind, category slug, posts) for everything the filters allow except kind and category:
    enough to count any kind/category choice without asking the database again."""
    now = now or utcnow()
    wide = _replace(filters, kind="", category_slug="", category_id=None)
    query = _filtered(
        select(Post.kind, Category.slug, func.count()).select_from(Post).join(Category, Post.category_id == Category.id),
        session, wide, viewer, now,
    ).group_by(Post.kind, Category.slug)
    return [(kind, slug, n) for kind, slug, n in session.exec(query).all()]


def count_total(*, session: Session, viewer: User | None, filters: PostFilter = PostFilter(),
                now: datetime | None = None) -> int:
    """How many posts match `filters`: one number, without the per kind and category split."""
    now = now or utcnow()
    query = _filtered(select(func.count()).select_from(Post), session, filters, viewer, now)
    return session.exec(query).one()


def summarize_counts(rows: list[tuple[str, str, int]], *, kind: str = "", category_slug: str = "") -> FeedCounts:
    """How many posts match, and per kind and per category with the other choice kept."""
    kinds: dict[str, int] = {}
    categories: dict[str, int] = {}
    total = 0
    for row_kind, slug, n in rows:
        kind_ok = not kind or row_kind == kind
        category_ok = not category_slug or slug == category_slug
        if category_ok:
            kinds[row_kind] = kinds.get(row_kind, 0) + n
        if kind_ok:
            categories[slug] = categories.get(slug, 0) + n
        if kind_ok and category_ok:
            total += n
    return FeedCounts(total=total, kinds=kinds, categories=categories)


def count(*, session: Session, viewer: User | None, filters: PostFilter = PostFilter(),
          now: datetime | None = None) -> FeedCounts:
    rows = count_rows(session=session, viewer=viewer, filters=filters, now=now)
    return summarize_counts(rows, kind=filters.kind, category_slug=filters.category_slug)


def _replace(filters: PostFilter, **changes) -> PostFilter:
    return replace(filters, **changes)


def list_open_posts(
    *, session: Session, neighbourhood_id: int | None = None, limit: int = PAGE_SIZE,
    now: datetime | None = None, viewer: User | None = None,
) -> list[PostSummary]:
    """Posts that still want a reaction, newest first; one neighbourhood or all of them."""
    ids = (neighbourhood_id,) if neighbourhood_id is not None else ()
    return browse(session=session, viewer=viewer, filters=PostFilter(neighbourhood_ids=ids),
                  limit=limit, now=now).items


def get_post_detail(*, session: Session, post_id: int, viewer: User | None = None) -> PostDetail | None:
    """One post with everything its page shows, or None (unknown, or not for `viewer`: readable_by)."""
    row = session.exec(_detail_query().where(Post.id == post_id, readable_by(viewer))).first()
    return _detail(row) if row is not None else None


def get_post_by_code(*, session: Session, code: str, viewer: User | None = None) -> PostDetail | None:
    parsed = codes.parse(code)
    if parsed is None:
        return None
    row = session.exec(_detail_query().where(Post.short_code == parsed, readable_by(viewer))).first()
    return _detail(row) if row is not None else None


def list_posts_by_author(*, session: Session, author_id: int) -> list[PostDetail]:
    """All posts of one author, whatever their status (deleted ones aside), newest first."""
    query = _detail_query().where(Post.author_id == author_id, col(Post.deleted_at).is_(None)).order_by(
        col(Post.created_at).desc(), col(Post.id).desc())
    return [_detail(row) for row in session.exec(query).all()]


# --- change (the author only) ---------------------------------------------------------------

def _own_post(session: Session, actor: User, post_id: int) -> Post:
    post = session.get(Post, post_id) if isinstance(post_id, int) else None
    if post is None:
        raise NotFound("post")
    permissions.check_can_edit_post(actor, post)
    return post


def _editable(post: Post, now: datetime) -> None:
    if post.status not in EDITABLE_STATUSES:
        raise ValidationError("post", N_("Deze oproep is al afgerond en kan niet meer worden gewijzigd."))
    if post.expires_at <= now:
        raise ValidationError("post", N_("Deze oproep is verlopen. Verleng hem eerst als je nog hulp zoekt of biedt."))


def update_post(
    *, session: Session, actor: User, post_id: int, title: str, body: str,
    category_slug: str | None = None, neighbourhood_slug: str | None = None,
    visibility: str | None = None, when_kind: str | None = None,
    when_start: date | None = None, when_end: date | None = None,
) -> Post:
    """Change your own open post; fields left None stay as they are."""
    post = _own_post(session, actor, post_id)
    now = utcnow()
    _editable(post, now)
    checks = FieldChecks()  # every field's problem at once; nothing changes unless all are fine
    new_title = checks.run(clean_title, title)
    new_body = checks.run(clean_body, body)
    category = (checks.run(_category, session, category_slug) if category_slug is not None
                else session.get(Category, post.category_id))
    neighbourhood = (checks.run(_neighbourhood, session, neighbourhood_slug) if neighbourhood_slug is not None
                     else session.get(Neighbourhood, post.neighbourhood_id))
    new_visibility = checks.run(_visibility, visibility) if visibility is not None else post.visibility
    when = (checks.run(clean_when, when_kind, when_start, when_end, now.date()) if when_kind is not None
            else (post.when_kind, post.when_start, post.when_end))
    checks.raise_any()
    post.title, post.body, post.visibility = new_title, new_body, new_visibility
    post.when_kind, post.when_start, post.when_end = when
    moved = post.neighbourhood_id != neighbourhood.id
    post.category_id, post.neighbourhood_id = category.id, neighbourhood.id
    post.search_text = _search_text(session, post, category, neighbourhood)
    post.updated_at = now
    session.add(post)
    if moved:
        reacted = stats_facts.people_reacting_to(session=session, post_ids=[post.id])
        stats_facts.ties_changed(session=session, people=reacted)
    session.commit()
    return post


def renewal_due(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether "Verlengen (nog nodig)" is offered: from the moment the "nog nodig?" mail goes out
    (REMIND_BEFORE the end), and after the end. Right after posting there is nothing to renew."""
    return expires_at is not None and _aware(expires_at) <= (now or utcnow()) + REMIND_BEFORE


def renew_post(*, session: Session, actor: User, post_id: int) -> Post:
    """Six more weeks from now ("nog nodig"), also for a post that has just expired."""
    post = _own_post(session, actor, post_id)
    if post.status not in EDITABLE_STATUSES:
        raise ValidationError("post", N_("Deze oproep is al afgerond en kan niet meer worden gewijzigd."))
    now = utcnow()
    # The button shows only when renewing is due; a client calling the handler earlier is told so.
    if not renewal_due(post.expires_at, now):
        raise ValidationError("post", N_("Verlengen kan vanaf drie dagen voor het einde van je oproep."))
    post.expires_at = now + POST_LIFETIME
    post.reminder_sent_at = None
    post.updated_at = now
    session.add(post)
    session.commit()
    return post


def close_post(*, session: Session, actor: User, post_id: int) -> Post:
    post = _own_post(session, actor, post_id)
    now = utcnow()
    post.status = PostStatus.CLOSED.value
    post.closed_at = now
    post.updated_at = now
    session.add(post)
    session.commit()
    return post


def mark_matched(*, session: Session, actor: User, post_id: int, helped_by: str = "", thank_you: str = "",
                 helped_by_id: int | None = None) -> Post:
    """Someone got helped: the post says "geholpen", with who helped and a thank-you if given.

    "Wie hielp?" is either `helped_by_id`, one of the people who wrote to the author about this post
    (profiles.helper_choices; for an offer: the one who was helped), or a name typed in
    (`helped_by`: "iemand anders / via het prikbord"), or nobody."""
    post = _own_post(session, actor, post_id)
    if post.status not in EDITABLE_STATUSES:
        raise ValidationError("post", N_("Deze oproep is al afgerond en kan niet meer worden gewijzigd."))
    helper_user = None
    if helped_by_id is not None:
        helper_user = session.get(User, profiles.check_helper(session=session, actor=actor, post_id=post.id,
                                                              helper_id=helped_by_id))
    # A chosen member is named by their own display name; the typed-in name is for anyone else.
    helper = helper_user.display_name if helper_user is not None else " ".join((helped_by or "").split())
    if len(helper) > HELPER_NAME_MAX:
        raise ValidationError("helped_by", N_("De naam mag hoogstens {max} tekens lang zijn."), max=HELPER_NAME_MAX)
    thanks = (thank_you or "").strip()
    if len(thanks) > THANK_YOU_MAX:
        raise ValidationError("thank_you", N_("Het bedankje mag hoogstens {max} tekens lang zijn."), max=THANK_YOU_MAX)
    now = utcnow()
    post.status = PostStatus.MATCHED.value
    post.matched_at = now
    post.helped_by = helper or None
    post.helped_by_id = helper_user.id if helper_user is not None else None
    post.thank_you = thanks or None
    post.updated_at = now
    session.add(post)
    session.commit()
    return post


# What a deleted post that others wrote about is called in their conversation (messaging shows
# "removed" in the reader's language; this is only what stays in the row).
REMOVED_POST_TITLE = "verwijderde oproep"


def remove_post(*, session: Session, post: Post, now: datetime | None = None) -> str | None:
    """Take a post offline for good, without committing: a post others already wrote about stays
    as an empty, closed row (deleted_at) so their conversation survives and shows the post as
    removed; any other post is deleted (paper reactions go with it). Returns the key of its photo:
    the caller removes it (photos.delete_photo) right after the commit, so a failed commit never
    leaves a post without its photo."""
    now = now or utcnow()
    photo_key = post.photo_key
    talked_about = session.exec(select(Conversation.id).where(Conversation.post_id == post.id)).first()
    from buuv_app.models import ModerationAction, Report

    reported = (session.exec(select(Report.id).where(Report.post_id == post.id)).first() is not None
                or session.exec(select(ModerationAction.id).where(ModerationAction.post_id == post.id)).first()
                is not None)
    if talked_about is None and reported:
        # Reports and the moderators' log keep what was reported: offline for everyone, text kept.
        post.status, post.closed_at = PostStatus.CLOSED.value, post.closed_at or now
        post.deleted_at = post.updated_at = now
        session.add(post)
        return None
    if talked_about is None:
        session.delete(post)
        return photo_key
    post.title, post.body, post.search_text = REMOVED_POST_TITLE, "", ""
    post.photo_key, post.thank_you, post.helped_by, post.helped_by_id = None, None, None, None
    post.status, post.closed_at = PostStatus.CLOSED.value, post.closed_at or now
    post.deleted_at = post.updated_at = now
    session.add(post)
    return photo_key


def delete_post(*, session: Session, actor: User, post_id: int) -> None:
    """Remove your own post for good, its photo at once (remove_post says what stays for the
    people you talked with)."""
    post = _own_post(session, actor, post_id)
    if post.deleted_at is not None:
        raise NotFound("post")
    photo_key = remove_post(session=session, post=post)
    session.commit()
    if photo_key:
        photos.delete_photo(photo_key)


# --- reminders ------------------------------------------------------------------

def posts_needing_reminder(*, session: Session, now: datetime | None = None, limit: int = 200) -> list[Post]:
    """Open posts that expire within REMIND_BEFORE and have not been reminded yet, soonest first;
    at most `limit` a run, so a backlog is worked off in steps instead of stalling the app."""
    now = now or utcnow()
    return list(session.exec(
        select(Post).where(
            col(Post.status).in_(VISIBLE_STATUSES), Post.expires_at > now,
            Post.expires_at <= now + REMIND_BEFORE, col(Post.reminder_sent_at).is_(None),
        ).order_by(col(Post.expires_at)).limit(limit)
    ).all())

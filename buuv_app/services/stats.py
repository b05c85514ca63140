"""Figures for the back office (/beheer) and the anonymised research export.

Each figure is one or a few SQL aggregates (COUNT, SUM, MIN, MAX, and window functions for the
percentiles), the same on SQLite and PostgreSQL; Python only adds up rows that are already
aggregated. Every figure comes for a period and for the equally long period right before it.
The definitions are written out in the README ("Figures in the back office"); the names here
follow them.

Who sees what: professionals their own municipality (or some of its wijken), admins any or all;
aggregates and post titles only: never a private message, never a neighbour's contact details.
Demo data (`is_demo`) is never counted.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from threading import Lock
from time import monotonic
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import Session, col, select

from buuv_app.errors import ValidationError
from buuv_app.i18n import N_
from buuv_app.models import (
    ActiveDay,
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    BoardVisit,
    Category,
    Conversation,
    FirstContact,
    MemberDay,
    Message,
    Municipality,
    Neighbour,
    Neighbourhood,
    PaperReaction,
    Post,
    PostDay,
    PostKind,
    PostStatus,
    Role,
    User,
    Verification,
    VerificationMethod,
    Visibility,
    utcnow,
)
from buuv_app.models.stats import EVERYWHERE, MUNICIPALITY, WIJK
# stats_facts also holds the flush hook that keeps the day facts current.
from buuv_app.services import permissions, stats_facts
from buuv_app.services.permissions import Action

# Periods and months are those of the people who use BUUV.
LOCAL = ZoneInfo("Europe/Amsterdam")
MAX_PERIOD_DAYS = 3 * 366
WEEKLY_UP_TO_DAYS = 92  # longer periods are shown per month
ACT_NOW_AFTER = (timedelta(days=3), timedelta(days=7))
ACT_NOW_LIMIT = 500
QUIET_AFTER_DAYS = 30  # an ambassador with nothing done for this long stands out
REPEAT_WINDOW = timedelta(days=90)
PARALLEL = 2  # sections of the overview read at the same time (the machine has two cores)
CACHE_SECONDS = 300  # an overview once read is shown again for this long (cached_overview)
CACHE_ENTRIES = 64
FEW_WAITS = 2_000  # up to this many first reactions in a period, sorting them beats walking the wait index
SUPPRESS_BELOW = 5  # research export: a cell about fewer people than this is not given
SUPPRESSED = "<5"
OPEN_STATUSES = (PostStatus.OPEN.value, PostStatus.IN_CONTACT.value)
PROFESSIONAL_ROLES = (Role.PROFESSIONAL.value, Role.ADMIN.value)


# --- periods --------------------------------------------------------------------------------

class PeriodKind(StrEnum):
    MONTH = "maand"  # this calendar month so far
    QUARTER = "kwartaal"  # the last three months, today included
    YEAR = "jaar"  # the last twelve months, today included
    CUSTOM = "zelf"  # from one day to another, both included


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; both are local midnights."""

    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        """The equally long span right before: what every figure is compared with."""
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def first_day(self) -> date:
        return self.start.astimezone(LOCAL).date()

    @property
    def last_day(self) -> date:
        return (self.end.astimezone(LOCAL) - timedelta(days=1)).date()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # The 31st three months back may not exist: the month's last day then.
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def period_for(kind: str, *, today: date, first: date | None = None, last: date | None = None) -> Period:
    """The period a professional chose; ValidationError names the field at fault."""
    tomorrow = today + timedelta(days=1)
    if kind == PeriodKind.MONTH:
        return Period(local_midnight(today.replace(day=1)), local_midnight(tomorrow))
    if kind == PeriodKind.QUARTER:
        return Period(local_midnight(_months_back(tomorrow, 3)), local_midnight(tomorrow))
    if kind == PeriodKind.YEAR:
        return Period(local_midnight(_months_back(tomorrow, 12)), local_midnight(tomorrow))
    if kind == PeriodKind.CUSTOM:
        if first is None:
            raise ValidationError("first", N_("Kies de eerste dag van de periode."))
        if last is None:
            raise ValidationError("last", N_("Kies de laatste dag van de periode."))
        if last < first:
            raise ValidationError("last", N_("De laatste dag ligt voor de eerste."))
        if first > today:
            raise ValidationError("first", N_("De periode begint in de toekomst."))
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise ValidationError("first", N_("Kies een periode van hoogstens drie jaar."))
        return Period(local_midnight(first), local_midnight(last + timedelta(days=1)))
    raise ValidationError("period", N_("Kies een periode."))


@dataclass(frozen=True)
class Bucket:
    """One point of a line over time: a week (from Monday) or a calendar month, clipped to the period."""

    start: datetime
    end: datetime
    first_day: date
    kind: str  # "week" or "month"


def buckets(period: Period, *, monthly: bool = False) -> list[Bucket]:
    weekly = not monthly and period.days <= WEEKLY_UP_TO_DAYS
    out: list[Bucket] = []
    day = period.first_day
    while day <= period.last_day:
        if weekly:
            following = day + timedelta(days=7 - day.weekday())
        else:
            following = _months_back(day.replace(day=1), -1)
        following = min(following, period.last_day + timedelta(days=1))
        out.append(Bucket(local_midnight(day), local_midnight(following), day, "week" if weekly else "month"))
        day = following
    return out


# --- who and where --------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Where the figures are about: one municipality (or all, for admins), possibly some wijken."""

    municipality_id: int | None
    municipality_name: str
    neighbourhood_ids: tuple[int, ...]  # every wijk in scope; empty with municipality_id None: everywhere
    chosen_wijken: tuple[str, ...] = ()  # the wijk slugs chosen, empty for all of them

    @property
    def everywhere(self) -> bool:
        return self.municipality_id is None and not self.neighbourhood_ids


def resolve_scope(*, session: Session, actor: User, municipality_slug: str = "",
                  wijk_slugs: list[str] | tuple[str, ...] = ()) -> Scope:
    """Professionals: their own municipality (asking for another is refused and logged). Admins:
    any municipality, or all of them with an empty slug. Wijken must lie in that municipality."""
    permissions.check(actor, Action.VIEW_STATS)
    slug = municipality_slug if isinstance(municipality_slug, str) else ""
    if slug:
        municipality = session.exec(select(Municipality).where(Municipality.slug == slug[:60])).first()
        if municipality is None:
            raise ValidationError("municipality", N_("Kies een gemeente uit de lijst."))
    elif permissions.is_professional(actor):
        municipality = session.get(Municipality, actor.municipality_id)
    else:
        municipality = None  # an admin: every municipality together
    permissions.check_can_view_municipality(actor, municipality.id if municipality else None)
    wanted = tuple(sorted({s for s in wijk_slugs if isinstance(s, str)}))[:100] if wijk_slugs else ()
    query = select(Neighbourhood.id, Neighbourhood.slug)
    if municipality is not None:
        query = query.where(Neighbourhood.municipality_id == municipality.id)
    if wanted:
        rows = session.exec(query.where(col(Neighbourhood.slug).in_(wanted))).all()
        if len(rows) != len(wanted):
            raise ValidationError("wijken", N_("Kies alleen wijken uit de gekozen gemeente."))
    elif municipality is not None:
        rows = session.exec(query).all()
    else:
        rows = []
    return Scope(
        municipality_id=municipality.id if municipality else None,
        municipality_name=municipality.name if municipality else "",
        neighbourhood_ids=tuple(sorted(i for i, _ in rows)),
        chosen_wijken=wanted,
    )


def _where(column, scope: Scope):
    """A condition on a neighbourhood id column: inside the scope."""
    if scope.everywhere:
        return sa.true()
    expression = column if isinstance(column, sa.ColumnElement) else col(column)  # a column or an expression
    return expression.in_(scope.neighbourhood_ids or (-1,))


def _member_conditions(scope: Scope) -> list:
    """The real (not demo, not deleted) accounts living in the scope, as conditions on `user`."""
    conditions = [col(User.is_demo).is_(False), col(User.deleted_at).is_(None)]
    if not scope.everywhere:
        conditions.append(col(User.home_neighbourhood_id).in_(scope.neighbourhood_ids or (-1,)))
    return conditions


def _members(scope: Scope):
    """Ids of the real (not demo, not deleted) accounts living in the scope."""
    return select(User.id).where(*_member_conditions(scope))


def _real_posts(scope: Scope):
    return sa.and_(col(Post.is_demo).is_(False), _where(Post.neighbourhood_id, scope))


# --- dialect helpers: the few things SQLite and PostgreSQL spell differently -----------------

def _seconds(session: Session, column):
    """A timestamp as seconds since 1970 (for durations)."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", column)
    return (sa.func.julianday(column) - 2440587.5) * 86400.0


def _unindexed(session: Session, column):
    """The same order as `column`, as an expression no index offers (to steer SQLite's planner)."""
    return column if session.get_bind().dialect.name == "postgresql" else sa.func.julianday(column)


def _not_indexed(session: Session, column):
    """A column as a term no index offers, to steer SQLite's planner (it has no index hints): on
    SQLite `+column`, the unary plus its documentation gives for this, which leaves the value
    and its type as they are and costs nothing per row (unlike `column + 0` or `column || ''`)."""
    if session.get_bind().dialect.name == "postgresql":
        return column
    return UnaryExpression(col(column) if not isinstance(column, sa.ColumnElement) else column,
                           operator=operators.custom_op("+"), type_=column.type)


def _count_if(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _between(column, period: Period):
    return sa.and_(column >= period.start, column < period.end)


def _bucket_of(column, period: Period, points: list[Bucket]):
    """-1 for the previous period, the index of the bucket within the period, else NULL."""
    whens = [(column < period.previous.start, None), (column < period.start, -1)]
    whens += [(column < b.end, i) for i, b in enumerate(points)]
    return sa.case(*whens, else_=None)


# --- the figures ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Compared:
    """A figure in the period and in the period before (None: nothing to measure)."""

    current: float | None
    previous: float | None


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class MemberPoint:
    bucket: Bucket
    new: int
    total: int  # at the end of the bucket


@dataclass(frozen=True)
class Participation:
    members: Compared  # at the end of the period
    new_members: Compared
    active_30: Compared  # posted, reacted or wrote a message in the 30 days before the period's end
    active_90: Compared
    neighbours_taking_part: Compared  # neighbours without an account with a post placed for them
    neighbours_helped: Compared  # ... and with a post of theirs matched in the period
    series: list[MemberPoint]


def participation(*, session: Session, scope: Scope, period: Period, points: list[Bucket],
                  now: datetime | None = None) -> Participation:
    now = now or utcnow()
    previous = period.previous
    joined = User.email_verified_at
    # One pass over the members who joined before the period's end, grouped: -2 before the period
    # before, -1 in it, the bucket's index within the period (len(points) in it, past the buckets).
    bucket = sa.case((joined < previous.start, -2), (joined < period.start, -1),
                     *[(joined < b.end, i) for i, b in enumerate(points)], else_=len(points))
    per_bucket: dict[int, int] = dict(session.exec(
        select(bucket.label("b"), sa.func.count())
        .where(*_member_conditions(scope), col(joined).is_not(None), joined < period.end)
        .group_by(sa.literal_column("b"))
    ).all())
    total = sum(per_bucket.values())
    new_before = per_bucket.get(-1, 0)
    at_start = per_bucket.get(-2, 0) + new_before
    new_now = total - at_start
    total_before = at_start  # the period before ends where this one starts
    series, running = [], at_start
    for i, bucket in enumerate(points):
        running += per_bucket.get(i, 0)
        series.append(MemberPoint(bucket=bucket, new=per_bucket.get(i, 0), total=running))

    active = _active_members(session, scope, period)
    neighbours_row = session.exec(
        select(
            sa.func.count(sa.distinct(sa.case((_between(Post.created_at, period), Post.neighbour_id)))),
            sa.func.count(sa.distinct(sa.case((_between(Post.created_at, previous), Post.neighbour_id)))),
            sa.func.count(sa.distinct(sa.case((sa.and_(Post.status == PostStatus.MATCHED.value,
                                                       _between(Post.matched_at, period)), Post.neighbour_id)))),
            sa.func.count(sa.distinct(sa.case((sa.and_(Post.status == PostStatus.MATCHED.value,
                                                       _between(Post.matched_at, previous)), Post.neighbour_id)))),
        # Read through the neighbour index ("> 0"): posts placed for neighbours are few, while the
        # time indexes hold every post (a condition on them made SQLite walk those instead).
        ).where(Post.neighbour_id > 0, _real_posts(scope))
    ).one()
    return Participation(
        members=Compared(total, total_before), new_members=Compared(new_now, new_before),
        active_30=Compared(active[0], active[1]), active_90=Compared(active[2], active[3]),
        neighbours_taking_part=Compared(neighbours_row[0], neighbours_row[1]),
        neighbours_helped=Compared(neighbours_row[2], neighbours_row[3]),
        series=series,
    )


def _active_members(session: Session, scope: Scope, period: Period) -> tuple[int, int, int, int]:
    """Members who posted, reacted (started a conversation) or wrote a message in the 30 and 90
    days before the end of the period and of the period before.

    Read from the days stored per member (active_day, services/stats_facts.py), one row per
    member: their first day in the window. A window ends at a local midnight; where it starts off
    one (30 or 90 days of 24 hours across a change of summer time), the part before the first
    local midnight is read live from the deeds themselves, for the members not counted already."""
    members = _members(scope)
    out = {}
    for days in (30, 90):
        for end in (period.end, period.previous.end):
            start = end - timedelta(days=days)
            first_day = start.astimezone(LOCAL).date()
            if local_midnight(first_day) < start:
                first_day += timedelta(days=1)
            last_day = (end.astimezone(LOCAL) - timedelta(days=1)).date()
            # Each member's first active day in the window (their day before it lies before the
            # window): one row per member, no grouping of their days.
            in_window = sa.and_(ActiveDay.day >= first_day, ActiveDay.day <= last_day)
            firsts = select(_not_indexed(session, ActiveDay.user_id).label("user_id")).where(
                in_window, sa.or_(col(ActiveDay.prev_day).is_(None), ActiveDay.prev_day < first_day)).subquery()
            n = int(session.exec(select(sa.func.count()).select_from(firsts)
                                 .where(firsts.c.user_id.in_(members))).one() or 0)
            edge = Period(start, min(local_midnight(first_day), end))
            if edge.start < edge.end:
                # The few who did something in the edge and on none of the window's whole days.
                edge_people = sa.union(*[select(deed.subquery().c.user_id) for deed in
                                         stats_facts.deeds_query(spans=[(edge.start, edge.end)])]).subquery()
                counted = select(ActiveDay.user_id).where(ActiveDay.user_id == edge_people.c.user_id, in_window)
                n += int(session.exec(select(sa.func.count()).select_from(edge_people).where(
                    edge_people.c.user_id.in_(members), ~counted.exists())).one() or 0)
            out[days, end] = n
    # (30 now, 30 before, 90 now, 90 before)
    return (out[30, period.end], out[30, period.previous.end], out[90, period.end], out[90, period.previous.end])


@dataclass(frozen=True)
class KindFigures:
    posts: Compared
    matches: Compared  # matched in the period
    match_rate: Compared  # of the posts placed in the period, the share matched by now
    first_reaction_median_hours: Compared
    first_reaction_p90_hours: Compared


@dataclass(frozen=True)
class PostPoint:
    bucket: Bucket
    requests: int
    offers: int


@dataclass(frozen=True)
class CategoryRow:
    slug: str
    name_nl: str
    name_en: str
    requests: Compared
    offers: Compared
    matches: Compared


@dataclass(frozen=True)
class PlacementPoint:
    """Who placed the posts of one bucket: "van organiseren naar faciliteren"."""

    bucket: Bucket
    residents: int
    ambassadors: int
    professionals: int


@dataclass(frozen=True)
class Asking:
    kinds: dict[str, KindFigures]  # "request", "offer"
    expired_unanswered: Compared  # share of the requests that ran out in the period without any reaction
    series: list[PostPoint]
    categories: list[CategoryRow]
    placement: list[PlacementPoint]
    self_placed: Compared  # share of the posts placed by residents themselves


def _post_days(scope: Scope):
    """The rows of post_day (services/stats_facts.py) that make up the scope: a whole municipality
    (or all of them) per municipality, chosen wijken per wijk."""
    if scope.everywhere:
        return PostDay.level == MUNICIPALITY
    if scope.municipality_id is not None and not scope.chosen_wijken:
        return sa.and_(PostDay.level == MUNICIPALITY, PostDay.area_id == scope.municipality_id)
    return sa.and_(PostDay.level == WIJK, col(PostDay.area_id).in_(scope.neighbourhood_ids or (-1,)))


def _day_bucket(period: Period, points: list[Bucket]):
    """_bucket_of for post_day.day (local days): -1 the period before, i the bucket, else NULL."""
    day = PostDay.day
    whens = [(day < period.previous.first_day, None), (day < period.first_day, -1)]
    whens += [(day < (points[i + 1].first_day if i + 1 < len(points) else period.last_day + timedelta(days=1)), i)
              for i in range(len(points))]
    return sa.case(*whens, else_=None)


def asking(*, session: Session, scope: Scope, period: Period, points: list[Bucket],
           now: datetime | None = None) -> Asking:
    now = now or utcnow()
    previous = period.previous
    # Posts placed and matched are sums of whole local days, stored per day (services/stats_facts.py):
    # periods and buckets run from local midnight to local midnight, so the sums are the live counts.
    in_days = sa.and_(_post_days(scope), PostDay.day >= previous.first_day, PostDay.day <= period.last_day)
    bucket = _day_bucket(period, points).label("b")
    # One pass over the days: posts placed (by day placed) and matched (by day matched) together.
    rows = session.exec(
        select(bucket, PostDay.kind, PostDay.category_id, PostDay.placer, sa.func.sum(PostDay.placed),
               sa.func.sum(PostDay.placed_matched), sa.func.sum(PostDay.matched))
        .where(in_days, sa.or_(PostDay.placed > 0, PostDay.matched > 0))
        .group_by(sa.literal_column("b"), PostDay.kind, PostDay.category_id, PostDay.placer)
    ).all()
    placed: dict[tuple[bool, str], int] = defaultdict(int)  # (now?, kind) -> posts
    placed_matched: dict[tuple[bool, str], int] = defaultdict(int)
    per_category: dict[tuple[bool, int, str], int] = defaultdict(int)
    per_bucket: dict[tuple[int, str], int] = defaultdict(int)
    per_placer: dict[tuple[int, str], int] = defaultdict(int)
    by_placer: dict[tuple[bool, str], int] = defaultdict(int)
    matches: dict[tuple[bool, str], int] = defaultdict(int)
    category_matches: dict[tuple[bool, int], int] = defaultdict(int)
    for b, kind, category_id, who, n, n_matched, n_matched_that_day in rows:
        if b is None:
            continue
        n = int(n or 0)
        current = b != -1
        placed[current, kind] += n
        placed_matched[current, kind] += int(n_matched or 0)
        per_category[current, category_id, kind] += n
        by_placer[current, who] += n
        matches[current, kind] += int(n_matched_that_day or 0)
        category_matches[current, category_id] += int(n_matched_that_day or 0)
        if current:
            per_bucket[b, kind] += n
            per_placer[b, who] += n

    waits = _first_reaction_percentiles(session, scope, period)
    kinds = {}
    for kind in (PostKind.REQUEST.value, PostKind.OFFER.value):
        kinds[kind] = KindFigures(
            posts=Compared(placed[True, kind], placed[False, kind]),
            matches=Compared(matches[True, kind], matches[False, kind]),
            match_rate=Compared(_share(placed_matched[True, kind], placed[True, kind]),
                                _share(placed_matched[False, kind], placed[False, kind])),
            first_reaction_median_hours=Compared(waits.get((True, kind, 50)), waits.get((False, kind, 50))),
            first_reaction_p90_hours=Compared(waits.get((True, kind, 90)), waits.get((False, kind, 90))),
        )
    categories = [
        CategoryRow(
            slug=c.slug, name_nl=c.name_nl, name_en=c.name_en,
            requests=Compared(per_category[True, c.id, "request"], per_category[False, c.id, "request"]),
            offers=Compared(per_category[True, c.id, "offer"], per_category[False, c.id, "offer"]),
            matches=Compared(category_matches[True, c.id], category_matches[False, c.id]),
        )
        for c in session.exec(select(Category).order_by(col(Category.sort_order), col(Category.id))).all()
    ]
    total_now = sum(by_placer[True, w] for w in ("resident", "ambassador", "professional"))
    total_before = sum(by_placer[False, w] for w in ("resident", "ambassador", "professional"))
    return Asking(
        kinds=kinds,
        expired_unanswered=_expired_unanswered(session, scope, period, now),
        series=[PostPoint(bucket=b, requests=per_bucket[i, "request"], offers=per_bucket[i, "offer"])
                for i, b in enumerate(points)],
        categories=categories,
        placement=[PlacementPoint(bucket=b, residents=per_placer[i, "resident"],
                                  ambassadors=per_placer[i, "ambassador"],
                                  professionals=per_placer[i, "professional"]) for i, b in enumerate(points)],
        self_placed=Compared(_share(by_placer[True, "resident"], total_now),
                             _share(by_placer[False, "resident"], total_before)),
    )


def _first_reaction_percentiles(session: Session, scope: Scope, period: Period) -> dict[tuple[bool, str, int], float]:
    """(current?, kind, 50 or 90) -> hours from placing to the first reaction, for the posts placed
    in the period that got one: the nearest-rank percentile (the smallest wait that at least 50% or
    90% of them got their first reaction within), i.e. the k-th smallest wait, k = ceil(p × n).

    Each post's wait is stored on it when its first reaction comes (services/stats_facts.py). The
    k-th is read by walking the index on (kind, wait) in order and skipping posts outside the
    period or scope: no sort, and only as far as the k-th wait. The walk starts at the end
    nearer to it: the k-th smallest of n is the (n - k + 1)-th largest, so the 90th percentile
    walks down from the longest wait past a tenth of the posts (OFFSET n - k) instead of up past
    nine tenths (OFFSET k - 1). n is exact (the day counts of post_day count the same posts). A
    period with few reacted-to posts is read through the time index and sorted (cheaper than a
    long walk)."""
    out: dict[tuple[bool, str, int], float] = {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    for current, span in ((True, period), (False, period.previous)):
        # How many posts of the period got a reaction: summed from the day counts (post_day).
        n_requests, n_offers = session.exec(select(
            sa.func.sum(sa.case((PostDay.kind == PostKind.REQUEST.value, PostDay.reacted), else_=0)),
            sa.func.sum(sa.case((PostDay.kind == PostKind.OFFER.value, PostDay.reacted), else_=0)))
            .where(_post_days(scope), PostDay.day >= span.first_day, PostDay.day <= span.last_day)).one()
        reacted = sa.and_(col(Post.is_demo).is_(False), col(Post.first_reaction_wait).is_not(None))
        few = int(n_requests or 0) + int(n_offers or 0) <= FEW_WAITS
        if sqlite and not few:
            # Terms no other index offers, so that SQLite walks ix_post_wait in order (it would
            # rather read the period through the time index and sort); SQLite has no index hints.
            created = _not_indexed(session, Post.created_at)
            wijk = _not_indexed(session, Post.neighbourhood_id)
        else:
            created, wijk = Post.created_at, Post.neighbourhood_id
        # The span's whole local days, as the counts above: the period before may start an hour off
        # a local midnight (an equally long span across a change of summer time).
        days = Period(local_midnight(span.first_day), local_midnight(span.last_day + timedelta(days=1)))
        reacted = sa.and_(reacted, created >= days.start, created < days.end,
                          sa.true() if scope.everywhere else wijk.in_(scope.neighbourhood_ids or (-1,)))
        for kind, n in ((PostKind.REQUEST.value, int(n_requests or 0)), (PostKind.OFFER.value, int(n_offers or 0))):
            for p in (50, 90) if n else ():
                k = -(-n * p // 100)  # ceil(n × p / 100) in whole numbers: no rounding at the edge
                wait_order, skip = col(Post.first_reaction_wait).asc(), k - 1
                if n - k < k - 1:
                    wait_order, skip = col(Post.first_reaction_wait).desc(), n - k
                query = (select(Post.first_reaction_wait).where(reacted, Post.kind == kind)
                         .order_by(wait_order).offset(skip).limit(1))
                wait = session.exec(query).first()
                if wait is not None:
                    out[current, kind, p] = max(0.0, float(wait)) / 3600
    return out


def _expired_unanswered(session: Session, scope: Scope, period: Period, now: datetime) -> Compared:
    """Of the requests whose run ended in the period (expired, closed or matched), the share that
    expired while still open: nobody reacted, not online and not on paper.

    Summed from the day counts (post_day): matched and closed by the day they ended, and ran out by
    the day they run out, for the span's whole days before today. What is no whole day is read
    live, through (status, expires_at): today up to `now`, and the hour before the first local
    midnight where the period before starts off one (an equally long span across a change of
    summer time)."""
    today = local_midnight(now.astimezone(LOCAL).date())
    out = []
    for span in (period, period.previous):
        first_whole = span.first_day if local_midnight(span.first_day) >= span.start \
            else span.first_day + timedelta(days=1)
        last_whole = span.last_day if span.end <= today else (today.astimezone(LOCAL) - timedelta(days=1)).date()
        whole = sa.and_(PostDay.day >= first_whole, PostDay.day <= last_whole)
        ended, ran_out, unanswered = session.exec(
            select(sa.func.sum(PostDay.matched + PostDay.closed),
                   sa.func.sum(sa.case((whole, PostDay.expiring), else_=0)),
                   sa.func.sum(sa.case((whole, PostDay.expiring_unanswered), else_=0)))
            .where(_post_days(scope), PostDay.kind == PostKind.REQUEST.value, PostDay.day >= span.first_day,
                   PostDay.day <= span.last_day)).one()
        ran_out, unanswered = int(ran_out or 0), int(unanswered or 0)
        live = [(a, b) for a, b in ((span.start, min(local_midnight(first_whole), span.end, now)),
                                    (max(span.start, today), min(span.end, now))) if a < b]
        if live:
            n, n_unanswered = session.exec(
                select(sa.func.count(), _count_if(sa.and_(Post.status == PostStatus.OPEN.value,
                                                          col(Post.first_reaction_at).is_(None))))
                .where(_real_posts(scope), Post.kind == PostKind.REQUEST.value, col(Post.status).in_(OPEN_STATUSES),
                       sa.or_(*[sa.and_(Post.expires_at >= a, Post.expires_at < b) for a, b in live]))).one()
            ran_out, unanswered = ran_out + int(n or 0), unanswered + int(n_unanswered or 0)
        out.append(_share(unanswered, ran_out + int(ended or 0)))
    return Compared(out[0], out[1])


# --- act now --------------------------------------------------------------------------------

@dataclass(frozen=True)
class WaitingRequest:
    """An open request nobody has reacted to yet (online or on paper)."""

    id: int
    title: str
    neighbourhood_name: str
    category_nl: str
    category_en: str
    created_at: datetime
    days_waiting: int
    ambassadors: tuple[str, ...]  # who could nudge someone: living in the wijk, or keeping its board


@dataclass(frozen=True)
class ActNow:
    waiting_3: int  # waiting 3 days or more
    waiting_7: int  # of which 7 days or more
    requests: list[WaitingRequest]  # oldest first, at most ACT_NOW_LIMIT


def act_now(*, session: Session, scope: Scope, now: datetime | None = None) -> ActNow:
    """Open requests without any reaction after 3 and after 7 days, with the wijk's ambassadors."""
    now = now or utcnow()
    # The wijken as an expression no index offers: SQLite then finds the few open requests that
    # have not run out through (status, expires_at) instead of every open post ever, per wijk.
    wijk = _not_indexed(session, Post.neighbourhood_id)
    in_scope = sa.true() if scope.everywhere else wijk.in_(scope.neighbourhood_ids or (-1,))
    waiting = sa.and_(col(Post.is_demo).is_(False), in_scope, Post.kind == PostKind.REQUEST.value,
                      Post.status == PostStatus.OPEN.value, Post.expires_at > now,
                      Post.created_at <= now - ACT_NOW_AFTER[0], col(Post.first_reaction_at).is_(None))
    n3, n7 = session.exec(select(sa.func.count(), _count_if(Post.created_at <= now - ACT_NOW_AFTER[1]))
                          .where(waiting)).one()
    rows = session.exec(
        select(Post.id, Post.title, Post.neighbourhood_id, Neighbourhood.name, Category.name_nl, Category.name_en,
               Post.created_at)
        .join(Neighbourhood, Neighbourhood.id == wijk)
        .join(Category, Post.category_id == Category.id)
        # Sorted on an expression: SQLite would otherwise walk the time index through every post
        # ever placed instead of finding the few open ones through (status, expires_at).
        .where(waiting).order_by(_unindexed(session, Post.created_at), col(Post.id)).limit(ACT_NOW_LIMIT)
    ).all()
    helpers = _ambassadors_by_wijk(session, {row[2] for row in rows})
    return ActNow(
        waiting_3=int(n3 or 0), waiting_7=int(n7 or 0),
        requests=[
            WaitingRequest(id=post_id, title=title, neighbourhood_name=wijk, category_nl=nl, category_en=en,
                           created_at=created, days_waiting=(now - created).days,
                           ambassadors=tuple(helpers.get(wijk_id, ())))
            for post_id, title, wijk_id, wijk, nl, en, created in rows
        ],
    )


def _ambassadors_by_wijk(session: Session, wijk_ids: set[int]) -> dict[int, list[str]]:
    """The active ambassadors who live in each wijk or keep a board that shows it."""
    if not wijk_ids:
        return {}
    ids = sorted(wijk_ids)
    active = (User.role == Role.AMBASSADOR.value, col(User.deleted_at).is_(None),
              col(User.email_verified_at).is_not(None))
    # The ambassadors first, then where they live: a wijk has a few of them among thousands of
    # members (reading its members through the wijk index would look up every one of them).
    living = (select(User.home_neighbourhood_id.label("wijk"), User.id.label("user_id"), User.display_name)
              .where(*active, _not_indexed(session, User.home_neighbourhood_id).in_(ids)))
    keeping = (select(BoardNeighbourhood.neighbourhood_id, BoardAmbassador.user_id, User.display_name)
               .join(BoardAmbassador, BoardAmbassador.board_id == BoardNeighbourhood.board_id)
               .join(User, User.id == BoardAmbassador.user_id)
               .where(*active, col(BoardNeighbourhood.neighbourhood_id).in_(ids)))
    links = sa.union(living, keeping).subquery()
    rows = session.exec(
        select(links.c.wijk, links.c.display_name).order_by(links.c.wijk, links.c.display_name, links.c.user_id)
    ).all()
    out: dict[int, list[str]] = defaultdict(list)
    for wijk, name in rows:
        out[wijk].append(name)
    return out


# --- ambassadors ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AmbassadorRow:
    name: str
    neighbourhood_name: str
    neighbours: int  # neighbours without an account they are the ambassador of
    open_posts: int  # open posts they placed for them
    waiting: int  # conversations about those posts whose last message is not theirs
    last_action_at: datetime | None  # posted, wrote, reacted, changed a neighbour, recorded a paper reaction
    days_quiet: int | None  # since then (None: never did anything)

    @property
    def quiet(self) -> bool:
        return self.days_quiet is None or self.days_quiet >= QUIET_AFTER_DAYS


def ambassadors(*, session: Session, scope: Scope, now: datetime | None = None) -> list[AmbassadorRow]:
    """Every active ambassador living in the scope, quietest first."""
    now = now or utcnow()
    amb = User.id
    # Who wrote the conversation's last message, read from the index on (conversation, id) down
    # to that one message (not its newest id first, then the message by that id).
    last_sender = (select(Message.sender_id).where(Message.conversation_id == Conversation.id)
                   .order_by(col(Message.id).desc()).limit(1).correlate(Conversation).scalar_subquery())
    waiting = (
        select(sa.func.count()).select_from(Conversation)
        .join(Post, Conversation.post_id == Post.id)
        .where(Conversation.contact_id == amb, Post.ambassador_id == amb, last_sender != amb)
        .correlate(User).scalar_subquery()
    )
    neighbours = select(sa.func.count()).select_from(Neighbour).where(Neighbour.ambassador_id == amb)
    open_posts = (select(sa.func.count()).select_from(Post)
                  .where(Post.ambassador_id == amb, Post.author_id == amb, col(Post.status).in_(OPEN_STATUSES),
                         Post.expires_at > now))
    deeds = [
        select(sa.func.max(Post.created_at)).where(Post.author_id == amb),
        select(sa.func.max(Post.created_at)).where(Post.ambassador_id == amb),
        select(sa.func.max(Message.created_at)).where(Message.sender_id == amb),
        select(sa.func.max(Conversation.created_at)).where(Conversation.responder_id == amb),
        select(sa.func.max(Neighbour.updated_at)).where(Neighbour.ambassador_id == amb),
        select(sa.func.max(PaperReaction.created_at)).where(PaperReaction.recorded_by_id == amb),
    ]
    query = (
        select(User.display_name, Neighbourhood.name, neighbours.correlate(User).scalar_subquery(),
               open_posts.correlate(User).scalar_subquery(), waiting,
               *[d.correlate(User).scalar_subquery() for d in deeds])
        .join(Neighbourhood, User.home_neighbourhood_id == Neighbourhood.id)
        .where(User.role == Role.AMBASSADOR.value, col(User.deleted_at).is_(None),
               col(User.email_verified_at).is_not(None),
               # The ambassadors first, then where they live (as _ambassadors_by_wijk): not every
               # member of the scope's wijken looked up through the wijk index.
               _where(_not_indexed(session, User.home_neighbourhood_id), scope))
        .order_by(col(User.display_name), col(User.id))
    )
    rows = []
    for name, wijk, n_neighbours, n_open, n_waiting, *moments in session.exec(query).all():
        known = [_aware(m) for m in moments if m is not None]
        last = max(known) if known else None
        rows.append(AmbassadorRow(name=name, neighbourhood_name=wijk, neighbours=int(n_neighbours or 0),
                                  open_posts=int(n_open or 0), waiting=int(n_waiting or 0), last_action_at=last,
                                  days_quiet=(now - last).days if last else None))
    rows.sort(key=lambda r: (-(r.days_quiet if r.days_quiet is not None else 10**6), r.name))
    return rows


def _aware(moment: datetime | str) -> datetime:
    """A MAX() over a timestamp column comes back untyped on SQLite (text, no zone)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- prikborden -----------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardRow:
    slug: str
    name: str
    posts_on_sheet: int  # open posts its sheet shows now
    paper_reactions: Compared  # reactions recorded through it
    visits: Compared  # visits to /c/<code> from its sheet
    matches: Compared  # posts matched after a paper reaction through it


def board_stats(*, session: Session, board_ids: list[int], period: Period | None = None,
                now: datetime | None = None) -> dict[int, BoardRow]:
    """The figures of some boards (callers check who may see them). Without a period: ever."""
    now = now or utcnow()
    if not board_ids:
        return {}
    previous = period.previous if period else None
    names = dict(session.exec(select(BoardLocation.id, BoardLocation.name).where(
        col(BoardLocation.id).in_(board_ids))).all())
    slugs = dict(session.exec(select(BoardLocation.id, BoardLocation.slug).where(
        col(BoardLocation.id).in_(board_ids))).all())
    # The open posts per wijk first, then per board over the wijken it shows (a board shows a
    # wijk once). The wijk as an expression no index offers: SQLite then finds the few posts that
    # have not run out through (status, expires_at) instead of every open post ever, per wijk.
    shows = session.exec(select(BoardNeighbourhood.board_id, BoardNeighbourhood.neighbourhood_id)
                         .where(col(BoardNeighbourhood.board_id).in_(board_ids))).all()
    wijk = _not_indexed(session, Post.neighbourhood_id)
    open_per_wijk = dict(session.exec(
        select(wijk, sa.func.count())
        .where(col(Post.status).in_(OPEN_STATUSES), Post.expires_at > now, Post.visibility == Visibility.EVERYONE.value,
               wijk.in_(sorted({w for _, w in shows}) or [-1]))
        .group_by(wijk)
    ).all())
    on_sheet: dict[int, int] = defaultdict(int)
    for board_id, wijk_id in shows:
        on_sheet[board_id] += open_per_wijk.get(wijk_id, 0)

    def split(column):
        if period is None:
            return sa.func.count(), sa.literal(0)
        return _count_if(_between(column, period)), _count_if(_between(column, previous))

    reactions_query = select(PaperReaction.board_id, *split(PaperReaction.created_at)).where(
        col(PaperReaction.board_id).in_(board_ids))
    if period is not None:
        reactions_query = reactions_query.where(PaperReaction.created_at >= previous.start,
                                                PaperReaction.created_at < period.end)
    reactions = {b: (int(n or 0), int(p or 0)) for b, n, p in
                 session.exec(reactions_query.group_by(PaperReaction.board_id)).all()}

    # A post counts once per board, matched after its first paper reaction there.
    first_paper = (select(PaperReaction.board_id.label("board_id"), PaperReaction.post_id.label("post_id"),
                          sa.func.min(PaperReaction.created_at).label("first_at"))
                   .where(col(PaperReaction.board_id).in_(board_ids))
                   .group_by(PaperReaction.board_id, PaperReaction.post_id).subquery())
    matches_query = (select(first_paper.c.board_id, *split(Post.matched_at))
                     .join(Post, Post.id == first_paper.c.post_id)
                     .where(Post.status == PostStatus.MATCHED.value, Post.matched_at >= first_paper.c.first_at))
    if period is not None:
        matches_query = matches_query.where(Post.matched_at >= previous.start, Post.matched_at < period.end)
    matches = {b: (int(n or 0), int(p or 0)) for b, n, p in
               session.exec(matches_query.group_by(first_paper.c.board_id)).all()}

    visits: dict[int, tuple[int, int]] = {}
    if period is not None:
        day = BoardVisit.day
        visits = {b: (int(n or 0), int(p or 0)) for b, n, p in session.exec(
            select(BoardVisit.board_id,
                   sa.func.sum(sa.case((sa.and_(day >= period.first_day, day <= period.last_day), BoardVisit.visits),
                                       else_=0)),
                   sa.func.sum(sa.case((sa.and_(day >= previous.first_day, day <= previous.last_day),
                                        BoardVisit.visits), else_=0)))
            .where(col(BoardVisit.board_id).in_(board_ids), day >= previous.first_day, day <= period.last_day)
            .group_by(BoardVisit.board_id)).all()}
    else:
        visits = {b: (int(n or 0), 0) for b, n in session.exec(
            select(BoardVisit.board_id, sa.func.sum(BoardVisit.visits))
            .where(col(BoardVisit.board_id).in_(board_ids)).group_by(BoardVisit.board_id)).all()}

    def compared(values: dict[int, tuple[int, int]], board_id: int) -> Compared:
        now_, before = values.get(board_id, (0, 0))
        return Compared(now_, before if period is not None else None)

    return {
        board_id: BoardRow(slug=slugs[board_id], name=names[board_id], posts_on_sheet=on_sheet.get(board_id, 0),
                           paper_reactions=compared(reactions, board_id), visits=compared(visits, board_id),
                           matches=compared(matches, board_id))
        for board_id in board_ids if board_id in names
    }


def boards(*, session: Session, scope: Scope, period: Period, now: datetime | None = None) -> list[BoardRow]:
    """The boards of the scope: in its municipality, or showing one of its chosen wijken."""
    query = select(BoardLocation.id).order_by(col(BoardLocation.name), col(BoardLocation.id))
    if scope.chosen_wijken:
        query = query.where(col(BoardLocation.id).in_(
            select(BoardNeighbourhood.board_id).where(col(BoardNeighbourhood.neighbourhood_id).in_(
                scope.neighbourhood_ids))))
    elif scope.municipality_id is not None:
        query = query.where(BoardLocation.municipality_id == scope.municipality_id)
    ids = list(session.exec(query).all())
    figures = board_stats(session=session, board_ids=ids, period=period, now=now)
    return [figures[i] for i in ids if i in figures]


# --- social-network value -------------------------------------------------------------------

@dataclass(frozen=True)
class Network:
    new_ties: Compared  # pairs who first got in contact in the period
    reciprocity: Compared  # share of the members taking part who both asked and offered, or both helped and were helped
    taking_part: Compared  # the members that share is of
    repeat_helpers: Compared  # members who helped in 2+ matches in the 90 days up to the period's end


def network(*, session: Session, scope: Scope, period: Period) -> Network:
    return Network(new_ties=_new_ties(session, scope, period), **_reciprocity(session, scope, period),
                   repeat_helpers=_repeat_helpers(session, scope, period))


def _new_ties(session: Session, scope: Scope, period: Period) -> Compared:
    """A tie is a pair of people; it is new when their first conversation (about any post in the
    scope) started in the period. A post placed for a neighbour without an account ties the
    responder to that neighbour, not to the ambassador.

    Reads the pairs' first contacts stored per area (services/stats_facts.py): everywhere and a
    whole municipality are one indexed range; for chosen wijken, the earliest over those wijken."""
    first_at = FirstContact.first_at
    if scope.everywhere or (scope.municipality_id is not None and not scope.chosen_wijken):
        level, area = (EVERYWHERE, 0) if scope.everywhere else (MUNICIPALITY, scope.municipality_id)
        # Each period a count of one range of the index (level, area, first_at): no row is read.
        counts = [session.exec(select(sa.func.count()).where(
            FirstContact.level == level, FirstContact.area_id == area, _between(first_at, span))).one()
            for span in (period, period.previous)]
        return Compared(int(counts[0] or 0), int(counts[1] or 0))
    pairs = (select(sa.func.min(first_at).label("first_at"))
             .where(FirstContact.level == WIJK, col(FirstContact.area_id).in_(scope.neighbourhood_ids or (-1,)),
                    first_at < period.end)
             .group_by(FirstContact.a, FirstContact.b).subquery())
    row = session.exec(select(_count_if(pairs.c.first_at >= period.start),
                              _count_if(sa.and_(pairs.c.first_at >= period.previous.start,
                                                pairs.c.first_at < period.start)))).one()
    return Compared(int(row[0] or 0), int(row[1] or 0))


def _roles_played(scope: Scope, period: Period):
    """(span, user, asked, offered, helped, was helped) for each time a member took part in the
    period (span 1) or the one before (span 0): placed a post of their own, or reacted to one (a
    conversation about a post that got matched counts as helping, or as being helped when the post
    was an offer)."""
    own = sa.not_(sa.and_(col(Post.neighbour_id).is_not(None), Post.author_id == Post.ambassador_id))
    matched = Post.status == PostStatus.MATCHED.value
    is_request = Post.kind == PostKind.REQUEST.value
    is_offer = Post.kind == PostKind.OFFER.value

    def flag(condition):
        return sa.case((condition, 1), else_=0)

    whole = Period(period.previous.start, period.end)
    placed = (select(flag(Post.created_at >= period.start).label("span"), Post.author_id.label("user_id"),
                     flag(is_request).label("asked"), flag(is_offer).label("offered"),
                     flag(sa.and_(matched, is_offer)).label("helped"),
                     flag(sa.and_(matched, is_request)).label("was_helped"))
              .where(_real_posts(scope), own, _between(Post.created_at, whole)))
    reacted = (select(flag(Conversation.created_at >= period.start), Conversation.responder_id, sa.literal(0),
                      sa.literal(0), flag(sa.and_(matched, is_request)), flag(sa.and_(matched, is_offer)))
               .join(Post, Conversation.post_id == Post.id)
               .where(_real_posts(scope), _between(Conversation.created_at, whole)))
    return sa.union_all(placed, reacted).subquery()


def _reciprocity(session: Session, scope: Scope, period: Period) -> dict[str, Compared]:
    """Over the roles a member played in the period (_roles_played), read from the days stored
    per member (member_day, services/stats_facts.py): a period is whole local days, so the largest
    of each flag over its days is the flag over its deeds, and that is read from the member's
    first day in the period alone, through its links to the next day with each flag."""
    members = _members(Scope(None, "", ()))  # real accounts; the scope is the posts'
    if scope.everywhere:
        area = MemberDay.level == MUNICIPALITY
    elif scope.municipality_id is not None and not scope.chosen_wijken:
        area = sa.and_(MemberDay.level == MUNICIPALITY, MemberDay.area_id == scope.municipality_id)
    else:
        area = sa.and_(MemberDay.level == WIJK, col(MemberDay.area_id).in_(scope.neighbourhood_ids or (-1,)))
    # One area (a municipality, a wijk): one first row per member. More: the earliest of each flag
    # over the member's first rows in those areas.
    one_area = not scope.everywhere and (not scope.chosen_wijken or len(scope.neighbourhood_ids) == 1)
    out = []
    for span in (period, period.previous):
        first, last = span.first_day, span.last_day
        # A member's first day in the span in an area (their day before it lies before the span)
        # links to the first day from there with each flag: in the span if not after its last day.
        in_span = sa.and_(area, MemberDay.day >= first, MemberDay.day <= last,
                          sa.or_(col(MemberDay.prev_day).is_(None), MemberDay.prev_day < first))
        flags = (MemberDay.next_asked, MemberDay.next_offered, MemberDay.next_helped, MemberDay.next_was_helped)
        names = ("asked", "offered", "helped", "was_helped")
        if one_area:
            # Read as one range of ix_member_day_first, not a seek per member.
            per_member = select(_not_indexed(session, MemberDay.user_id).label("user_id"),
                                *[f.label(n) for f, n in zip(flags, names, strict=True)]).where(in_span).subquery()
        else:
            per_member = (select(MemberDay.user_id.label("user_id"),
                                 *[sa.func.min(f).label(n) for f, n in zip(flags, names, strict=True)])
                          .where(in_span).group_by(MemberDay.user_id).subquery())
        c = per_member.c
        both = sa.or_(sa.and_(c.asked <= last, c.offered <= last), sa.and_(c.helped <= last, c.was_helped <= last))
        # Only real accounts count: looked up once per member, after grouping, not once per deed.
        total, reciprocal = session.exec(select(sa.func.count(), _count_if(both)).where(c.user_id.in_(members))).one()
        out += [int(total or 0), int(reciprocal or 0)]
    now_total, now_both, before_total, before_both = out
    return {"reciprocity": Compared(_share(now_both, now_total), _share(before_both, before_total)),
            "taking_part": Compared(now_total, before_total)}


def _repeat_helpers(session: Session, scope: Scope, period: Period) -> Compared:
    """Members who helped in at least two matches in the 90 days up to the end of the period:
    authors of matched offers, and people in conversation about a matched request."""
    out = []
    members = _members(Scope(None, "", ()))
    matched = Post.status == PostStatus.MATCHED.value
    for span_end in (period.end, period.previous.end):
        window = Period(span_end - REPEAT_WINDOW, span_end)
        # One pass over the posts matched in the window: an offer is one help by its author (placed
        # by them, not for a neighbour), a request one by each person who reacted to it. No
        # (helper, post) pair comes twice (one conversation per responder and post), so helps
        # are counted per helper without removing doubles.
        is_offer = Post.kind == PostKind.OFFER.value
        reacted = sa.and_(Conversation.post_id == Post.id, Post.kind == PostKind.REQUEST.value)
        helps = (select(sa.func.coalesce(Conversation.responder_id, Post.author_id).label("user_id"))
                 .select_from(Post).outerjoin(Conversation, reacted)
                 .where(_real_posts(scope), matched, _between(Post.matched_at, window), sa.or_(
                     sa.and_(is_offer, sa.not_(sa.and_(col(Post.neighbour_id).is_not(None),
                                                       Post.author_id == Post.ambassador_id))),
                     col(Conversation.id).is_not(None))).subquery())
        helpers = (select(helps.c.user_id).group_by(helps.c.user_id).having(sa.func.count() >= 2).subquery())
        # Real accounts only: checked for the few with two helps, not for every help.
        out.append(int(session.exec(select(sa.func.count()).select_from(helpers)
                                    .where(helpers.c.user_id.in_(members))).one() or 0))
    return Compared(out[0], out[1])


# --- verified neighbours -------------------------------------------------------------------

@dataclass(frozen=True)
class VerifiedRow:
    """Verified neighbours of one wijk now (services/verification.py), by how they were verified."""

    neighbourhood_name: str
    board_code: int
    in_person: int

    @property
    def total(self) -> int:
        return self.board_code + self.in_person


def verified(*, session: Session, scope: Scope) -> list[VerifiedRow]:
    """One aggregate: verifications in force (not revoked, the member still lives in that wijk and
    has an account) per wijk and method; wijken without any are left out."""
    rows = session.exec(
        select(Neighbourhood.name, Verification.method, sa.func.count())
        .select_from(Verification)
        .join(User, User.id == Verification.user_id)
        .join(Neighbourhood, Neighbourhood.id == Verification.neighbourhood_id)
        .where(col(Verification.revoked_at).is_(None), User.home_neighbourhood_id == Verification.neighbourhood_id,
               col(User.deleted_at).is_(None), _where(Verification.neighbourhood_id, scope))
        .group_by(Neighbourhood.name, Verification.method)).all()
    counts: dict[str, dict[str, int]] = {}
    for wijk, method, number in rows:
        counts.setdefault(wijk, {})[method] = number
    return [VerifiedRow(neighbourhood_name=wijk, board_code=c.get(VerificationMethod.BOARD_CODE.value, 0),
                        in_person=c.get(VerificationMethod.IN_PERSON.value, 0)) for wijk, c in sorted(counts.items())]


# --- everything at once ---------------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    scope: Scope
    period: Period
    points: list[Bucket]
    participation: Participation
    asking: Asking
    act_now: ActNow
    ambassadors: list[AmbassadorRow]
    boards: list[BoardRow]
    network: Network
    generated_at: datetime = field(default_factory=utcnow)
    verified: list[VerifiedRow] = field(default_factory=list)


def overview(*, session: Session, actor: User, period: Period, municipality_slug: str = "",
             wijk_slugs: list[str] | tuple[str, ...] = (), now: datetime | None = None) -> Overview:
    """Everything /beheer shows, for `actor`'s municipality (admins: any or all).

    The sections only read, each in a session of its own, PARALLEL at a time: on SQLite (WAL) and
    PostgreSQL readers do not wait for each other, so two cores give nearly half the wait."""
    scope = resolve_scope(session=session, actor=actor, municipality_slug=municipality_slug, wijk_slugs=wijk_slugs)
    now = now or utcnow()
    points = buckets(period)
    # The heaviest first, and the social-network figures as three pieces, so that two readers
    # finish at about the same time (measured on a year of 100,000 posts).
    sections = {
        "asking": lambda s: asking(session=s, scope=scope, period=period, points=points, now=now),
        "reciprocity": lambda s: _reciprocity(s, scope, period),
        "new_ties": lambda s: _new_ties(s, scope, period),
        "participation": lambda s: participation(session=s, scope=scope, period=period, points=points, now=now),
        "boards": lambda s: boards(session=s, scope=scope, period=period, now=now),
        "repeat_helpers": lambda s: _repeat_helpers(s, scope, period),
        "act_now": lambda s: act_now(session=s, scope=scope, now=now),
        "ambassadors": lambda s: ambassadors(session=s, scope=scope, now=now),
        "verified": lambda s: verified(session=s, scope=scope),
    }
    engine = session.get_bind()

    def run(section):
        with Session(engine) as own:
            return section(own)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {name: pool.submit(run, section) for name, section in sections.items()}
        done = {name: future.result() for name, future in futures.items()}
    done["network"] = Network(new_ties=done.pop("new_ties"), **done.pop("reciprocity"),
                              repeat_helpers=done.pop("repeat_helpers"))
    return Overview(scope=scope, period=period, points=points, generated_at=now, **done)


def cached_overview(*, session: Session, actor: User, period: Period, municipality_slug: str = "",
                    wijk_slugs: list[str] | tuple[str, ...] = ()) -> Overview:
    """overview(), read again only when the same scope and period were not read in the last
    CACHE_SECONDS (in this process) or something new was added since: a layer on top, the figures
    themselves are always computed anew (from the rows and the facts kept on write).

    Who asks is checked on every call, before the cache is looked at; the figures depend only on
    the scope and the period, so everyone allowed that scope shares them. A new member, post,
    conversation, message, paper reaction, neighbour or verification shows at once (the newest id of each is
    part of the key); a change to an existing row (a post matched, an account deleted) can wait
    up to CACHE_SECONDS. `generated_at` says how old the figures are (the page shows it)."""
    scope = resolve_scope(session=session, actor=actor, municipality_slug=municipality_slug, wijk_slugs=wijk_slugs)
    newest = tuple(session.exec(select(*[select(sa.func.max(table.id)).scalar_subquery() for table in (
        User, Post, Conversation, Message, PaperReaction, Neighbour, Verification)])).one())
    key = (scope, period, newest)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
    fresh = overview(session=session, actor=actor, period=period, municipality_slug=municipality_slug,
                     wijk_slugs=wijk_slugs)
    with _cache_lock:
        _cache[key] = (monotonic(), fresh)
        for stale in sorted(_cache, key=lambda k: _cache[k][0])[:max(0, len(_cache) - CACHE_ENTRIES)]:
            del _cache[stale]
    return fresh


def clear_overview_cache() -> None:
    with _cache_lock:
        _cache.clear()


_cache: dict[tuple[Scope, Period, tuple], tuple[float, Overview]] = {}
_cache_lock = Lock()


# --- the research export --------------------------------------------------------------------

RESEARCH_COLUMNS = ("maand", "gemeente", "wijk", "categorie", "vragen", "aanbod", "matches", "deelnemers")


@dataclass(frozen=True)
class ResearchRow:
    """One month × wijk × category. Counts under SUPPRESS_BELOW are given as "<5"; a row about
    fewer people than that gives no count at all."""

    month: str  # "2026-03"
    municipality: str
    wijk: str
    category: str
    requests: int | str
    offers: int | str
    matches: int | str
    people: int | str

    def values(self) -> tuple:
        return (self.month, self.municipality, self.wijk, self.category, self.requests, self.offers,
                self.matches, self.people)


def _suppressed(value: int) -> int | str:
    return SUPPRESSED if 0 < value < SUPPRESS_BELOW else value


def research_export(*, session: Session, actor: User, period: Period, municipality_slug: str = "",
                    wijk_slugs: list[str] | tuple[str, ...] = ()) -> list[ResearchRow]:
    """Aggregates per month × wijk × category for researchers: requests and offers placed, matches,
    and the people taking part (placing or reacting). No free text, no names, no e-mail, no ids
    of the live database; every count under 5 is suppressed, and a row about fewer than 5 people
    gives none of its counts."""
    scope = resolve_scope(session=session, actor=actor, municipality_slug=municipality_slug, wijk_slugs=wijk_slugs)
    months = buckets(period, monthly=True)
    month_of = _bucket_of(Post.created_at, period, months).label("m")
    own = sa.not_(sa.and_(col(Post.neighbour_id).is_not(None), Post.author_id == Post.ambassador_id))
    placed = session.exec(
        select(month_of, Post.neighbourhood_id, Post.category_id,
               _count_if(Post.kind == PostKind.REQUEST.value), _count_if(Post.kind == PostKind.OFFER.value))
        .where(_real_posts(scope), _between(Post.created_at, period))
        .group_by(sa.literal_column("m"), Post.neighbourhood_id, Post.category_id)
    ).all()
    match_month = _bucket_of(Post.matched_at, period, months).label("m")
    matched = session.exec(
        select(match_month, Post.neighbourhood_id, Post.category_id, sa.func.count())
        .where(_real_posts(scope), Post.status == PostStatus.MATCHED.value, _between(Post.matched_at, period))
        .group_by(sa.literal_column("m"), Post.neighbourhood_id, Post.category_id)
    ).all()
    # People: whoever placed a post of their own or reacted, once per cell; a neighbour without an
    # account is a person too (negative keys keep them apart from accounts).
    person = sa.case((sa.not_(own), -Post.neighbour_id), else_=Post.author_id)
    takers = sa.union(
        select(month_of, Post.neighbourhood_id.label("wijk"), Post.category_id.label("cat"), person.label("who"))
        .where(_real_posts(scope), _between(Post.created_at, period)),
        select(_bucket_of(Conversation.created_at, period, months), Post.neighbourhood_id, Post.category_id,
               Conversation.responder_id)
        .join(Post, Conversation.post_id == Post.id)
        .where(_real_posts(scope), _between(Conversation.created_at, period)),
    ).subquery()
    people = session.exec(
        select(takers.c.m, takers.c.wijk, takers.c.cat, sa.func.count(sa.distinct(takers.c.who)))
        .group_by(takers.c.m, takers.c.wijk, takers.c.cat)
    ).all()
    cells: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for m, wijk, cat, requests, offers in placed:
        cells[m, wijk, cat][0] += int(requests or 0)
        cells[m, wijk, cat][1] += int(offers or 0)
    for m, wijk, cat, n in matched:
        cells[m, wijk, cat][2] += int(n or 0)
    for m, wijk, cat, n in people:
        cells[m, wijk, cat][3] += int(n or 0)
    wijken = {n.id: n for n in session.exec(select(Neighbourhood).where(
        col(Neighbourhood.id).in_({k[1] for k in cells} or {-1}))).all()}
    towns = dict(session.exec(select(Municipality.id, Municipality.name)).all())
    categories = {c.id: c for c in session.exec(select(Category)).all()}
    rows = []
    for (m, wijk_id, cat_id), (requests, offers, matches, n_people) in sorted(
            cells.items(), key=lambda item: (item[0][0], wijken[item[0][1]].sort_order, wijken[item[0][1]].name,
                                             categories[item[0][2]].sort_order)):
        few = n_people < SUPPRESS_BELOW
        rows.append(ResearchRow(
            month=months[m].first_day.strftime("%Y-%m"), municipality=towns.get(wijken[wijk_id].municipality_id, ""),
            wijk=wijken[wijk_id].name, category=categories[cat_id].name_nl,
            requests=SUPPRESSED if few and requests else _suppressed(requests),
            offers=SUPPRESSED if few and offers else _suppressed(offers),
            matches=SUPPRESSED if few and matches else _suppressed(matches),
            people=_suppressed(n_people),
        ))
    return rows


# --- figures elsewhere in the app -----------------------------------------------------------

def match_counts(*, session: Session) -> list[tuple[str, str, int]]:
    """(neighbourhood, category, matches), most matches first: what BUUV counts as success."""
    rows = session.exec(
        select(Neighbourhood.name, Category.slug, sa.func.count())
        .select_from(Post)
        .join(Neighbourhood, Post.neighbourhood_id == Neighbourhood.id)
        .join(Category, Post.category_id == Category.id)
        .where(Post.status == PostStatus.MATCHED.value)
        .group_by(Neighbourhood.name, Category.slug)
        .order_by(sa.func.count().desc(), Neighbourhood.name)
    ).all()
    return [(name, slug, n) for name, slug, n in rows]


def count_matches(*, session: Session, neighbourhood_id: int) -> int:
    """How many times someone was helped in one neighbourhood (its page shows it)."""
    return session.exec(select(sa.func.count()).select_from(Post).where(
        Post.neighbourhood_id == neighbourhood_id, Post.status == PostStatus.MATCHED.value)).one()


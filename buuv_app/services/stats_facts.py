"""Facts stored for the back office's figures (services/stats.py), kept current on write.

- `post.first_reaction_at`: the moment of a post's first reaction, online or on paper (time to
  the first reaction, requests that ran out unanswered, "act now" read it instead of looking
  through every conversation and paper reaction), and `post.first_reaction_wait`, the seconds from
  placing to it (the percentiles walk an index in that order);
- `first_contact`: when each pair of people first got in contact, everywhere, per municipality
  and per wijk (new ties count its rows instead of grouping every conversation by pair);
- `post_day`: the additive post counts of each local day per municipality and per wijk, by kind,
  category and placer (posts and matches over time add up days instead of grouping every post),
  including the posts running out that day while open or in contact (requests that ran out).
- `member_day`: per member, local day and area (municipality, wijk) whether they asked, offered,
  helped or were helped, linked to the member's day before and to the next day with each flag
  (reciprocity reads a member's first day in a period: its links answer for the whole period);
- `active_day`: the local days on which a member placed a post, reacted or wrote a message, each
  linked to the member's day before (active members count each member's first day in a window).
  Unlike the first two, these are kept current by a flush hook on every session
  (`_note_post_days`): every ORM write of a post (placed, matched, closed, moved, deleted), of a
  conversation or of a member's role recounts the days it touched, so no write path can forget
  it; a write behind the ORM's back calls `refresh_member_days` itself.

The links are recomputed for every day of the members whose days a write recounted
(`link_member_days`, `link_active_days`, one writer per member at a time on PostgreSQL).

Each fact has one function that recomputes it from its source rows (conversations, paper
reactions, posts) for the rows a write touched. The services that write those rows call it in
the same transaction; `python -m buuv_app.cli rebuild-figures`, the migration that made the facts
and the bench call it for everything (`rebuild`). So a stored fact is, by construction, what a
live reading of the source rows gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from buuv_app.models import (
    ActiveDay,
    Conversation,
    Message,
    FirstContact,
    Neighbourhood,
    PaperReaction,
    Post,
    MemberDay,
    PostDay,
    PostKind,
    PostStatus,
    Role,
    User,
)
from buuv_app.models.stats import EVERYWHERE, MUNICIPALITY, WIJK


def _ids(values: Iterable[int | None]) -> list[int]:
    return sorted({v for v in values if v is not None})


def seconds(session: Session, column):
    """A timestamp as seconds since 1970 (for durations; stats._seconds)."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", column)
    return (sa.func.julianday(column) - 2440587.5) * 86400.0


def refresh_first_reactions(*, session: Session, post_ids: Iterable[int] | None, wait: bool = True) -> None:
    """post.first_reaction_at (and first_reaction_wait) anew from the posts' conversations and
    paper reactions (None: all posts). `wait=False` only for revision 0055, before the column."""
    online = select(sa.func.min(Conversation.created_at)).where(Conversation.post_id == Post.id).scalar_subquery()
    paper = select(sa.func.min(PaperReaction.created_at)).where(PaperReaction.post_id == Post.id).scalar_subquery()
    first = sa.case((online.is_(None), paper), (paper.is_(None), online), (paper < online, paper), else_=online)
    update = sa.update(Post).values(first_reaction_at=first)
    if wait:
        update = update.values(first_reaction_wait=seconds(session, first) - seconds(session, Post.created_at))
    if post_ids is None:
        session.flush()
        session.execute(update.execution_options(synchronize_session=False))
        session.expire_all()
        return
    ids = _ids(post_ids)
    if not ids:
        return
    session.flush()
    session.execute(update.where(col(Post.id).in_(ids)).execution_options(synchronize_session=False))
    if wait:  # post_day counts the posts with a first reaction (not there yet in revision 0055)
        refresh_post_days(connection=session.connection(), keys={  # placed, and running out
            (wijk, local_day(at)) for wijk, *moments in session.exec(
                select(Post.neighbourhood_id, Post.created_at, Post.expires_at).where(col(Post.id).in_(ids))).all()
            for at in moments if at is not None})
    # The caller's post objects get the new value without being expired: sessions here keep
    # objects loaded after commit, and handlers may read them once the session is closed.
    loaded = {key[1][0]: obj for key, obj in session.identity_map.items() if key[0] is Post and key[1][0] in ids}
    if loaded:
        for post_id, at, wait in session.exec(select(Post.id, Post.first_reaction_at, Post.first_reaction_wait)
                                              .where(col(Post.id).in_(sorted(loaded)))).all():
            set_committed_value(loaded[post_id], "first_reaction_at", at)
            set_committed_value(loaded[post_id], "first_reaction_wait", wait)


def refresh_first_contacts(*, session: Session, people: Iterable[int] | None) -> None:
    """first_contact anew for every pair one of `people` (member ids) is in (None: all pairs).

    A pair is the responder and the post's contact person, or the neighbour a post was placed for
    (as minus their id) when the ambassador answered for them; only real (not demo) posts count."""
    session.flush()
    postgres = session.get_bind().dialect.name == "postgresql"
    least, greatest = (sa.func.least, sa.func.greatest) if postgres else (sa.func.min, sa.func.max)
    party = sa.case(
        (sa.and_(col(Post.neighbour_id).is_not(None), Conversation.contact_id == Post.ambassador_id),
         -Post.neighbour_id),
        else_=Conversation.contact_id,
    )
    contacts = (
        select(least(Conversation.responder_id, party).label("a"),
               greatest(Conversation.responder_id, party).label("b"),
               Post.neighbourhood_id.label("wijk"), Neighbourhood.municipality_id.label("town"),
               Conversation.created_at.label("at"))
        .join(Post, Conversation.post_id == Post.id)
        .join(Neighbourhood, Post.neighbourhood_id == Neighbourhood.id)
        .where(col(Post.is_demo).is_(False))
    )
    forget = sa.delete(FirstContact)
    if people is not None:
        ids = _ids(people)
        if not ids:
            return
        # Every conversation of a pair with a member in it has that member as responder or contact.
        contacts = contacts.where(sa.or_(col(Conversation.responder_id).in_(ids),
                                         col(Conversation.contact_id).in_(ids)))
        forget = forget.where(sa.or_(col(FirstContact.a).in_(ids), col(FirstContact.b).in_(ids)))
    rows = contacts.subquery()
    keep = sa.or_(rows.c.a.in_(ids), rows.c.b.in_(ids)) if people is not None else sa.true()
    session.execute(forget)
    columns = ["level", "area_id", "a", "b", "first_at"]
    for level, area in ((EVERYWHERE, None), (MUNICIPALITY, rows.c.town), (WIJK, rows.c.wijk)):
        grouping = (rows.c.a, rows.c.b) if area is None else (area, rows.c.a, rows.c.b)
        session.execute(sa.insert(FirstContact).from_select(columns, select(
            sa.literal(level), area if area is not None else sa.literal(0), rows.c.a, rows.c.b, sa.func.min(rows.c.at),
        ).where(keep).group_by(*grouping)))


def people_reacting_to(*, session: Session, post_ids: Iterable[int]) -> list[int]:
    """Who started a conversation about these posts: the people whose ties change with them."""
    ids = _ids(post_ids)
    if not ids:
        return []
    return _ids(session.exec(select(Conversation.responder_id).where(col(Conversation.post_id).in_(ids))).all())


# --- what the services call after a write (in the same transaction) -------------------------

def reaction_added(*, session: Session, post_id: int, responder_id: int | None = None) -> None:
    """A conversation was started (by `responder_id`) or a paper reaction recorded about a post."""
    refresh_first_reactions(session=session, post_ids=[post_id])
    if responder_id is not None:
        refresh_first_contacts(session=session, people=[responder_id])


def ties_changed(*, session: Session, people: Iterable[int]) -> None:
    """Posts moved to another wijk or lost their neighbour: the ties of the people who reacted to
    them (people_reacting_to). A deleted post takes no conversation with it (posts.remove_post)."""
    refresh_first_contacts(session=session, people=people)


def rebuild(*, session: Session) -> None:
    """Every stored fact anew from the source rows (`python -m buuv_app.cli rebuild-figures`)."""
    refresh_first_reactions(session=session, post_ids=None)
    refresh_first_contacts(session=session, people=None)
    session.flush()
    refresh_post_days(connection=session.connection(), keys=None)
    refresh_member_days(connection=session.connection(), keys=None)
    refresh_active_days(connection=session.connection(), keys=None)


# --- post_day: additive counts per local day ---------------------------------------------------

LOCAL = ZoneInfo("Europe/Amsterdam")  # the days of the people who use BUUV (stats.LOCAL)
PROFESSIONAL_ROLES = (Role.PROFESSIONAL.value, Role.ADMIN.value)
_POST_DAY_FIELDS = ("created_at", "matched_at", "closed_at", "expires_at", "neighbourhood_id", "status", "kind",
                    "category_id", "is_demo", "author_id", "ambassador_id", "first_reaction_at")
_POST_DAYS = ("created_at", "matched_at", "closed_at", "expires_at")  # the days a post is counted on
_MANY_DAYS = 40  # recounting more days than this reads their whole span rather than day by day
# (and keeps the union of _counted_on within SQLite's 500 branches of a compound SELECT)


def placer():
    """Who placed a post: a professional (or admin), an ambassador for a neighbour, or a resident
    (the placer's current role)."""
    placer_id = sa.func.coalesce(Post.ambassador_id, Post.author_id)
    professionals = select(User.id).where(col(User.role).in_(PROFESSIONAL_ROLES))
    return sa.case((placer_id.in_(professionals), "professional"),
                   (col(Post.ambassador_id).is_not(None), "ambassador"), else_="resident")


def local_day(moment: datetime | str) -> date:
    if isinstance(moment, str):  # SQLite without the column's type (a bare expression)
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL).date()


def _day_span(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL).astimezone(UTC)


def _lock(connection: sa.Connection, table: int, pairs: Iterable[tuple[int, date]],
          *, members: Iterable[int] = (), members_table: int | None = None) -> None:
    """On PostgreSQL, one writer at a time recounts a (member or area, day) of a fact table, until
    its transaction ends: a second one then counts after the first one's rows are committed,
    instead of from a snapshot without them. Taken in a fixed order, so two writers never wait
    for each other in a circle. SQLite has one writer at a time anyway.

    `members` (with `members_table`): besides, all the days of these members at once, taken first:
    the links between a member's days (link_member_days, link_active_days) are recomputed by one
    writer at a time per member, and a writer waits for them holding nothing of theirs. All in one
    statement, whatever the number (a message takes two locks: one round trip instead of two).
    Members without `members_table` are refused on every database: their locks would be taken
    under another table's number."""
    members = sorted(set(members))
    if members and members_table is None:
        raise ValueError("members' locks need members_table: the number they are taken under")
    if connection.dialect.name != "postgresql":
        return
    everything = _lock_keys(members_table, [(who, _ALL_DAYS) for who in members]) + _lock_keys(table, pairs)
    if everything:
        # One statement for any number of locks, taken in the array's order (unnest keeps it).
        connection.execute(_TAKE_LOCKS, {"keys": everything})


_ALL_DAYS = date(1970, 1, 1)
_TAKE_LOCKS = sa.text("SELECT count(pg_advisory_xact_lock(key)) FROM unnest(CAST(:keys AS bigint[])) AS key")


def _lock_keys(table: int, pairs: Iterable[tuple[int, date]]) -> list[int]:
    return [(table << 60) | ((who & 0xFFFFFFFFFF) << 20) | (day.toordinal() & 0xFFFFF)
            for who, day in sorted(set(pairs))]


def refresh_post_days(*, connection: sa.Connection, keys: Iterable[tuple[int, date]] | None,
                      expiring: bool = True) -> None:
    """post_day anew for the (wijk id, local day) pairs in `keys` and the same days of those wijken'
    municipalities, from the posts (None: every row anew). Core statements on the flush's own
    connection, so it runs inside a flush hook and in the writer's transaction. `expiring=False`
    only for revision 0102, before the columns of the posts running out."""
    wanted = set(keys) if keys is not None else None
    if wanted is not None and not wanted:
        return
    town_of = dict(connection.execute(select(Neighbourhood.id, Neighbourhood.municipality_id)).all())
    query = select(Post.neighbourhood_id, Post.kind, Post.category_id, placer(), Post.created_at, Post.matched_at,
                   Post.status, Post.closed_at, col(Post.first_reaction_at).is_not(None), Post.expires_at
                   ).where(col(Post.is_demo).is_(False))
    if wanted is not None:
        towns = {town_of[w] for w, _ in wanted if w in town_of}
        town_wanted = {(town_of[w], d) for w, d in wanted if w in town_of}
        wijken = sorted(w for w, t in town_of.items() if t in towns) or [-1]
        _lock(connection, 1, town_wanted)
        days = sorted({d for _, d in wanted})
        if len(days) > _MANY_DAYS:
            spans = [(_day_span(days[0])[0], _day_span(days[-1])[1])]
        else:
            spans = [_day_span(d) for d in days]
        query = query.where(col(Post.id).in_(_counted_on(spans)), col(Post.neighbourhood_id).in_(wijken))
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])

    def count(wijk: int, day: date, kind: str, category: int, who: str, index: int) -> None:
        if wanted is None or (wijk, day) in wanted:
            cells[WIJK, wijk, day, kind, category, who][index] += 1
        town = town_of.get(wijk)
        if town is not None and (wanted is None or (town, day) in town_wanted):
            cells[MUNICIPALITY, town, day, kind, category, who][index] += 1

    for wijk, kind, category, who, created, matched_at, status, closed_at, reacted, expires_at in \
            connection.execute(query).all():
        day = local_day(created)
        if status in (PostStatus.OPEN.value, PostStatus.IN_CONTACT.value) and expires_at is not None:
            count(wijk, local_day(expires_at), kind, category, who, 5)
            if status == PostStatus.OPEN.value and not reacted:
                count(wijk, local_day(expires_at), kind, category, who, 6)
        count(wijk, day, kind, category, who, 0)
        if reacted:
            count(wijk, day, kind, category, who, 4)
        if status == PostStatus.MATCHED.value:
            count(wijk, day, kind, category, who, 1)
            if matched_at is not None:
                count(wijk, local_day(matched_at), kind, category, who, 2)
        if status == PostStatus.CLOSED.value and closed_at is not None:
            count(wijk, local_day(closed_at), kind, category, who, 3)
    forget = sa.delete(PostDay)
    if wanted is not None:
        forget = forget.where(sa.or_(
            sa.and_(PostDay.level == WIJK, sa.tuple_(PostDay.area_id, PostDay.day).in_(sorted(wanted))),
            sa.and_(PostDay.level == MUNICIPALITY, sa.tuple_(PostDay.area_id, PostDay.day).in_(sorted(town_wanted)))
            if town_wanted else sa.false()))
    connection.execute(forget)
    rows = [{"level": level, "area_id": area, "day": day, "kind": kind, "category_id": category, "placer": who,
             "placed": n[0], "placed_matched": n[1], "matched": n[2], "closed": n[3], "reacted": n[4],
             **({"expiring": n[5], "expiring_unanswered": n[6]} if expiring else {})}
            for (level, area, day, kind, category, who), n in cells.items() if expiring or any(n[:5])]
    # Before revision 0111 the table has no columns of the posts running out: its columns as named
    # here (the model would add those two with their default).
    table = PostDay.__table__ if expiring else sa.table("post_day", *[sa.column(c) for c in rows[0]] if rows else [])
    for start in range(0, len(rows), 5_000):
        connection.execute(sa.insert(table), rows[start:start + 5_000])


def _counted_on(spans: list[tuple[datetime, datetime]]) -> sa.CompoundSelect:
    """The ids of the posts counted on the days in `spans`: placed, matched, closed, or running out
    while open or in contact. One range of one column a branch, each read on an index of its own
    (ix_post_recent, ix_post_matched_at, ix_post_closed_at, ix_post_status_expires): a write's
    recount reads the posts of its days, not every post of its municipality."""
    live = (PostStatus.OPEN.value, PostStatus.IN_CONTACT.value)
    branches = []
    for a, b in spans:
        branches += [select(Post.id).where(Post.created_at >= a, Post.created_at < b),
                     select(Post.id).where(Post.matched_at >= a, Post.matched_at < b),
                     select(Post.id).where(Post.closed_at >= a, Post.closed_at < b),
                     select(Post.id).where(col(Post.status).in_(live), Post.expires_at >= a, Post.expires_at < b)]
    return sa.union_all(*branches)


def _values(state, name: str) -> list:
    history = state.attrs[name].load_history()  # loaded if expired: a deleted post's wijk and days
    return [v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None]


@sa.event.listens_for(Session, "before_flush")
def _note_post_days(session: Session, flush_context, instances) -> None:
    """Remember which (wijk, local day) pairs this flush changes, and whose role changed."""
    keys = session.info.setdefault("post_days", set())
    people = session.info.setdefault("post_day_placers", set())
    deeds = session.info.setdefault("member_days", set())
    active = session.info.setdefault("active_days", set())
    added = session.info.setdefault("active_days_added", set())  # only gained a deed: no recount
    changed: list[int] = []
    for obj in session.new:
        if isinstance(obj, Message):  # a new message can only make its day active
            added.update(_deeds_of(sa.inspect(obj), who="sender_id"))
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Post):
            state = sa.inspect(obj)
            keys.update(_keys_of(state))
            deeds.update(_deeds_of(state))
            active.update(_deeds_of(state))
            if obj.id is not None:
                changed.append(obj.id)
        elif isinstance(obj, Conversation):
            deeds.update(_deeds_of(sa.inspect(obj), who="responder_id"))
            active.update(_deeds_of(sa.inspect(obj), who="responder_id"))
        elif isinstance(obj, Message) and obj not in session.new:
            active.update(_deeds_of(sa.inspect(obj), who="sender_id"))
    for obj in session.dirty:
        if isinstance(obj, Post):
            state = sa.inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _POST_DAY_FIELDS):
                keys.update(_keys_of(state))
            if any(state.attrs[name].history.has_changes() for name in _MEMBER_DAY_FIELDS):
                deeds.update(_deeds_of(state))
                active.update(_deeds_of(state))
                changed.append(obj.id)
        elif isinstance(obj, Conversation):
            state = sa.inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in ("post_id", "responder_id", "created_at")):
                deeds.update(_deeds_of(state, who="responder_id"))
                active.update(_deeds_of(state, who="responder_id"))
        elif isinstance(obj, Message):
            state = sa.inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in ("sender_id", "created_at")):
                active.update(_deeds_of(state, who="sender_id"))
        elif isinstance(obj, User) and obj.id is not None and sa.inspect(obj).attrs["role"].history.has_changes():
            people.add(obj.id)
    if changed:  # the reactions to a changed post are deeds of their responders
        deeds.update(_reactions_to(session.connection(), changed))


def _keys_of(state) -> set[tuple[int, date]]:
    wijken = _values(state, "neighbourhood_id")
    days = {local_day(v) for name in _POST_DAYS for v in _values(state, name)}
    return {(w, d) for w in wijken for d in days}


@sa.event.listens_for(Session, "after_flush_postexec")
def _recount_post_days(session: Session, flush_context) -> None:
    keys = session.info.pop("post_days", set())
    people = session.info.pop("post_day_placers", set())
    deeds = session.info.pop("member_days", set())
    active = session.info.pop("active_days", set())
    added = session.info.pop("active_days_added", set()) - active
    if deeds:
        refresh_member_days(connection=session.connection(), keys=deeds)
    if active:
        refresh_active_days(connection=session.connection(), keys=active)
    if added:
        add_active_days(connection=session.connection(), keys=added)
    if not keys and not people:
        return
    connection = session.connection()
    if people:
        placed_by = sa.func.coalesce(Post.ambassador_id, Post.author_id)
        for wijk, *moments in connection.execute(
                select(Post.neighbourhood_id, *[Post.__table__.c[name] for name in _POST_DAYS])
                .where(placed_by.in_(sorted(people)))):
            keys.update((wijk, local_day(v)) for v in moments if v is not None)
    refresh_post_days(connection=connection, keys=keys)


# --- member_day: who asked, offered, helped, was helped, per local day -------------------------

_MEMBER_DAY_FIELDS = ("created_at", "neighbourhood_id", "status", "kind", "is_demo", "author_id", "ambassador_id",
                      "neighbour_id")


def _deeds_of(state, who: str = "author_id") -> set[tuple[int, date]]:
    people = _values(state, who)
    days = {local_day(v) for v in _values(state, "created_at")}
    return {(p, d) for p in people for d in days}


def _reactions_to(connection: sa.Connection, post_ids: list[int]) -> set[tuple[int, date]]:
    return {(responder, local_day(at)) for responder, at in connection.execute(
        select(Conversation.responder_id, Conversation.created_at).where(col(Conversation.post_id).in_(post_ids)))}


def refresh_member_days(*, connection: sa.Connection, keys: Iterable[tuple[int, date]] | None,
                        links: bool = True) -> None:
    """member_day anew for the (member id, local day) pairs in `keys` (None: every row anew), from
    the posts they placed for themselves and the conversations they started about real posts:
    what stats._roles_played reads live; then the links between those members' days
    (link_member_days). `links=False` only for revision 0102, before the link columns."""
    wanted = set(keys) if keys is not None else None
    if wanted is not None and not wanted:
        return
    if wanted is not None:
        _lock(connection, 2, wanted, members={p for p, _ in wanted} if links else (), members_table=4)
    town_of = dict(connection.execute(select(Neighbourhood.id, Neighbourhood.municipality_id)).all())
    matched = Post.status == PostStatus.MATCHED.value
    own = sa.not_(sa.and_(col(Post.neighbour_id).is_not(None), Post.author_id == Post.ambassador_id))
    placed = select(Post.author_id, Post.created_at, Post.neighbourhood_id, Post.kind, matched, sa.literal(True)) \
        .where(col(Post.is_demo).is_(False), own)
    reacted = (select(Conversation.responder_id, Conversation.created_at, Post.neighbourhood_id, Post.kind, matched,
                      sa.literal(False))
               .join(Post, Conversation.post_id == Post.id).where(col(Post.is_demo).is_(False)))
    if wanted is not None:
        people = sorted({p for p, _ in wanted})
        days = sorted({d for _, d in wanted})
        spans = ([(_day_span(days[0])[0], _day_span(days[-1])[1])] if len(days) > _MANY_DAYS
                 else [_day_span(d) for d in days])
        placed = placed.where(col(Post.author_id).in_(people), sa.or_(*[
            sa.and_(Post.created_at >= a, Post.created_at < b) for a, b in spans]))
        reacted = reacted.where(col(Conversation.responder_id).in_(people), sa.or_(*[
            sa.and_(Conversation.created_at >= a, Conversation.created_at < b) for a, b in spans]))
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for query in (placed, reacted):
        for user, at, wijk, kind, is_matched, is_placed in connection.execute(query).all():
            day = local_day(at)
            if wanted is not None and (user, day) not in wanted:
                continue
            request = kind == PostKind.REQUEST.value
            if is_placed:  # asked, offered, helped (offer matched), was helped (request matched)
                flags = (int(request), int(not request), int(bool(is_matched) and not request),
                         int(bool(is_matched) and request))
            else:  # reacted: helped (to a request matched), was helped (to an offer matched)
                flags = (0, 0, int(bool(is_matched) and request), int(bool(is_matched) and not request))
            for level, area in ((WIJK, wijk), (MUNICIPALITY, town_of.get(wijk))):
                if area is None:
                    continue
                cell = cells[level, area, user, day]
                for i, flag in enumerate(flags):
                    cell[i] = max(cell[i], flag)
    forget = sa.delete(MemberDay)
    if wanted is not None:
        forget = forget.where(sa.tuple_(MemberDay.user_id, MemberDay.day).in_(sorted(wanted)))
    connection.execute(forget)
    rows = [{"level": level, "area_id": area, "user_id": user, "day": day, "asked": f[0], "offered": f[1],
             "helped": f[2], "was_helped": f[3]} for (level, area, user, day), f in sorted(cells.items())]
    if wanted is None and links:  # every row is here: linked before they go in
        found = _member_links([(r["level"], r["area_id"], r["user_id"], r["day"], r["asked"], r["offered"],
                                r["helped"], r["was_helped"]) for r in rows])
        for row in rows:
            row.update(zip(_MEMBER_LINKS, found[row["level"], row["area_id"], row["user_id"], row["day"]],
                           strict=True))
    for start in range(0, len(rows), 5_000):
        connection.execute(sa.insert(MemberDay), rows[start:start + 5_000])
    if wanted is not None and links:
        link_member_days(connection=connection, people=sorted({p for p, _ in wanted}))


_MEMBER_LINKS = ("prev_day", "next_asked", "next_offered", "next_helped", "next_was_helped")


def _member_links(rows: list[tuple]) -> dict[tuple, tuple]:
    """(level, area, member, day) -> (prev_day, next_asked, next_offered, next_helped,
    next_was_helped), from the rows (level, area, member, day, asked, offered, helped,
    was_helped) sorted in that order: every day of the members in them."""
    out: dict[tuple, tuple] = {}
    group_start = 0
    for i in range(len(rows) + 1):
        if i < len(rows) and (i == group_start or rows[i][:3] == rows[group_start][:3]):
            continue
        group = rows[group_start:i]  # one member's days in one area, in order
        following: list[date | None] = [None, None, None, None]
        for j in range(len(group) - 1, -1, -1):
            level, area, user, day, *flags = group[j]
            following = [day if flag else later for flag, later in zip(flags, following, strict=True)]
            out[level, area, user, day] = (group[j - 1][3] if j else None, *following)
        group_start = i
    return out


def link_member_days(*, connection: sa.Connection, people: Iterable[int] | None) -> None:
    """member_day's links (prev_day, next_*) anew for every day of `people` (None: everyone),
    from the flags stored; only the rows whose links changed are written."""
    query = select(MemberDay.level, MemberDay.area_id, MemberDay.user_id, MemberDay.day, MemberDay.asked,
                   MemberDay.offered, MemberDay.helped, MemberDay.was_helped, *[MemberDay.__table__.c[c]
                                                                              for c in _MEMBER_LINKS])
    if people is not None:
        ids = _ids(people)
        if not ids:
            return
        query = query.where(col(MemberDay.user_id).in_(ids))
    rows = [tuple(row) for row in connection.execute(query.order_by(
        MemberDay.level, MemberDay.area_id, MemberDay.user_id, MemberDay.day)).all()]
    found = _member_links([row[:8] for row in rows])
    changes = [{"k_level": row[0], "k_area": row[1], "k_user": row[2], "k_day": row[3],
                **dict(zip(_MEMBER_LINKS, found[row[:4]], strict=True))}
               for row in rows if tuple(row[8:]) != found[row[:4]]]
    if changes:
        table = MemberDay.__table__
        connection.execute(sa.update(table).where(
            table.c.level == sa.bindparam("k_level"), table.c.area_id == sa.bindparam("k_area"),
            table.c.user_id == sa.bindparam("k_user"), table.c.day == sa.bindparam("k_day")), changes)


# --- active_day: the days a member did something -------------------------------------------------

def deeds_query(*, people: list[int] | None = None, spans: list[tuple[datetime, datetime]] | None = None) -> list:
    """(member, moment) of every deed that makes a member active: a post placed (not demo), a
    conversation started, a message written (stats._active_members reads the same)."""
    out = []
    for who, at, *extra in ((Post.author_id, Post.created_at, col(Post.is_demo).is_(False)),
                            (Conversation.responder_id, Conversation.created_at),
                            (Message.sender_id, Message.created_at)):
        query = select(who.label("user_id"), at.label("at")).where(*extra)
        if people is not None:
            query = query.where(col(who).in_(people))
        if spans is not None:
            query = query.where(sa.or_(*[sa.and_(at >= a, at < b) for a, b in spans]))
        out.append(query)
    return out


def add_active_days(*, connection: sa.Connection, keys: Iterable[tuple[int, date]]) -> None:
    """The (member id, local day) pairs in `keys` are active, whatever else happened that day: what a
    new message means (a message is written far more often than anything else changes, and a
    recount of the member's day would read all their deeds of it). Under the same lock as a
    recount, so one that has not seen this deed yet cannot remove the day after it was added."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    _lock(connection, 3, wanted, members={p for p, _ in wanted}, members_table=5)
    there = set(connection.execute(select(ActiveDay.user_id, ActiveDay.day).where(
        sa.tuple_(ActiveDay.user_id, ActiveDay.day).in_(wanted))).all())
    new = [(who, day) for who, day in wanted if (who, day) not in there]
    if not new:  # the usual case: a message on a day its writer was active already
        return
    rows = [{"user_id": who, "day": day} for who, day in new]
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    connection.execute(insert(ActiveDay).on_conflict_do_nothing(), rows)
    link_active_days(connection=connection, people={who for who, _ in new})


def refresh_active_days(*, connection: sa.Connection, keys: Iterable[tuple[int, date]] | None,
                        links: bool = True) -> None:
    """active_day anew for the (member id, local day) pairs in `keys` (None: every row anew), then
    the links between those members' days (link_active_days; `links=False` only for revision
    0102, before the column)."""
    wanted = set(keys) if keys is not None else None
    if wanted is not None and not wanted:
        return
    people = spans = None
    if wanted is not None:
        _lock(connection, 3, wanted, members={p for p, _ in wanted} if links else (), members_table=5)
        people = sorted({p for p, _ in wanted})
        days = sorted({d for _, d in wanted})
        spans = ([(_day_span(days[0])[0], _day_span(days[-1])[1])] if len(days) > _MANY_DAYS
                 else [_day_span(d) for d in days])
    found: set[tuple[int, date]] = set()
    for query in deeds_query(people=people, spans=spans):
        for who, moment in connection.execute(query.distinct()).all():
            day = local_day(moment)
            if wanted is None or (who, day) in wanted:
                found.add((who, day))
    forget = sa.delete(ActiveDay)
    if wanted is not None:
        forget = forget.where(sa.tuple_(ActiveDay.user_id, ActiveDay.day).in_(sorted(wanted)))
    connection.execute(forget)
    rows = [{"user_id": who, "day": day} for who, day in sorted(found)]
    if wanted is None and links:  # every row is here: linked before they go in
        for i, row in enumerate(rows):
            row["prev_day"] = rows[i - 1]["day"] if i and rows[i - 1]["user_id"] == row["user_id"] else None
    for start in range(0, len(rows), 10_000):
        connection.execute(sa.insert(ActiveDay), rows[start:start + 10_000])
    if wanted is not None and links:
        link_active_days(connection=connection, people={p for p, _ in wanted})


def link_active_days(*, connection: sa.Connection, people: Iterable[int] | None) -> None:
    """active_day.prev_day anew for every day of `people` (None: everyone); only the rows whose
    link changed are written."""
    query = select(ActiveDay.user_id, ActiveDay.day, ActiveDay.prev_day)
    if people is not None:
        ids = _ids(people)
        if not ids:
            return
        query = query.where(col(ActiveDay.user_id).in_(ids))
    rows = connection.execute(query.order_by(ActiveDay.user_id, ActiveDay.day)).all()
    changes = []
    for i, (who, day, stored) in enumerate(rows):
        prev = rows[i - 1][1] if i and rows[i - 1][0] == who else None
        if prev != stored:
            changes.append({"k_user": who, "k_day": day, "prev_day": prev})
    if changes:
        table = ActiveDay.__table__
        connection.execute(sa.update(table).where(table.c.user_id == sa.bindparam("k_user"),
                                                  table.c.day == sa.bindparam("k_day")), changes)

"""The weekly neighbourhood digest: on Monday morning (Europe/Amsterdam) one short mail per member
about their own wijk and the nearby wijken they chose: requests nobody has reacted to yet, new
offers, matches and thank-yous of the past week. Nothing to tell: no mail.

At most one per member per week, however often or on however many workers it runs: the mail is
queued in the same transaction that inserts the member's digest_sent row (unique per member and
week), and a second run's insert of that row does nothing. Members have no stored language, so
the digest is written in plain Dutch (like the other mails that are not answers to a click).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from buuv_app import routes
from buuv_app.i18n import N_, gettext
from buuv_app.models import (
    DigestNeighbourhood,
    DigestSent,
    Neighbourhood,
    Post,
    PostKind,
    PostStatus,
    User,
    Visibility,
    utcnow,
)
from buuv_app.services import mail, notifications
from buuv_app.settings import get_settings

log = logging.getLogger("buuv.digest")

TZ = ZoneInfo("Europe/Amsterdam")
PER_SECTION = 5  # a phone screen's worth per section; the app has the rest
SEND_FROM_HOUR = 7  # Monday from 07:00 in Amsterdam
BATCH = 500
LOCALE = "nl"


@dataclass(frozen=True)
class Item:
    post_id: int
    title: str
    neighbourhood: str
    author_id: int
    thank_you: str | None = None


@dataclass
class News:
    """What happened in one wijk."""

    open_requests: list[Item] = field(default_factory=list)
    offers: list[Item] = field(default_factory=list)
    matches: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Digest:
    user_id: int
    email: str
    name: str
    wijken: list[str]
    open_requests: list[Item]
    offers: list[Item]
    matches: list[Item]

    @property
    def thanks(self) -> list[Item]:
        return [item for item in self.matches if item.thank_you]

    @property
    def empty(self) -> bool:
        return not (self.open_requests or self.offers or self.matches)


def week_of(now: datetime) -> date:
    """The Monday (in Amsterdam) of the week `now` falls in: the digest's key."""
    local = now.astimezone(TZ).date()
    return local - timedelta(days=local.weekday())


def window(week: date) -> tuple[datetime, datetime]:
    """The seven days before that Monday, midnight to midnight in Amsterdam, as UTC."""
    end = datetime.combine(week, time(0), TZ)
    start = datetime.combine(week - timedelta(days=7), time(0), TZ)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def is_send_time(now: datetime) -> bool:
    """Monday morning in Amsterdam (from 07:00 on; a later run that day catches up)."""
    local = now.astimezone(TZ)
    return local.weekday() == 0 and local.hour >= SEND_FROM_HOUR


def _news(session: Session, week: date, now: datetime,
          neighbourhood_ids: set[int] | None = None) -> tuple[dict[int, News], dict[int, str]]:
    """(news per wijk, wijk names), in three queries for all wijken."""
    start, end = window(week)
    names = dict(session.exec(select(Neighbourhood.id, Neighbourhood.name)).all())
    news: dict[int, News] = defaultdict(News)
    columns = (Post.id, Post.title, Post.neighbourhood_id, Post.author_id)
    only = (col(Post.neighbourhood_id).in_(neighbourhood_ids),) if neighbourhood_ids is not None else ()
    # A post for verified neighbours only is never mailed: a mail cannot check who reads it.
    only = (*only, Post.visibility != Visibility.VERIFIED.value)
    # Still open, so nobody has reacted (a reaction moves a request to "in contact").
    for pid, title, nid, author in session.exec(select(*columns).where(
            Post.kind == PostKind.REQUEST.value, Post.status == PostStatus.OPEN.value, Post.expires_at > now,
            col(Post.is_demo).is_(False), Post.created_at < end, *only)
            .order_by(col(Post.created_at).desc(), col(Post.id).desc())).all():
        news[nid].open_requests.append(Item(pid, title, names.get(nid, ""), author))
    for pid, title, nid, author in session.exec(select(*columns).where(
            Post.kind == PostKind.OFFER.value,
            col(Post.status).in_((PostStatus.OPEN.value, PostStatus.IN_CONTACT.value)), Post.expires_at > now,
            col(Post.is_demo).is_(False), Post.created_at >= start, Post.created_at < end, *only)
            .order_by(col(Post.created_at).desc(), col(Post.id).desc())).all():
        news[nid].offers.append(Item(pid, title, names.get(nid, ""), author))
    for pid, title, nid, author, thank_you in session.exec(select(*columns, Post.thank_you).where(
            Post.status == PostStatus.MATCHED.value, col(Post.is_demo).is_(False),
            Post.matched_at >= start, Post.matched_at < end, *only)
            .order_by(col(Post.matched_at).desc(), col(Post.id).desc())).all():
        news[nid].matches.append(Item(pid, title, names.get(nid, ""), author, thank_you))
    return news, names


def _digest_for(member_id: int, email: str, name: str, wijk_ids: list[int], news: dict[int, News],
                names: dict[int, str]) -> Digest:
    requests, offers, matches = [], [], []
    for nid in wijk_ids:
        found = news.get(nid)
        if found is None:
            continue
        # One's own posts are no news to oneself; one's own match is.
        requests += [item for item in found.open_requests if item.author_id != member_id]
        offers += [item for item in found.offers if item.author_id != member_id]
        matches += found.matches
    return Digest(user_id=member_id, email=email, name=name, wijken=[names.get(n, "") for n in wijk_ids],
                  open_requests=requests, offers=offers, matches=matches)


def _wijken(session: Session, user_ids: list[int] | None = None) -> dict[int, list[int]]:
    query = select(DigestNeighbourhood.user_id, DigestNeighbourhood.neighbourhood_id)
    if user_ids is not None:
        query = query.where(col(DigestNeighbourhood.user_id).in_(user_ids))
    chosen: dict[int, list[int]] = defaultdict(list)
    for user_id, nid in session.exec(query.order_by(col(DigestNeighbourhood.neighbourhood_id))).all():
        chosen[user_id].append(nid)
    return chosen


def _recipients(session: Session):
    return session.exec(select(User.id, User.email, User.display_name, User.home_neighbourhood_id).where(
        col(User.digest_mail).is_(True), col(User.email).is_not(None), col(User.email_verified_at).is_not(None),
        col(User.deleted_at).is_(None), col(User.is_demo).is_(False)).order_by(col(User.id))).all()


def build_digest(*, session: Session, user: User, week: date, now: datetime | None = None) -> Digest:
    """The digest of one member for one week (also what `send_weekly` sends)."""
    wijk_ids = ([user.home_neighbourhood_id] if user.home_neighbourhood_id else []) + [
        nid for nid in _wijken(session, [user.id]).get(user.id, []) if nid != user.home_neighbourhood_id]
    news, names = _news(session, week, now or utcnow(), set(wijk_ids))
    return _digest_for(user.id, user.email or "", user.display_name, wijk_ids, news, names)


MAX_NEARBY = 10


@dataclass(frozen=True)
class NearbyChoice:
    slug: str
    name: str
    chosen: bool


def list_nearby_choices(*, session: Session, user: User) -> list[NearbyChoice]:
    """The wijken of the member's own town (not their own wijk), and whether each is in their digest."""
    home = session.get(Neighbourhood, user.home_neighbourhood_id) if user.home_neighbourhood_id else None
    query = select(Neighbourhood).order_by(col(Neighbourhood.sort_order), col(Neighbourhood.name))
    if home is not None:
        query = query.where(Neighbourhood.municipality_id == home.municipality_id, Neighbourhood.id != home.id)
    chosen = set(_wijken(session, [user.id]).get(user.id, []))
    return [NearbyChoice(n.slug, n.name, n.id in chosen) for n in session.exec(query).all()]


def set_nearby_slugs(*, session: Session, user: User, slugs: object) -> None:
    """Choose nearby wijken by slug, from a form (anything else is ignored; at most MAX_NEARBY)."""
    wanted = [s for s in slugs if isinstance(s, str) and len(s) < 100][:200] if isinstance(slugs, list) else []
    ids = list(session.exec(select(Neighbourhood.id).where(col(Neighbourhood.slug).in_(wanted))).all()) if wanted else []
    set_nearby(session=session, user=user, neighbourhood_ids=sorted(ids)[:MAX_NEARBY])


def set_nearby(*, session: Session, user: User, neighbourhood_ids: list[int]) -> None:
    """The nearby wijken `user` also wants in their digest (unknown ids are ignored)."""
    known = set(session.exec(select(Neighbourhood.id)).all())
    session.exec(sa.delete(DigestNeighbourhood).where(DigestNeighbourhood.user_id == user.id))
    for nid in {n for n in neighbourhood_ids if isinstance(n, int) and n in known and n != user.home_neighbourhood_id}:
        session.add(DigestNeighbourhood(user_id=user.id, neighbourhood_id=nid))
    session.commit()


# --- the mail -------------------------------------------------------------------------------

def unsubscribe_url(user_id: int) -> str:
    base = get_settings().public_url.rstrip("/")
    return f"{base}{routes.ONE_CLICK_UNSUBSCRIBE}?soort=digest&token={notifications.unsubscribe_token('digest', user_id)}"


def _lines(items: list[Item], base: str, several_wijken: bool) -> list[str]:
    shown = [f"- {item.title}{f' ({item.neighbourhood})' if several_wijken else ''}\n  {base}{routes.post_url(item.post_id)}"
             for item in items[:PER_SECTION]]
    if len(items) > PER_SECTION:
        shown.append(gettext(N_("  en nog {count} meer in de app"), LOCALE, count=len(items) - PER_SECTION))
    return shown


def render(digest: Digest) -> tuple[str, str, dict[str, str]]:
    """(subject, body, headers): short lines that read well on a phone."""
    base = get_settings().public_url.rstrip("/")
    several = len(digest.wijken) > 1
    wijken = ", ".join(w for w in digest.wijken if w)
    parts = [gettext(N_("Hallo {name},"), LOCALE, name=digest.name),
             gettext(N_("Dit gebeurde er de afgelopen week in {wijken}."), LOCALE, wijken=wijken)]
    if digest.open_requests:
        parts.append("\n".join([gettext(N_("Nog niemand heeft gereageerd op deze vragen:"), LOCALE),
                                *_lines(digest.open_requests, base, several)]))
    if digest.offers:
        parts.append("\n".join([gettext(N_("Nieuw aanbod:"), LOCALE), *_lines(digest.offers, base, several)]))
    if digest.matches:
        parts.append("\n".join([gettext(N_("Buren hielpen elkaar {count} keer:"), LOCALE, count=len(digest.matches)),
                                *_lines(digest.matches, base, several)]))
    if digest.thanks:
        parts.append("\n".join([gettext(N_("Bedankjes:"), LOCALE), *[
            f"- \"{item.thank_you}\" ({item.title})" for item in digest.thanks[:PER_SECTION]]]))
    unsubscribe = unsubscribe_url(digest.user_id)
    parts += [gettext(N_("Zelf iets vragen of aanbieden?\n{link}"), LOCALE, link=f"{base}{routes.NEW_POST}"),
              gettext(N_("Je krijgt deze mail één keer per week, alleen als er iets te melden is.\n"
                         "Al je mails en meldingen op één plek:\n{settings}\n"
                         "Geen weekoverzicht meer? Eén klik, inloggen hoeft niet:\n{unsubscribe}"), LOCALE,
                      settings=f"{base}{routes.NOTIFICATION_SETTINGS}", unsubscribe=unsubscribe),
              gettext(N_("Groet,\nBUUV"), LOCALE)]
    subject = gettext(N_("Deze week in {wijk} op BUUV"), LOCALE, wijk=digest.wijken[0] if digest.wijken else "je buurt")
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return subject, "\n\n".join(parts) + "\n", headers


# --- sending --------------------------------------------------------------------------------

def _claim(session: Session, user_ids: list[int], week: date) -> set[int]:
    """Insert digest_sent rows; the ids whose row this call made (another run's stay theirs)."""
    if not user_ids:
        return set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    now = utcnow()
    statement = (dialect.insert(DigestSent).values([{"user_id": uid, "week": week, "created_at": now} for uid in user_ids])
                 .on_conflict_do_nothing(index_elements=["user_id", "week"]).returning(DigestSent.user_id))
    return {row[0] for row in session.execute(statement).all()}


def send_weekly(*, session: Session, now: datetime | None = None, week: date | None = None) -> int:
    """Queue this week's digest for every member with news; returns how many were queued by this run."""
    now = now or utcnow()
    week = week or week_of(now)
    news, names = _news(session, week, now)
    chosen = _wijken(session)
    digests = []
    for user_id, email, name, home in _recipients(session):
        wijk_ids = ([home] if home else []) + [nid for nid in chosen.get(user_id, []) if nid != home]
        digest = _digest_for(user_id, email, name, wijk_ids, news, names)
        if not digest.empty:
            digests.append(digest)
    queued = 0
    for start in range(0, len(digests), BATCH):
        batch = digests[start:start + BATCH]
        mine = _claim(session, [d.user_id for d in batch], week)
        for digest in batch:
            if digest.user_id in mine:
                subject, body, headers = render(digest)
                mail.queue_mail(session, to=digest.email, subject=subject, body=body, headers=headers)
        session.commit()
        queued += len(mine)
    if queued:
        log.info("queued %d weekly digests for the week of %s", queued, week)
    return queued



"""Ambassadors and the neighbours without an account they help: register them, post for them, their
dashboard, and later hand them an account.

Who sees what: a neighbour's contact details (phone, board location) and consent reach only their
own ambassador and the professionals of the municipality they live in
(permissions.can_see_neighbour). Everyone else, public pages included, sees at most the first name
on a post and "geplaatst via ambassadeur <naam>". Posting for a neighbour needs their recorded
consent; only their own ambassador acts for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from buuv_app import routes
from buuv_app.errors import FieldChecks, InvalidToken, NotFound, ValidationError
from buuv_app.i18n import N_, gettext
from buuv_app.models import (
    ConsentMethod,
    ContactMethod,
    Conversation,
    Message,
    Neighbour,
    Neighbourhood,
    Post,
    PostStatus,
    TokenPurpose,
    User,
    utcnow,
)
from buuv_app.models.neighbour import BOARD_LOCATION_MAX, FIRST_NAME_MAX, PHONE_MAX
from buuv_app.services import accounts, boards, mail, passwords, permissions, posts, sessions, stats_facts, throttle
from buuv_app.services.permissions import Action
from buuv_app.services.places import get_neighbourhood_by_slug
from buuv_app.services.posts import PostSummary
from buuv_app.settings import get_settings

INVITE_VALID = timedelta(days=14)  # older people may not read their mail every day
PHONE_PATTERN = re.compile(r"^\+?[0-9]{8,15}$")
PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")


class AccountStatus:
    NONE = "none"
    INVITED = "invited"
    JOINED = "joined"


@dataclass(frozen=True)
class NeighbourDetails:
    """Everything recorded about a neighbour: only for their ambassador and the municipality's
    professionals."""

    id: int
    first_name: str
    neighbourhood_slug: str
    neighbourhood_name: str
    contact_method: str
    phone: str
    board_location: str
    consent_method: str
    consent_given_on: date | None
    consent_recorded_at: datetime | None
    consent_recorded_by: str
    account_status: str
    ambassador_id: int
    ambassador_name: str
    open_posts: int

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_method) and self.consent_given_on is not None


@dataclass(frozen=True)
class NeighbourChoice:
    """A "Voor wie?" option on the new-post form: no contact details."""

    id: int
    first_name: str
    neighbourhood_slug: str


@dataclass(frozen=True)
class NeighbourPost:
    id: int
    kind: str
    title: str
    status: str
    neighbour_name: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class WaitingConversation:
    """A conversation about a neighbour's post whose last message is not the ambassador's."""

    conversation_id: int
    post_id: int
    post_title: str
    neighbour_name: str
    other_name: str
    last_message: str
    last_message_at: datetime


@dataclass(frozen=True)
class Dashboard:
    neighbours: list[NeighbourDetails]
    open_posts: list[NeighbourPost]
    waiting: list[WaitingConversation]
    expiring: list[NeighbourPost]
    board_posts: list[PostSummary]
    # Professionals also see every neighbour of their municipality (to coach the ambassadors).
    municipality_neighbours: list[NeighbourDetails]


@dataclass(frozen=True)
class Saved:
    neighbour_id: int
    closed_posts: int = 0  # open posts closed because consent was withdrawn


@dataclass(frozen=True)
class InvitationInfo:
    first_name: str
    ambassador_name: str
    # An address that already has an account confirms with its password instead of choosing one.
    has_account: bool


# --- validation -----------------------------------------------------------------------------

def clean_first_name(raw: str) -> str:
    return accounts.clean_name(raw, field="first_name", max_length=FIRST_NAME_MAX,
                               empty=N_("Vul de voornaam van je buur in."),
                               too_long=N_("De voornaam mag hoogstens {max} tekens lang zijn."))


def clean_phone(raw: str) -> str:
    """A phone number as the ambassador wrote it (easier to read aloud), once it has 8 to 15 digits."""
    phone = " ".join((raw or "").split())
    if len(phone) > PHONE_MAX or not PHONE_PATTERN.match(PHONE_SEPARATORS.sub("", phone)):
        raise ValidationError("phone", N_("Vul een telefoonnummer in, zoals 071 512 34 56."))
    return phone


def clean_board_location(raw: str) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise ValidationError("board_location", N_("Schrijf bij welk prikbord je buur te vinden is."))
    if len(text) > BOARD_LOCATION_MAX:
        raise ValidationError("board_location", N_("Houd het kort: hoogstens {max} tekens."), max=BOARD_LOCATION_MAX)
    return text


def _contact(method: str, phone: str, board_location: str) -> tuple[str, str | None, str | None]:
    """Only the detail the chosen way of reaching someone needs is kept."""
    if method == ContactMethod.PHONE:
        return method, clean_phone(phone), None
    if method == ContactMethod.BOARD:
        return method, None, clean_board_location(board_location)
    if method == ContactMethod.AMBASSADOR:
        return method, None, None
    raise ValidationError("contact_method", N_("Kies hoe je buur bereikbaar is."))


def _consent(method: str, given_on: date | None, today: date) -> tuple[str | None, date | None]:
    if not method:
        return None, None
    if method not in {m.value for m in ConsentMethod}:
        raise ValidationError("consent_method", N_("Kies hoe je buur toestemming gaf."))
    given_on = given_on or today
    if given_on > today:
        raise ValidationError("consent_given_on", N_("Deze datum ligt in de toekomst."))
    return method, given_on


def _neighbourhood(session: Session, slug: str) -> Neighbourhood:
    neighbourhood = get_neighbourhood_by_slug(session=session, slug=(slug or "")[:80])
    if neighbourhood is None:
        raise ValidationError("neighbourhood", N_("Kies een buurt uit de lijst."))
    return neighbourhood


# --- look-ups with their permission checks --------------------------------------------------

def _clean_neighbour_form(session: Session, first_name: str, neighbourhood_slug: str, contact_method: str,
                          phone: str, board_location: str, consent_method: str, consent_given_on: date | None,
                          today: date) -> tuple:
    """The neighbour form's fields checked together: every field at fault is named at once."""
    checks = FieldChecks()
    values = (
        checks.run(clean_first_name, first_name),
        checks.run(_neighbourhood, session, neighbourhood_slug),
        checks.run(_contact, contact_method, phone, board_location),
        checks.run(_consent, consent_method, consent_given_on, today),
    )
    checks.raise_any()
    return values


def _get(session: Session, neighbour_id: int) -> Neighbour:
    neighbour = session.get(Neighbour, neighbour_id) if isinstance(neighbour_id, int) else None
    if neighbour is None:
        raise NotFound("neighbour")
    return neighbour


def _own_neighbour(session: Session, actor: User, neighbour_id: int) -> Neighbour:
    """The neighbour, if `actor` is their ambassador; refused (and logged) otherwise."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, f"neighbour={neighbour_id}")
    neighbour = _get(session, neighbour_id)
    permissions.check_can_act_for_neighbour(actor, neighbour)
    return neighbour


def _municipality_id(session: Session, neighbour: Neighbour) -> int | None:
    neighbourhood = session.get(Neighbourhood, neighbour.neighbourhood_id)
    return neighbourhood.municipality_id if neighbourhood else None


def _account_status(neighbour: Neighbour) -> str:
    if neighbour.joined_at is not None:
        return AccountStatus.JOINED
    return AccountStatus.INVITED if neighbour.account_id is not None else AccountStatus.NONE


def _details(session: Session, neighbours: list[Neighbour]) -> list[NeighbourDetails]:
    if not neighbours:
        return []
    places = {n.id: n for n in session.exec(select(Neighbourhood).where(
        col(Neighbourhood.id).in_(list({n.neighbourhood_id for n in neighbours})))).all()}
    people = {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(list(
        {n.ambassador_id for n in neighbours} | {n.consent_recorded_by_id for n in neighbours
                                                 if n.consent_recorded_by_id})))).all()}
    open_counts = dict(session.exec(
        select(Post.neighbour_id, func.count()).where(
            col(Post.neighbour_id).in_([n.id for n in neighbours]), col(Post.status).in_(posts.VISIBLE_STATUSES),
            Post.expires_at > utcnow())
        .group_by(Post.neighbour_id)).all())
    return [
        NeighbourDetails(
            id=n.id, first_name=n.first_name,
            neighbourhood_slug=places[n.neighbourhood_id].slug if n.neighbourhood_id in places else "",
            neighbourhood_name=places[n.neighbourhood_id].name if n.neighbourhood_id in places else "",
            contact_method=n.contact_method, phone=n.phone or "", board_location=n.board_location or "",
            consent_method=n.consent_method or "", consent_given_on=n.consent_given_on,
            consent_recorded_at=n.consent_recorded_at,
            consent_recorded_by=people.get(n.consent_recorded_by_id, "") if n.consent_recorded_by_id else "",
            account_status=_account_status(n), ambassador_id=n.ambassador_id,
            ambassador_name=people.get(n.ambassador_id, ""), open_posts=open_counts.get(n.id, 0),
        )
        for n in neighbours
    ]


def get_neighbour(*, session: Session, actor: User, neighbour_id: int) -> NeighbourDetails:
    """One neighbour with their contact details: for their ambassador or a professional of the
    municipality they live in."""
    neighbour = _get(session, neighbour_id)
    permissions.check_can_see_neighbour(actor, neighbour, _municipality_id(session, neighbour))
    return _details(session, [neighbour])[0]


def list_my_neighbours(*, session: Session, actor: User) -> list[NeighbourDetails]:
    """The neighbours `actor` is the ambassador of, by first name."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "list_neighbours")
    rows = session.exec(select(Neighbour).where(Neighbour.ambassador_id == actor.id)
                        .order_by(col(Neighbour.first_name), col(Neighbour.id))).all()
    return _details(session, list(rows))


def list_municipality_neighbours(*, session: Session, actor: User) -> list[NeighbourDetails]:
    """Professionals: every neighbour living in their municipality, with their ambassador."""
    # The professionals who coach the municipality's ambassadors.
    permissions.check(actor, Action.MANAGE_AMBASSADORS, "list_municipality_neighbours")
    rows = session.exec(
        select(Neighbour).join(Neighbourhood, Neighbour.neighbourhood_id == Neighbourhood.id)
        .where(Neighbourhood.municipality_id == actor.municipality_id)
        .order_by(col(Neighbour.first_name), col(Neighbour.id))).all()
    return _details(session, list(rows))


def neighbour_choices(*, session: Session, actor: User) -> list[NeighbourChoice]:
    """"Voor wie?": the ambassador's neighbours they may post for now (consent recorded, no
    account of their own yet)."""
    if not permissions.is_ambassador(actor):
        return []
    rows = session.exec(
        select(Neighbour, Neighbourhood.slug).join(Neighbourhood, Neighbour.neighbourhood_id == Neighbourhood.id)
        .where(Neighbour.ambassador_id == actor.id, col(Neighbour.consent_method).is_not(None),
               col(Neighbour.joined_at).is_(None))
        .order_by(col(Neighbour.first_name), col(Neighbour.id))).all()
    return [NeighbourChoice(id=n.id, first_name=n.first_name, neighbourhood_slug=slug) for n, slug in rows]


# --- register and change --------------------------------------------------------------------

def create_neighbour(
    *, session: Session, actor: User, first_name: str, neighbourhood_slug: str, contact_method: str,
    phone: str = "", board_location: str = "", consent_method: str = "", consent_given_on: date | None = None,
    now: datetime | None = None,
) -> Saved:
    """Register a neighbour with `actor` as their ambassador; consent may follow later."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "create_neighbour")
    now = now or utcnow()
    name, neighbourhood, (method, phone_number, location), (consent, given_on) = _clean_neighbour_form(
        session, first_name, neighbourhood_slug, contact_method, phone, board_location, consent_method,
        consent_given_on, now.astimezone(stats_facts.LOCAL).date())  # the day in Leiden, not in UTC
    neighbour = Neighbour(
        ambassador_id=actor.id, first_name=name, neighbourhood_id=neighbourhood.id, contact_method=method,
        phone=phone_number, board_location=location, created_at=now, updated_at=now,
    )
    if consent is not None:
        neighbour.consent_method, neighbour.consent_given_on = consent, given_on
        neighbour.consent_recorded_at, neighbour.consent_recorded_by_id = now, actor.id
    session.add(neighbour)
    session.commit()
    session.refresh(neighbour)
    return Saved(neighbour_id=neighbour.id)


def update_neighbour(
    *, session: Session, actor: User, neighbour_id: int, first_name: str, neighbourhood_slug: str,
    contact_method: str, phone: str = "", board_location: str = "", consent_method: str = "",
    consent_given_on: date | None = None, now: datetime | None = None,
) -> Saved:
    """Change a neighbour of your own. Withdrawn consent (no method) closes their open posts."""
    neighbour = _own_neighbour(session, actor, neighbour_id)
    now = now or utcnow()
    name, neighbourhood, (method, phone_number, location), (consent, given_on) = _clean_neighbour_form(
        session, first_name, neighbourhood_slug, contact_method, phone, board_location, consent_method,
        consent_given_on, now.astimezone(stats_facts.LOCAL).date())  # the day in Leiden, not in UTC
    neighbour.first_name, neighbour.neighbourhood_id = name, neighbourhood.id
    neighbour.contact_method, neighbour.phone, neighbour.board_location = method, phone_number, location
    closed = 0
    if consent is None:
        if neighbour.consent_method is not None:
            closed = _close_open_posts(session, neighbour, now)
        neighbour.consent_method = neighbour.consent_given_on = None
        neighbour.consent_recorded_at = neighbour.consent_recorded_by_id = None
    elif (consent, given_on) != (neighbour.consent_method, neighbour.consent_given_on):
        neighbour.consent_method, neighbour.consent_given_on = consent, given_on
        neighbour.consent_recorded_at, neighbour.consent_recorded_by_id = now, actor.id
    neighbour.updated_at = now
    session.add(neighbour)
    session.commit()
    return Saved(neighbour_id=neighbour.id, closed_posts=closed)


def _close_open_posts(session: Session, neighbour: Neighbour, now: datetime) -> int:
    """Without consent nothing of the neighbour stays online (posts they took over are theirs)."""
    rows = session.exec(select(Post).where(
        Post.neighbour_id == neighbour.id, Post.author_id == neighbour.ambassador_id,
        col(Post.status).in_(posts.VISIBLE_STATUSES))).all()
    for post in rows:
        post.status, post.closed_at, post.updated_at = PostStatus.CLOSED.value, now, now
        session.add(post)
    return len(rows)


# --- posting for a neighbour ----------------------------------------------------------------

def check_can_post_for(*, session: Session, actor: User, neighbour_id: int) -> Neighbour:
    """The neighbour `actor` may post for now: theirs, consent recorded, no account of their own."""
    neighbour = _own_neighbour(session, actor, neighbour_id)
    if not neighbour.has_consent:
        raise ValidationError("for_whom", N_("Leg eerst vast dat {name} toestemming gaf. Daarna kun je voor {name} plaatsen."),
                              name=neighbour.first_name)
    if neighbour.has_joined:
        raise ValidationError("for_whom", N_("{name} heeft nu een eigen account en plaatst zelf."),
                              name=neighbour.first_name)
    return neighbour


def create_post_for_neighbour(*, session: Session, actor: User, neighbour_id: int, **fields) -> Post:
    """An ambassador places a request or offer for their neighbour. The ambassador is the post's
    contact person (replies reach their inbox) until the neighbour takes it over."""
    neighbour = check_can_post_for(session=session, actor=actor, neighbour_id=neighbour_id)
    return posts.create_post(session=session, author=actor, neighbour_id=neighbour.id, **fields)


# --- the ambassador dashboard ---------------------------------------------------------------

def _neighbour_posts(session: Session, actor: User):
    """Posts `actor` placed for their neighbours and still manages (not taken over)."""
    return (select(Post, Neighbour.first_name).join(Neighbour, Post.neighbour_id == Neighbour.id)
            .where(Post.ambassador_id == actor.id, Post.author_id == actor.id,
                   col(Post.status).in_(posts.VISIBLE_STATUSES)))


def _neighbour_post(post: Post, first_name: str) -> NeighbourPost:
    return NeighbourPost(id=post.id, kind=post.kind, title=post.title, status=post.status,
                         neighbour_name=first_name, created_at=post.created_at, expires_at=post.expires_at)


def list_open_neighbour_posts(*, session: Session, actor: User, now: datetime | None = None) -> list[NeighbourPost]:
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "list_neighbour_posts")
    now = now or utcnow()
    rows = session.exec(_neighbour_posts(session, actor).where(Post.expires_at > now)
                        .order_by(col(Post.created_at).desc(), col(Post.id).desc())).all()
    return [_neighbour_post(post, name) for post, name in rows]


def list_expiring_neighbour_posts(*, session: Session, actor: User, now: datetime | None = None) -> list[NeighbourPost]:
    """Open posts for my neighbours that expire within a few days, or have just expired (renew or close)."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "list_neighbour_posts")
    now = now or utcnow()
    rows = session.exec(_neighbour_posts(session, actor).where(Post.expires_at <= now + posts.REMIND_BEFORE)
                        .order_by(col(Post.expires_at), col(Post.id))).all()
    return [_neighbour_post(post, name) for post, name in rows]


def list_waiting_conversations(*, session: Session, actor: User) -> list[WaitingConversation]:
    """Conversations about my neighbours' posts where the last word is not mine, oldest waiting first."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "list_waiting_conversations")
    last_ids = (select(func.max(Message.id)).join(Conversation, Message.conversation_id == Conversation.id)
                .where(Conversation.contact_id == actor.id).group_by(Message.conversation_id))
    rows = session.exec(
        select(Conversation, Message, Post, Neighbour.first_name, User.display_name, User.deleted_at)
        .join(Message, Message.conversation_id == Conversation.id)
        .join(Post, Conversation.post_id == Post.id)
        .join(Neighbour, Post.neighbour_id == Neighbour.id)
        .join(User, Conversation.responder_id == User.id)
        .where(Conversation.contact_id == actor.id, Post.ambassador_id == actor.id,
               col(Message.id).in_(last_ids), Message.sender_id != actor.id)
        .order_by(col(Message.id))).all()
    return [
        WaitingConversation(
            conversation_id=conversation.id, post_id=post.id, post_title=post.title, neighbour_name=first_name,
            other_name=accounts.DELETED_NAME if deleted_at is not None else other_name,
            last_message=posts.excerpt(message.body, 80), last_message_at=message.created_at,
        )
        for conversation, message, post, first_name, other_name, deleted_at in rows
    ]


def list_board_location_posts(*, session: Session, actor: User) -> list[PostSummary]:
    """Open posts hanging on the board locations `actor` keeps (services.boards)."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "list_board_location_posts")
    return boards.list_posts_on_kept_boards(session=session, user=actor)


def dashboard(*, session: Session, actor: User, now: datetime | None = None) -> Dashboard:
    """Everything the ambassador page shows, in one go."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "ambassador_dashboard")
    now = now or utcnow()
    return Dashboard(
        neighbours=list_my_neighbours(session=session, actor=actor),
        open_posts=list_open_neighbour_posts(session=session, actor=actor, now=now),
        waiting=list_waiting_conversations(session=session, actor=actor),
        expiring=list_expiring_neighbour_posts(session=session, actor=actor, now=now),
        board_posts=list_board_location_posts(session=session, actor=actor),
        municipality_neighbours=(list_municipality_neighbours(session=session, actor=actor)
                                 if permissions.is_professional(actor) else []),
    )


# --- an account of their own ----------------------------------------------------------------

def invite_neighbour(*, session: Session, actor: User, neighbour_id: int, email: str,
                     now: datetime | None = None) -> None:
    """Mail the neighbour a link to an account of their own; on accepting, their posts move to it.

    Answers alike whether the address already has an account (that person then confirms with
    their password), so an ambassador learns nothing about other people's accounts.
    """
    neighbour = _own_neighbour(session, actor, neighbour_id)
    if neighbour.has_joined:
        raise ValidationError("email", N_("{name} heeft nu een eigen account en plaatst zelf."), name=neighbour.first_name)
    if not neighbour.has_consent:
        raise ValidationError("email", N_("Leg eerst vast dat {name} toestemming gaf. Daarna kun je voor {name} plaatsen."),
                              name=neighbour.first_name)
    address = accounts.normalize_email(email)
    if address == actor.email:
        raise ValidationError("email", N_("Vul het e-mailadres van je buur in, niet dat van jezelf."))
    now = now or utcnow()
    user = accounts.get_user_by_email(session=session, email=address)
    if user is None:
        # An unconfirmed account without a password: nobody can log in to it until the link is used.
        user = User(display_name=neighbour.first_name, email=address, home_neighbourhood_id=neighbour.neighbourhood_id,
                    created_at=now, updated_at=now)
        session.add(user)
        session.flush()
    neighbour.account_id, neighbour.invited_at, neighbour.updated_at = user.id, now, now
    session.add(neighbour)
    session.commit()
    raw = accounts.issue_token(session, user, TokenPurpose.INVITE_NEIGHBOUR, INVITE_VALID)
    link = f"{get_settings().public_url.rstrip('/')}{routes.INVITATION}?token={raw}"
    # The neighbour's language is not known: Dutch, BUUV's own.
    mail.send_mail(
        session=session, to=address,
        subject=gettext(N_("{ambassador} nodigt je uit voor een eigen BUUV-account"), "nl", ambassador=actor.display_name),
        body=gettext(
            N_("Hallo {name},\n\n{ambassador}, ambassadeur van BUUV, zette tot nu toe jouw vragen en aanbod op "
               "BUUV. Met een eigen account doe je dat zelf en lees je zelf de reacties. Je berichten blijven "
               "gewoon staan.\n\nMaak je account af via deze link:\n{link}\n\nDe link werkt 14 dagen. Wil je "
               "dit niet? Dan hoef je niets te doen.\n\nGroet,\nBUUV"),
            "nl", name=neighbour.first_name, ambassador=actor.display_name, link=link),
    )


def _pending(session: Session, user: User) -> list[Neighbour]:
    return list(session.exec(select(Neighbour).where(
        Neighbour.account_id == user.id, col(Neighbour.joined_at).is_(None)).order_by(col(Neighbour.id))).all())


def _has_account(user: User) -> bool:
    return user.password_hash is not None and user.email_verified_at is not None


def check_invitation(*, session: Session, token: str) -> InvitationInfo:
    """Who invites whom (to show before typing); InvalidToken for a used, expired or withdrawn link."""
    _, user = accounts.redeem_token(session, token, TokenPurpose.INVITE_NEIGHBOUR, utcnow())
    pending = _pending(session, user)
    if not pending:
        raise InvalidToken()
    ambassador = session.get(User, pending[0].ambassador_id)
    return InvitationInfo(first_name=pending[0].first_name,
                          ambassador_name=ambassador.display_name if ambassador else "",
                          has_account=_has_account(user))


def accept_invitation(
    *, session: Session, token: str, password: str, accepted_terms: bool = False,
    confirmed_16_plus: bool = False, ip: str | None = None,
) -> accounts.LoginResult:
    """The neighbour takes over: their own password (or, for an existing account, its password),
    and every post placed for them becomes theirs. Logs them in."""
    now = utcnow()
    user_token, user = accounts.redeem_token(session, token, TokenPurpose.INVITE_NEIGHBOUR, now)
    pending = _pending(session, user)
    if not pending:
        raise InvalidToken()
    if _has_account(user):
        # Counted before the password is checked, like a login.
        accounts.check_password_attempt(session=session, user=user, password=password, ip=ip,
                                        field="password", message=N_("Je wachtwoord klopt niet."))
    else:
        # A new password: nothing to guess, but a client that keeps sending refused ones is held up.
        reserved = throttle.reserve(
            session=session, kind="password", keys=[throttle.user_key(user.id), throttle.ip_key(ip)],
            limit=throttle.PASSWORD_LIMIT, window=throttle.PASSWORD_WINDOW)
        checks = FieldChecks()
        checks.run(passwords.check_password_policy, password, email=user.email or "")
        checks.require(accepted_terms, "accepted_terms",
                       N_("Je kunt je aanmelden als je de huisregels en de privacyverklaring accepteert."))
        checks.require(confirmed_16_plus, "confirmed_16_plus", N_("BUUV is voor mensen van 16 jaar en ouder."))
        checks.raise_any()
        throttle.release(session=session, ids=reserved)
        # Proving control of the mailbox confirms it, as a sign-up link would.
        user.password_hash = passwords.hash_password(password)
        user.accepted_terms_at = user.confirmed_16_plus_at = now
        user.email_verified_at = user.email_verified_at or now
    user.updated_at = now
    user_token.used_at = now
    for neighbour in pending:
        neighbour.joined_at = neighbour.updated_at = now
        theirs = sa.and_(Post.neighbour_id == neighbour.id, Post.author_id == neighbour.ambassador_id)
        days = {stats_facts.local_day(at) for at in session.exec(select(Post.created_at).where(theirs)).all()}
        session.exec(sa.update(Post).where(theirs).values(author_id=user.id, updated_at=now))
        # Behind the flush hook's back: their posts are now their own deeds (reciprocity), and
        # their days active ones (active members), no longer the ambassador's.
        deeds = {(who, day) for who in (user.id, neighbour.ambassador_id) for day in days}
        stats_facts.refresh_member_days(connection=session.connection(), keys=deeds)
        stats_facts.refresh_active_days(connection=session.connection(), keys=deeds)
        session.add(neighbour)
    session.add_all([user, user_token])
    session.commit()
    return accounts.LoginResult(user=user, token=sessions.create_session(session=session, user=user, ip=ip))

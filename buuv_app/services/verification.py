"""Verified neighbours ("Buur geverifieerd" ★): the wijk code of a board's sheet, confirmation in
person by an ambassador or professional, lapsing on a move, revoking, and the choice to be messaged
by verified neighbours only.

The wijk code: every board has one per printed month, derived with HMAC-SHA256 from the server's
secret key, the board and the month (Europe/Amsterdam), so it is never stored and changes by itself
on the first of the month. It is printed only on the sheets its keepers (the board's ambassadors,
the municipality's professionals) print, never on the public sheet online nor on any page. A code
is accepted during its own month and the first GRACE_DAYS days of the next one (a new sheet is not
always hung on the first). Wrong, old and other-wijk codes count as tries: WRONG_CODE_LIMIT an hour
per member (services/throttle.py), then a wait.

A verification is in force while it is not revoked and its wijk is still the member's wijk
(models/verification.in_force); choosing another wijk on /account ends it (lapse_on_move).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from buuv_app.errors import NotFound, ValidationError, ValidationErrors
from buuv_app.i18n import N_
from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    LapseCause,
    MeetingKind,
    ModerationAction,
    Neighbourhood,
    Role,
    User,
    Verification,
    VerificationMethod,
    in_force,
    utcnow,
)
from buuv_app.services import permissions, throttle
from buuv_app.services.permissions import Action
from buuv_app.settings import get_settings

LOCAL = ZoneInfo("Europe/Amsterdam")
# The same unambiguous letters as post codes (services/codes.py): read back from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 6
GRACE_DAYS = 7  # last month's code still counts on the first seven days of a month
OLD_MONTHS = 3  # how far back a code is recognised as "old" (for its message; it counts as a try)
WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = timedelta(hours=1)
REVOKE_REASON_MAX = 300
EMAIL_MAX = 254
AUDIT_ACTION = "unverify"


# --- the wijk code --------------------------------------------------------------------------

def month_of(now: datetime) -> str:
    """The printed month `now` falls in, in Dutch time: "2026-11"."""
    return now.astimezone(LOCAL).strftime("%Y-%m")


def _month_before(month: str, steps: int = 1) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + (number - 1) - steps
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def valid_months(now: datetime) -> list[str]:
    """The months whose codes are accepted at `now`: this one, and the previous in its first days."""
    current = month_of(now)
    return [current, _month_before(current)] if now.astimezone(LOCAL).day <= GRACE_DAYS else [current]


def board_code(board_id: int, month: str, secret: str | None = None) -> str:
    """The wijk code of board `board_id` for `month` (six letters/digits from CODE_ALPHABET)."""
    key = (secret if secret is not None else get_settings().secret_key).encode()
    digest = hmac.new(key, f"buuv-wijkcode:{board_id}:{month}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def display_code(code: str) -> str:
    return f"{code[:3]}-{code[3:]}"


def clean_code(raw: object) -> str:
    """What someone typed ("abc-234", " ABC 234 ") as a bare upper-case code (may still be wrong)."""
    text = raw if isinstance(raw, str) else ""
    return "".join(ch for ch in text.upper()[:40] if ch.isalnum())


def can_see_board_code(user: User | None, board: BoardLocation, keeper_ids: set[int]) -> bool:
    """Who prints a sheet with the wijk code: the board's own ambassadors, the professionals of its
    municipality, admins. Everyone else (the public sheet online) gets the sheet without it."""
    if not permissions.is_member(user):
        return False
    if permissions.is_admin(user):
        return True
    if user.role == Role.AMBASSADOR.value:
        return user.id in keeper_ids
    return permissions.can_manage_board(user, board)


def printed_code(*, session: Session, board_id: int, viewer: User | None, now: datetime | None = None) -> str:
    """The code to print on board `board_id`'s sheet for `viewer`, formatted, or "" when they may not."""
    board = session.get(BoardLocation, board_id)
    if board is None:
        return ""
    keepers = set(session.exec(select(BoardAmbassador.user_id).where(BoardAmbassador.board_id == board_id)).all())
    if not can_see_board_code(viewer, board, keepers):
        return ""
    return display_code(board_code(board_id, month_of(now or utcnow())))


# --- who is verified ------------------------------------------------------------------------

def get_verification(*, session: Session, user: User | None) -> Verification | None:
    """The member's verification in force, or None."""
    if user is None or user.id is None or user.home_neighbourhood_id is None:
        return None
    return session.exec(select(Verification).where(
        Verification.user_id == user.id, col(Verification.revoked_at).is_(None),
        Verification.neighbourhood_id == user.home_neighbourhood_id).order_by(col(Verification.id).desc())).first()


def is_verified(session: Session, user: User | None) -> bool:
    """Is `user` a verified neighbour of the wijk they live in now (for the badge and the choices)?"""
    return permissions.is_member(user) and get_verification(session=session, user=user) is not None


def verified_ids(*, session: Session, user_ids: list[int] | set[int]) -> set[int]:
    """Which of these members carry the badge (one query, for a list of authors or participants)."""
    ids = [i for i in set(user_ids) if isinstance(i, int)]
    if not ids:
        return set()
    return set(session.exec(select(User.id).where(
        col(User.id).in_(ids), col(User.deleted_at).is_(None),
        in_force(User.id, User.home_neighbourhood_id))).all())


@dataclass(frozen=True)
class VerificationStatus:
    verified: bool
    has_wijk: bool
    wijk_name: str = ""
    method: str = ""
    since: datetime | None = None
    verified_by: str = ""  # in person: who confirmed
    messages_verified_only: bool = False


def get_status(*, session: Session, user: User) -> VerificationStatus:
    permissions.check(user, Action.MANAGE_OWN_ACCOUNT, "verification_status")
    record = get_verification(session=session, user=user)
    wijk = session.get(Neighbourhood, user.home_neighbourhood_id) if user.home_neighbourhood_id else None
    by = session.get(User, record.verified_by_id) if record and record.verified_by_id else None
    return VerificationStatus(
        verified=record is not None, has_wijk=wijk is not None, wijk_name=wijk.name if wijk else "",
        method=record.method if record else "", since=record.created_at if record else None,
        verified_by=by.display_name if by else "", messages_verified_only=user.messages_verified_only)


# --- verifying with the board's code --------------------------------------------------------

def _boards_by_wijk(session: Session) -> list[tuple[int, int]]:
    return list(session.exec(select(BoardNeighbourhood.board_id, BoardNeighbourhood.neighbourhood_id)).all())


def _matching_boards(code: str, boards: list[tuple[int, int]], months: list[str]) -> list[tuple[int, int]]:
    return [(board_id, wijk_id) for board_id, wijk_id in boards for month in months
            if hmac.compare_digest(code, board_code(board_id, month))]


def enter_code(*, session: Session, user: User, code: str, now: datetime | None = None) -> Verification:
    """Verify `user` as a neighbour of their wijk with the code on the current sheet of a board
    that serves it. Empty input is not a try; any other refusal counts (Throttled after the limit)."""
    permissions.check(user, Action.MANAGE_OWN_ACCOUNT, "enter_wijk_code")
    now = now or utcnow()
    if user.home_neighbourhood_id is None:
        raise ValidationError("code", N_("Kies eerst je wijk op je accountpagina."))
    current = get_verification(session=session, user=user)
    if current is not None:
        return current
    cleaned = clean_code(code)
    if not cleaned:
        raise ValidationError("code", N_("Vul de wijkcode van het prikbord in."))
    tries = throttle.reserve(session=session, kind="wijk_code", keys=[throttle.user_key(user.id)],
                             limit=WRONG_CODE_LIMIT, window=WRONG_CODE_WINDOW, now=now)
    boards = _boards_by_wijk(session)
    valid = _matching_boards(cleaned, boards, valid_months(now)) if len(cleaned) == CODE_LENGTH else []
    mine = [(board_id, wijk_id) for board_id, wijk_id in valid if wijk_id == user.home_neighbourhood_id]
    if mine:
        throttle.release(session=session, ids=tries)  # a right code is not a wrong try
        record = Verification(user_id=user.id, neighbourhood_id=user.home_neighbourhood_id,
                              method=VerificationMethod.BOARD_CODE.value, board_id=mine[0][0], created_at=now)
        session.add(record)
        session.commit()
        session.refresh(record)
        return record
    if valid:
        raise ValidationError("code", N_("Deze code hoort bij een prikbord van een andere wijk. Gebruik de code "
                                         "van een prikbord in je eigen wijk."))
    older = [_month_before(month_of(now), steps) for steps in range(1, OLD_MONTHS + 1)]
    if len(cleaned) == CODE_LENGTH and _matching_boards(cleaned, boards, older):
        raise ValidationError("code", N_("Deze code is verlopen: hij hoort bij een oud blad. Kijk op het blad "
                                         "dat nu op het prikbord hangt."))
    raise ValidationError("code", N_("Deze code klopt niet. Kijk nog eens goed op het blad van het prikbord."))


# --- confirming in person -------------------------------------------------------------------

def _municipality_of_wijk(session: Session, neighbourhood_id: int | None) -> int | None:
    wijk = session.get(Neighbourhood, neighbourhood_id) if neighbourhood_id else None
    return wijk.municipality_id if wijk else None


def can_confirm(session: Session, actor: User | None, member: User) -> bool:
    """Ambassadors confirm members of the municipality they live in, professionals those of the
    municipality they work in, admins anyone; nobody confirms themselves."""
    if not permissions.is_ambassador(actor) or actor.id == member.id:
        return False
    town = _municipality_of_wijk(session, member.home_neighbourhood_id)
    if town is None:
        return False
    if permissions.is_admin(actor):
        return True
    if actor.role == Role.PROFESSIONAL.value:
        return actor.municipality_id == town
    return _municipality_of_wijk(session, actor.home_neighbourhood_id) == town


def confirm_in_person(*, session: Session, actor: User, email: str, meeting: str, met_on: date | None,
                      now: datetime | None = None) -> Verification:
    """An ambassador or professional records that they met the member with this e-mail address in
    person (how, on which day). Returns the verification (the one in force if there is one)."""
    permissions.check(actor, Action.ACT_AS_AMBASSADOR, "confirm_in_person")
    now = now or utcnow()
    today = now.astimezone(LOCAL).date()
    errors: list[ValidationError] = []
    address = ""
    address = (email if isinstance(email, str) else "").strip().lower()
    if not address or len(address) > EMAIL_MAX or "@" not in address or any(ch.isspace() for ch in address):
        errors.append(ValidationError("email", N_("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")))
    if meeting not in {m.value for m in MeetingKind}:
        errors.append(ValidationError("meeting", N_("Kies hoe je deze buur hebt ontmoet.")))
    if not isinstance(met_on, date):
        errors.append(ValidationError("met_on", N_("Vul de dag in waarop jullie elkaar spraken.")))
    elif met_on > today:
        errors.append(ValidationError("met_on", N_("Deze datum ligt in de toekomst.")))
    elif met_on < today - timedelta(days=365):
        errors.append(ValidationError("met_on", N_("Deze ontmoeting is meer dan een jaar geleden: spreek je buur "
                                                   "eerst opnieuw.")))
    if errors:
        raise ValidationErrors(errors)
    # Limited like the professionals' look-up: no way to test which addresses have an account.
    throttle.reserve(session=session, kind="member_lookup", keys=[throttle.user_key(actor.id)],
                     limit=throttle.LOOKUP_LIMIT, window=throttle.LOOKUP_WINDOW, now=now)
    member = session.exec(select(User).where(User.email == address)).first()
    if member is None or not permissions.is_member(member):
        raise ValidationError("email", N_("We vinden geen lid met dit e-mailadres."))
    if member.id == actor.id:
        raise ValidationError("email", N_("Je kunt jezelf niet bevestigen: vraag een andere ambassadeur."))
    if member.home_neighbourhood_id is None:
        raise ValidationError("email", N_("Deze buur heeft nog geen wijk gekozen."))
    if not can_confirm(session, actor, member):
        permissions.refuse(actor, "confirm_in_person", f"member={member.id}")
        raise ValidationError("email", N_("Je kunt alleen buren in je eigen gemeente bevestigen."))
    current = get_verification(session=session, user=member)
    if current is not None:
        return current
    record = Verification(user_id=member.id, neighbourhood_id=member.home_neighbourhood_id,
                          method=VerificationMethod.IN_PERSON.value, verified_by_id=actor.id, meeting=meeting,
                          met_on=met_on, created_at=now)
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


# --- ending ---------------------------------------------------------------------------------

def lapse_on_move(*, session: Session, user: User, new_neighbourhood_id: int | None,
                  now: datetime | None = None) -> None:
    """The member chose another wijk: their verification ends (the caller commits)."""
    if new_neighbourhood_id == user.home_neighbourhood_id:
        return
    for record in session.exec(select(Verification).where(
            Verification.user_id == user.id, col(Verification.revoked_at).is_(None))).all():
        record.revoked_at = now or utcnow()
        record.lapse_cause = LapseCause.MOVED.value
        session.add(record)


@dataclass(frozen=True)
class VerifiedMember:
    """A verified member as the professionals of their municipality see them (to revoke)."""

    verification_id: int
    display_name: str
    wijk_name: str
    method: str
    verified_by: str
    since: datetime


def list_verified(*, session: Session, actor: User, limit: int = 200) -> list[VerifiedMember]:
    """Professionals: the verified members of their municipality, newest first; admins: all."""
    permissions.check(actor, Action.MODERATE, "list_verified")
    By = aliased(User, name="verified_by")
    query = (select(Verification.id, User.display_name, Neighbourhood.name, Verification.method,
                    By.display_name, Verification.created_at)
             .join(User, User.id == Verification.user_id)
             .join(Neighbourhood, Neighbourhood.id == Verification.neighbourhood_id)
             .outerjoin(By, By.id == Verification.verified_by_id)
             .where(col(Verification.revoked_at).is_(None), User.home_neighbourhood_id == Verification.neighbourhood_id,
                    col(User.deleted_at).is_(None)))
    if not permissions.is_admin(actor):
        query = query.where(Neighbourhood.municipality_id == actor.municipality_id)
    rows = session.exec(query.order_by(col(Verification.created_at).desc()).limit(limit)).all()
    return [VerifiedMember(verification_id=vid, display_name=name, wijk_name=wijk, method=method,
                           verified_by=by or "", since=since) for vid, name, wijk, method, by, since in rows]


def revoke(*, session: Session, actor: User, verification_id: int, reason: str,
           now: datetime | None = None) -> Verification:
    """A professional of the member's municipality (or an admin) takes a verification back; the
    moderation audit log records who, when and why."""
    permissions.check(actor, Action.MODERATE, f"revoke_verification={verification_id}")
    record = session.get(Verification, verification_id) if isinstance(verification_id, int) else None
    if record is None or record.revoked_at is not None:
        raise NotFound("verification")
    if not permissions.can_moderate(actor, _municipality_of_wijk(session, record.neighbourhood_id)):
        raise permissions.refuse(actor, "revoke_verification", f"verification={record.id}")
    text = (reason if isinstance(reason, str) else "").strip()
    if not text:
        raise ValidationError("reason", N_("Schrijf kort waarom je de verificatie intrekt."))
    if len(text) > REVOKE_REASON_MAX:
        raise ValidationError("reason", N_("Houd de reden korter dan {max} tekens."), max=REVOKE_REASON_MAX)
    now = now or utcnow()
    record.revoked_at, record.revoked_by_id, record.lapse_cause = now, actor.id, LapseCause.REVOKED.value
    session.add(record)
    # A line in the moderation audit log (append-only; its words: moderation.ACTION_LABELS["unverify"]).
    # Written here, not through services/moderation.py, which itself depends on accounts: this
    # module stays below accounts, whose change of wijk ends a verification (lapse_on_move).
    session.add(ModerationAction(actor_id=actor.id, action=AUDIT_ACTION, subject_id=record.user_id, reason=text,
                                 created_at=now))
    session.commit()
    session.refresh(record)
    return record


# --- the resident's choice ------------------------------------------------------------------

def set_messages_verified_only(*, session: Session, user: User, enabled: object) -> None:
    permissions.check(user, Action.MANAGE_OWN_ACCOUNT, "set_messages_verified_only")
    user.messages_verified_only = enabled is True
    session.add(user)
    session.commit()

"""Roles: admins make professionals, professionals make ambassadors in their own municipality."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import BoardAmbassador, Municipality, Neighbourhood, Role, User, utcnow
from buuv_app.services import permissions, throttle
from buuv_app.services.permissions import Action
from buuv_app.services.accounts import get_user_by_email, normalize_email


@dataclass(frozen=True)
class Member:
    """What a professional or admin sees of a member: no e-mail, no other private data."""

    id: int
    display_name: str
    role: str
    neighbourhood: str
    municipality: str


def _member(session: Session, user: User) -> Member:
    neighbourhood = session.get(Neighbourhood, user.home_neighbourhood_id) if user.home_neighbourhood_id else None
    town_id = user.municipality_id or (neighbourhood.municipality_id if neighbourhood else None)
    municipality = session.get(Municipality, town_id) if town_id else None
    return Member(
        id=user.id, display_name=user.display_name, role=user.role,
        neighbourhood=neighbourhood.name if neighbourhood else "",
        municipality=municipality.name if municipality else "",
    )


def find_member(*, session: Session, actor: User, email: str) -> Member:
    """Look a member up by exact e-mail address (to grant them a role)."""
    permissions.check(actor, (Action.MANAGE_PROFESSIONALS, Action.MANAGE_AMBASSADORS), "find_member")
    # Limited: a stolen professional's session must not become a way to test which addresses exist.
    throttle.reserve(session=session, kind="member_lookup", keys=[throttle.user_key(actor.id)],
                     limit=throttle.LOOKUP_LIMIT, window=throttle.LOOKUP_WINDOW)
    user = get_user_by_email(session=session, email=normalize_email(email))
    if user is None or not user.is_active:
        raise NotFound("member")
    return _member(session, user)


def list_role_holders(*, session: Session, actor: User) -> list[Member]:
    """Admins: all professionals. Professionals: the ambassadors living in their municipality."""
    permissions.check(actor, (Action.MANAGE_PROFESSIONALS, Action.MANAGE_AMBASSADORS), "list_role_holders")
    if permissions.is_admin(actor):
        users = session.exec(select(User).where(User.role == Role.PROFESSIONAL.value)
                             .order_by(col(User.display_name))).all()
    else:
        users = session.exec(
            select(User).join(Neighbourhood, User.home_neighbourhood_id == Neighbourhood.id)
            .where(User.role == Role.AMBASSADOR.value, Neighbourhood.municipality_id == actor.municipality_id)
            .order_by(col(User.display_name))
        ).all()
    return [_member(session, user) for user in users if user.is_active]


def set_role(
    *, session: Session, actor: User, target_id: int, role: str, municipality_slug: str | None = None,
) -> Member:
    """Grant or revoke a role (revoking means back to resident). Checked with can_set_role."""
    target = session.get(User, target_id) if isinstance(target_id, int) else None
    if target is None:
        raise NotFound("member")
    home = session.get(Neighbourhood, target.home_neighbourhood_id) if target.home_neighbourhood_id else None
    permissions.check_can_set_role(actor, target, role, home)
    if role == Role.PROFESSIONAL.value:
        municipality = session.exec(
            select(Municipality).where(Municipality.slug == (municipality_slug or ""))).first()
        if municipality is None:
            raise ValidationError("municipality", N_("Kies de gemeente waar deze professional werkt."))
        target.municipality_id = municipality.id
    else:
        target.municipality_id = None
    if role != Role.AMBASSADOR.value:
        # No longer an ambassador: no longer keeps any board either.
        session.exec(delete(BoardAmbassador).where(BoardAmbassador.user_id == target.id))
    target.role = role
    target.updated_at = utcnow()
    session.add(target)
    session.commit()
    return _member(session, target)


def make_admin(*, session: Session, email: str) -> User:
    """The first admin, from the command line (`make admin EMAIL=...`)."""
    user = get_user_by_email(session=session, email=normalize_email(email))
    if user is None or not user.is_active:
        raise NotFound("member")
    user.role = Role.ADMIN.value
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return user

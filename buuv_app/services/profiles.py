"""Member profiles (/buur/<id>): who someone is, for members only, and "wie hielp?" on a match.

A profile shows a member's first name, wijk, "lid sinds", how often they helped and were helped,
the thank-yous written on matched posts about them, and their own optional introduction and photo.
Only active accounts have one (not deleted, suspended, unconfirmed or demo people); only members
read one. Neighbours without an account (placed by an ambassador) have none.

Counting matches ("geholpen" posts, not deleted, not demo). `post.helped_by_id` is the other member
of the match, chosen by the post's author from the people who wrote to them about the post:

- **as helper**: requests matched with `helped_by_id` = the member (the asker says they helped),
  plus the member's own offers matched with a chosen member (`helped_by_id` set);
- **as helped**: the member's own requests matched with a helper named (chosen or typed in),
  plus offers matched with `helped_by_id` = the member.

A helper typed in as free text ("iemand anders / via het prikbord") counts for the asker only:
nobody can be credited with it. An offer's author can credit themselves only through someone
they really talked to about that offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import Conversation, Neighbourhood, Post, PostKind, PostStatus, User
from buuv_app.services import permissions, photos, verification

INTRO_MAX = 500
THANKS_SHOWN = 20
# A tag, a comment or a doctype: the introduction is plain text, shown as such.
_HTML = re.compile(r"<\s*[A-Za-z/!?]|&#?[A-Za-z0-9]+;")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TOO_LONG = N_("Je introductie mag hoogstens {max} tekens lang zijn.")
NO_HTML = N_("Gebruik gewone tekst in je introductie, zonder HTML (zoals <b> of <a>).")
NOT_A_CHOICE = N_("Kies iemand met wie je over deze oproep contact had, of vul een naam in.")


@dataclass(frozen=True)
class Thanks:
    """A thank-you written on a matched post about the member, as it stands on that post."""

    post_id: int
    post_title: str
    text: str
    author_name: str


@dataclass(frozen=True)
class Profile:
    id: int
    first_name: str
    neighbourhood_name: str
    member_since: datetime
    helped_count: int  # as helper (see the module docstring)
    was_helped_count: int  # as helped
    thanks: list[Thanks] = field(default_factory=list)
    intro: str = ""
    photo_key: str | None = None
    verified: bool = False  # "Buur geverifieerd" (services/verification.py)


@dataclass(frozen=True)
class HelperChoice:
    """Someone the author talked to about a post: a choice under "Wie hielp?"."""

    user_id: int
    name: str


def has_profile(user: User | None) -> bool:
    """Active accounts have a profile; deleted, suspended, unconfirmed and demo people do not."""
    return user is not None and user.is_active and not user.is_demo


def _member(session: Session, user_id: object) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if not has_profile(user):
        raise NotFound("profile")
    return user


# --- counts ---------------------------------------------------------------------------------

def _matched():
    return sa.and_(Post.status == PostStatus.MATCHED.value, col(Post.deleted_at).is_(None),
                   Post.is_demo == sa.false())


def count_as_helper(*, session: Session, user_id: int) -> int:
    request = sa.and_(Post.kind == PostKind.REQUEST.value, Post.helped_by_id == user_id)
    offer = sa.and_(Post.kind == PostKind.OFFER.value, Post.author_id == user_id,
                    col(Post.helped_by_id).is_not(None))
    return session.exec(select(func.count()).select_from(Post).where(_matched(), sa.or_(request, offer))).one()


def count_as_helped(*, session: Session, user_id: int) -> int:
    named = sa.or_(col(Post.helped_by_id).is_not(None), sa.func.coalesce(Post.helped_by, "") != "")
    request = sa.and_(Post.kind == PostKind.REQUEST.value, Post.author_id == user_id, named)
    offer = sa.and_(Post.kind == PostKind.OFFER.value, Post.helped_by_id == user_id)
    return session.exec(select(func.count()).select_from(Post).where(_matched(), sa.or_(request, offer))).one()


def list_thanks(*, session: Session, user_id: int, viewer: User | None) -> list[Thanks]:
    """Thank-yous on matched posts that name the member, that `viewer` may read (the post's own
    rule, posts.readable_by), newest first."""
    from buuv_app.services.posts import readable_by

    Author = aliased(User, name="thanks_author")
    rows = session.exec(
        select(Post.id, Post.title, Post.thank_you, Author.display_name)
        .join(Author, Post.author_id == Author.id)
        .where(_matched(), Post.helped_by_id == user_id, sa.func.coalesce(Post.thank_you, "") != "",
               readable_by(viewer))
        .order_by(col(Post.matched_at).desc(), col(Post.id).desc()).limit(THANKS_SHOWN)
    ).all()
    return [Thanks(post_id=r[0], post_title=r[1], text=r[2], author_name=r[3]) for r in rows]


# --- reading a profile ----------------------------------------------------------------------

def get_profile(*, session: Session, viewer: User | None, user_id: object) -> Profile:
    """The profile of `user_id` for `viewer`. PermissionDenied (logged) for a visitor; NotFound
    for an unknown id or someone without a profile (deleted, suspended, demo)."""
    if not permissions.is_member(viewer):
        raise permissions.refuse(viewer, "view_profile", f"user={user_id!r}"[:80])
    user = _member(session, user_id)
    home = session.get(Neighbourhood, user.home_neighbourhood_id) if user.home_neighbourhood_id else None
    return Profile(
        id=user.id, first_name=user.display_name, neighbourhood_name=home.name if home else "",
        member_since=user.created_at,
        helped_count=count_as_helper(session=session, user_id=user.id),
        was_helped_count=count_as_helped(session=session, user_id=user.id),
        thanks=list_thanks(session=session, user_id=user.id, viewer=viewer),
        intro=user.intro or "", photo_key=user.photo_key,
        verified=verification.is_verified(session, user),
    )


def profile_photo_access(*, session: Session, key: str, viewer: User | None) -> bool | None:
    """None when `key` is no profile photo; else whether `viewer` may see it (members, while the
    account has a profile)."""
    owner = session.exec(select(User).where(User.photo_key == key)).first()
    if owner is None:
        return None
    if permissions.is_member(viewer) and has_profile(owner):
        return True
    permissions.refuse(viewer, "view_profile_photo", f"user={owner.id}")
    return False


# --- editing one's own ------------------------------------------------------------------------

def clean_intro(raw: object) -> str:
    """Plain text of at most INTRO_MAX characters; HTML refused (not stripped: nothing is saved)."""
    text = raw if isinstance(raw, str) else ""
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if len(text) > INTRO_MAX:
        raise ValidationError("intro", TOO_LONG, max=INTRO_MAX)
    if _HTML.search(text):
        raise ValidationError("intro", NO_HTML)
    return text


def update_intro(*, session: Session, actor: User, intro: object) -> User:
    """Save the caller's own introduction (empty removes it)."""
    if not permissions.is_member(actor):
        raise permissions.refuse(actor, "edit_profile", "intro")
    text = clean_intro(intro)
    user = session.get(User, actor.id)
    user.intro = text or None
    session.add(user)
    session.commit()
    return user


def set_photo(*, session: Session, actor: User, data: bytes) -> User:
    """Clean and store an uploaded photo (services/photos.py: re-encoded, no EXIF) as the
    caller's profile photo; the old one goes. Nothing changes when the upload is refused."""
    if not permissions.is_member(actor):
        raise permissions.refuse(actor, "edit_profile", "photo")
    stored = photos.store_photo(data=data)  # ValidationError("photo", ...) before anything is written
    user = session.get(User, actor.id)
    old = user.photo_key
    user.photo_key = stored.key
    session.add(user)
    try:
        session.commit()
    except BaseException:
        photos.delete_photo(stored.key)
        raise
    if old:
        photos.delete_photo(old)
    return user


def remove_photo(*, session: Session, actor: User) -> User:
    if not permissions.is_member(actor):
        raise permissions.refuse(actor, "edit_profile", "photo")
    user = session.get(User, actor.id)
    old, user.photo_key = user.photo_key, None
    session.add(user)
    session.commit()
    if old:
        photos.delete_photo(old)
    return user


# --- "wie hielp?" ---------------------------------------------------------------------------

def helper_choices(*, session: Session, actor: User, post_id: object) -> list[HelperChoice]:
    """The people who wrote to `actor` about their own post (its conversations), who may be named
    under "Wie hielp?". NotFound for no such post; PermissionDenied (logged) for someone else's."""
    post = session.get(Post, post_id) if isinstance(post_id, int) and not isinstance(post_id, bool) else None
    if post is None or post.deleted_at is not None:
        raise NotFound("post")
    permissions.check_can_edit_post(actor, post)
    rows = session.exec(
        select(User).join(Conversation, Conversation.responder_id == User.id)
        .where(Conversation.post_id == post.id, Conversation.contact_id == actor.id, User.id != actor.id)
        .order_by(col(Conversation.created_at), col(Conversation.id))
    ).all()
    return [HelperChoice(user_id=u.id, name=u.display_name) for u in rows if has_profile(u)]


def check_helper(*, session: Session, actor: User, post_id: int, helper_id: object) -> int:
    """`helper_id` if it is one of helper_choices, else ValidationError("helped_by_id")."""
    if helper_id in {c.user_id for c in helper_choices(session=session, actor=actor, post_id=post_id)}:
        return helper_id
    raise ValidationError("helped_by_id", NOT_A_CHOICE)

"""Requests and offers: create them, list the open ones, read one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from buuv_app.errors import NotFound, ValidationError
from buuv_app.i18n import N_
from buuv_app.models import (
    BODY_MAX,
    POST_LIFETIME,
    TITLE_MAX,
    Category,
    Municipality,
    Neighbourhood,
    Post,
    PostKind,
    PostStatus,
    User,
    utcnow,
)
from buuv_app.services import permissions

EXCERPT_LENGTH = 160
# Statuses in which a post still asks for a reaction and so appears in feeds.
VISIBLE_STATUSES = (PostStatus.OPEN.value, PostStatus.IN_CONTACT.value)


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


@dataclass(frozen=True)
class PostDetail(PostSummary):
    body: str
    expires_at: datetime


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of `text`, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + "…"


def _summary_query():
    return (
        select(Post, Category, Neighbourhood, Municipality, User)
        .join(Category, Post.category_id == Category.id)
        .join(Neighbourhood, Post.neighbourhood_id == Neighbourhood.id)
        .join(Municipality, Neighbourhood.municipality_id == Municipality.id)
        .join(User, Post.author_id == User.id)
    )


def _summary_fields(post, category, neighbourhood, municipality, author) -> dict:
    return dict(
        id=post.id,
        kind=post.kind,
        status=post.status,
        title=post.title,
        excerpt=excerpt(post.body),
        category_slug=category.slug,
        category_name_nl=category.name_nl,
        category_name_en=category.name_en,
        category_icon=category.icon,
        neighbourhood_slug=neighbourhood.slug,
        neighbourhood_name=neighbourhood.name,
        municipality_name=municipality.name,
        author_name=author.display_name,
        is_demo=post.is_demo,
        created_at=post.created_at,
    )


def list_open_posts(
    *,
    session: Session,
    neighbourhood_id: int | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> list[PostSummary]:
    """Posts that still want a reaction, newest first; one neighbourhood or all of them."""
    query = _summary_query().where(
        col(Post.status).in_(VISIBLE_STATUSES), Post.expires_at > (now or utcnow())
    )
    if neighbourhood_id is not None:
        query = query.where(Post.neighbourhood_id == neighbourhood_id)
    query = query.order_by(col(Post.created_at).desc(), col(Post.id).desc()).limit(limit)
    return [PostSummary(**_summary_fields(*row)) for row in session.exec(query).all()]


def get_post_detail(*, session: Session, post_id: int) -> PostDetail | None:
    """One post with everything its public page shows, or None."""
    row = session.exec(_summary_query().where(Post.id == post_id)).first()
    return _detail(row) if row is not None else None


def clean_title(raw: str) -> str:
    title = " ".join((raw or "").split())
    if not title:
        raise ValidationError("title", N_("Geef je bericht een titel."))
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


def create_post(
    *,
    session: Session,
    author: User,
    kind: str,
    title: str,
    body: str,
    category_slug: str,
    neighbourhood_slug: str,
    created_at: datetime | None = None,
    is_demo: bool = False,
) -> Post:
    """Validate and store a new open post. Raises ValidationError naming the field at fault."""
    if kind not in {k.value for k in PostKind}:
        raise ValidationError("kind", N_("Kies of je hulp vraagt of aanbiedt."))
    title = clean_title(title)
    body = clean_body(body)
    category = session.exec(select(Category).where(Category.slug == category_slug)).first()
    if category is None:
        raise ValidationError("category", N_("Kies een categorie uit de lijst."))
    neighbourhood = session.exec(
        select(Neighbourhood).where(Neighbourhood.slug == neighbourhood_slug)
    ).first()
    if neighbourhood is None:
        raise ValidationError("neighbourhood", N_("Kies een buurt uit de lijst."))
    created = created_at or utcnow()
    post = Post(
        kind=kind,
        title=title,
        body=body,
        category_id=category.id,
        neighbourhood_id=neighbourhood.id,
        author_id=author.id,
        is_demo=is_demo,
        created_at=created,
        updated_at=created,
        expires_at=created + POST_LIFETIME,
    )
    session.add(post)
    session.commit()
    session.refresh(post)
    return post


def _detail(row) -> PostDetail:
    post = row[0]
    return PostDetail(**_summary_fields(*row), body=post.body, expires_at=post.expires_at)


def list_posts_by_author(*, session: Session, author_id: int) -> list[PostDetail]:
    """All posts of one author, whatever their status, newest first."""
    query = _summary_query().where(Post.author_id == author_id).order_by(
        col(Post.created_at).desc(), col(Post.id).desc())
    return [_detail(row) for row in session.exec(query).all()]


def _own_post(session: Session, actor: User, post_id: int) -> Post:
    post = session.get(Post, post_id) if isinstance(post_id, int) else None
    if post is None:
        raise NotFound("post")
    permissions.check_can_edit_post(actor, post)
    return post


def update_post(*, session: Session, actor: User, post_id: int, title: str, body: str) -> Post:
    """Change the title and text of your own post."""
    post = _own_post(session, actor, post_id)
    post.title = clean_title(title)
    post.body = clean_body(body)
    post.updated_at = utcnow()
    session.add(post)
    session.commit()
    return post


def delete_post(*, session: Session, actor: User, post_id: int) -> None:
    """Remove your own post for good."""
    session.delete(_own_post(session, actor, post_id))
    session.commit()

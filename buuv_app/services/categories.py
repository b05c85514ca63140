"""Categories of help."""

from __future__ import annotations

from sqlmodel import Session, select

from buuv_app.models import Category


def list_categories(*, session: Session) -> list[Category]:
    return list(session.exec(select(Category).order_by(Category.sort_order, Category.id)).all())


def get_category_by_slug(*, session: Session, slug: str) -> Category | None:
    return session.exec(select(Category).where(Category.slug == slug)).first()

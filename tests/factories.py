"""Factories for test data: each builds a valid row and takes overrides, e.g. make_post(s, kind="offer")."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlmodel import Session, func, select

from buuv_app.models import Category, Municipality, Neighbourhood, Post, User, utcnow
from buuv_app.models.post import POST_LIFETIME
from buuv_app.services.codes import new_code

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def _save(session: Session, row):
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def count_rows(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def make_municipality(session: Session, **overrides) -> Municipality:
    n = _n()
    values = {"slug": f"gemeente-{n}", "name": f"Gemeente {n}"} | overrides
    return _save(session, Municipality(**values))


def make_neighbourhood(session: Session, municipality: Municipality | None = None, **overrides) -> Neighbourhood:
    municipality = municipality or make_municipality(session)
    n = _n()
    values = {
        "slug": f"wijk-{n}",
        "name": f"Wijk {n}",
        "municipality_id": municipality.id,
        "district": None,
        "sort_order": n,
    } | overrides
    return _save(session, Neighbourhood(**values))


def make_category(session: Session, **overrides) -> Category:
    n = _n()
    values = {
        "slug": f"categorie-{n}",
        "name_nl": f"Categorie {n}",
        "name_en": f"Category {n}",
        "icon": "users",
        "sort_order": n,
    } | overrides
    return _save(session, Category(**values))


def make_user(session: Session, neighbourhood: Neighbourhood | None = None, **overrides) -> User:
    n = _n()
    values = {
        "display_name": f"Buur {n}",
        "email": f"buur{n}@example.org",
        "home_neighbourhood_id": neighbourhood.id if neighbourhood else None,
    } | overrides
    return _save(session, User(**values))


def make_member(
    session: Session, neighbourhood: Neighbourhood | None = None, *, password: str = "een lange zin om te onthouden",
    **overrides,
) -> User:
    """A confirmed account that can log in with `password`."""
    from buuv_app.services.passwords import hash_password

    neighbourhood = neighbourhood or make_neighbourhood(session)
    now = utcnow()
    values = {
        "password_hash": hash_password(password),
        "email_verified_at": now,
        "accepted_terms_at": now,
        "confirmed_16_plus_at": now,
    } | overrides
    return make_user(session, neighbourhood, **values)


def make_post(
    session: Session,
    *,
    author: User | None = None,
    neighbourhood: Neighbourhood | None = None,
    category: Category | None = None,
    created_at: datetime | None = None,
    **overrides,
) -> Post:
    neighbourhood = neighbourhood or make_neighbourhood(session)
    category = category or make_category(session)
    author = author or make_user(session, neighbourhood)
    created = created_at or utcnow()
    n = _n()
    values = {
        "short_code": new_code(),
        "kind": "request",
        "title": f"Wie helpt mij met klus {n}?",
        "body": "Ik zoek iemand die een uurtje kan helpen.",
        "category_id": category.id,
        "neighbourhood_id": neighbourhood.id,
        "author_id": author.id,
        "created_at": created,
        "updated_at": created,
        "expires_at": created + POST_LIFETIME,
    } | overrides
    return _save(session, Post(**values))


def make_conversation(session: Session, post: Post, responder: User, *, created_at: datetime | None = None,
                      **overrides):
    """`responder` reacted to `post` at `created_at`: a conversation with the post's author."""
    from buuv_app.models import Conversation

    created = created_at or utcnow()
    from buuv_app.services import stats_facts

    values = {"post_id": post.id, "responder_id": responder.id, "contact_id": post.author_id,
              "created_at": created, "last_message_at": created} | overrides
    conversation = _save(session, Conversation(**values))
    # What messaging.start_conversation does after a conversation starts: the figures' facts.
    stats_facts.reaction_added(session=session, post_id=post.id, responder_id=conversation.responder_id)
    session.commit()
    return conversation


def make_message(session: Session, conversation, sender: User, *, created_at: datetime | None = None, **overrides):
    from buuv_app.models import Message

    values = {"conversation_id": conversation.id, "sender_id": sender.id, "client_id": f"test-{_n()}",
              "body": "Ik kan helpen!", "created_at": created_at or utcnow()} | overrides
    return _save(session, Message(**values))

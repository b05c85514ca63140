"""Facts stored for the back office's figures (services/stats.py), kept current on write.

- `post.first_reaction_at`: the moment of a post's first reaction, online or on paper (time to
  the first reaction, requests that ran out unanswered, "act now" read it instead of looking
  through every conversation and paper reaction);
- `first_contact`: when each pair of people first got in contact, everywhere, per municipality
  and per wijk (new ties count its rows instead of grouping every conversation by pair).

Each fact has one function that recomputes it from its source rows (conversations, paper
reactions, posts) for the rows a write touched. The services that write those rows call it in
the same transaction; `python -m buuv_app.cli rebuild-figures`, the migration that made the facts
and the bench call it for everything (`rebuild`). So a stored fact is, by construction, what a
live reading of the source rows gives.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from buuv_app.models import Conversation, FirstContact, Neighbourhood, PaperReaction, Post
from buuv_app.models.stats import EVERYWHERE, MUNICIPALITY, WIJK


def _ids(values: Iterable[int | None]) -> list[int]:
    return sorted({v for v in values if v is not None})


def refresh_first_reactions(*, session: Session, post_ids: Iterable[int] | None) -> None:
    """post.first_reaction_at anew from the posts' conversations and paper reactions (None: all posts)."""
    online = select(sa.func.min(Conversation.created_at)).where(Conversation.post_id == Post.id).scalar_subquery()
    paper = select(sa.func.min(PaperReaction.created_at)).where(PaperReaction.post_id == Post.id).scalar_subquery()
    first = sa.case((online.is_(None), paper), (paper.is_(None), online), (paper < online, paper), else_=online)
    update = sa.update(Post).values(first_reaction_at=first)
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
    # The caller's post objects get the new value without being expired: sessions here keep
    # objects loaded after commit, and handlers may read them once the session is closed.
    loaded = {key[1][0]: obj for key, obj in session.identity_map.items() if key[0] is Post and key[1][0] in ids}
    if loaded:
        for post_id, at in session.exec(select(Post.id, Post.first_reaction_at)
                                        .where(col(Post.id).in_(sorted(loaded)))).all():
            set_committed_value(loaded[post_id], "first_reaction_at", at)


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

"""Private conversations: reply to a post, send messages exactly once, read and block (reporting: services/moderation.py).

A conversation is between the responder and the post's contact person (its author). Only those
two can read or write in it. A message carries an id made on the sending device; storing it
under a unique constraint makes a resend after a dropped connection a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from buuv_app import routes
from buuv_app.errors import NotFound, Throttled, ValidationError
from buuv_app.i18n import N_, gettext
from buuv_app.models import (
    MESSAGE_MAX,
    Block,
    Conversation,
    ConversationRead,
    LiveView,
    Message,
    Neighbour,
    Post,
    PostStatus,
    User,
    Visibility,
    utcnow,
)
from buuv_app.services import codes, mail, notifications, permissions, stats_facts, verification
from buuv_app.services.permissions import Action
from buuv_app.services.accounts import DELETED_NAME
from buuv_app.services import posts
from buuv_app.services.posts import excerpt
from buuv_app.settings import get_settings

# A member's first day: room to arrange help (a burst of messages back and forth), not to spam
# (a message a minute at most after the burst, and only a few new conversations).
NEW_ACCOUNT_AGE = timedelta(days=1)
NEW_ACCOUNT_BURST = 5  # messages a new member may send in any one minute
NEW_ACCOUNT_BURST_WINDOW = timedelta(minutes=1)
NEW_ACCOUNT_CONVERSATIONS = 5  # conversations a new member may start in their first day
MAIL_INTERVAL = timedelta(hours=1)  # at most one "new messages" mail per conversation per hour
ONLINE_TOUCH = timedelta(seconds=40)
LIVE_FOR = timedelta(minutes=2)  # a tab that has not checked in for this long is not pushed to (nor counted as seen)
HOURLY_LIMIT = 30
OPEN_STATUSES = (PostStatus.OPEN.value, PostStatus.IN_CONTACT.value)


@dataclass(frozen=True)
class InboxItem:
    conversation_id: int
    post_id: int
    post_title: str
    other_name: str
    last_message: str
    last_message_at: datetime
    unread: int
    neighbour_name: str = ""  # for an ambassador: the neighbour the post was placed for
    post_removed: bool = False  # its author deleted the post (the conversation stays)
    other_verified: bool = False  # the other one is a verified neighbour (★)
    last_mine: bool = False  # the last message is the user's own ("Jij: ...")
    # For the helper: the other person is the ambassador who placed the post for this neighbour.
    ambassador_for: str = ""


@dataclass(frozen=True)
class MessageView:
    id: int
    mine: bool
    sender_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ConversationView:
    id: int
    post_id: int
    post_title: str
    post_open: bool
    other_id: int
    other_name: str
    messages: list[MessageView]
    blocked: bool
    neighbour_name: str = ""  # for an ambassador: the neighbour the post was placed for
    post_removed: bool = False  # its author deleted the post: the conversation stays, the post is gone
    other_verified: bool = False  # the other one is a verified neighbour (★)
    # For the helper: the other person is the ambassador who placed the post for this neighbour.
    ambassador_for: str = ""


def _display_name(user: User | None) -> str:
    return DELETED_NAME if user is None or user.deleted_at is not None else user.display_name


def _neighbour_labels(session: Session, user: User, posts: list[Post]) -> dict[int, str]:
    """post id -> first name of the neighbour `user` placed it for as their ambassador."""
    placed = {p.id: p.neighbour_id for p in posts if p.neighbour_id is not None and p.ambassador_id == user.id}
    if not placed:
        return {}
    names = dict(session.exec(select(Neighbour.id, Neighbour.first_name).where(
        col(Neighbour.id).in_(list(set(placed.values()))))).all())
    return {post_id: names.get(neighbour_id, "") for post_id, neighbour_id in placed.items()}


def _ambassador_labels(session: Session, others: dict[int, tuple[Post, int]]) -> dict[int, str]:
    """conversation id -> first name of the neighbour whose post it is about, where the other person in
    it is the ambassador who placed that post (and the neighbour has not taken it over): the helper
    writes to the ambassador, who passes it on. The same first name the post page shows."""
    placed = {cid: post.neighbour_id for cid, (post, other_id) in others.items()
              if post.neighbour_id is not None and post.ambassador_id == other_id and post.author_id == other_id}
    if not placed:
        return {}
    names = dict(session.exec(select(Neighbour.id, Neighbour.first_name).where(
        col(Neighbour.id).in_(list(set(placed.values()))))).all())
    return {cid: names.get(neighbour_id, "") for cid, neighbour_id in placed.items()}


def is_blocked_between(session: Session, a: int, b: int) -> bool:
    return session.exec(_BLOCK_BETWEEN, params={"a": a, "b": b}).first() is not None


# The statements every message runs are built once, with their values as parameters: SQLAlchemy
# keeps the key to its statement cache on a statement object used again, instead of walking a new
# one each time (about half the Python time of a simple query on a slow machine).
_A, _B = sa.bindparam("a", type_=sa.Integer), sa.bindparam("b", type_=sa.Integer)
_BLOCK_BETWEEN = select(Block.blocker_id).where(sa.or_(
    sa.and_(Block.blocker_id == _A, Block.blocked_id == _B), sa.and_(Block.blocker_id == _B, Block.blocked_id == _A)))
_SENT_WITH_ID = select(Message).where(Message.sender_id == sa.bindparam("sender_id"),
                                      Message.client_id == sa.bindparam("client_id"))
_SENT_SINCE = (select(Message.created_at).where(Message.sender_id == sa.bindparam("sender_id"),
                                                Message.created_at > sa.bindparam("since"))
               .order_by(col(Message.created_at)).limit(sa.bindparam("n")))
_LIVE_VIEWS = select(LiveView.client_token, LiveView.conversation_id, LiveView.visible).where(
    LiveView.user_id == sa.bindparam("user_id"), LiveView.updated_at > sa.bindparam("since"))
# The conversation's first message (its push says "reageerde op je oproep"): none before it.
_EARLIER = select(Message.id).where(Message.conversation_id == sa.bindparam("conversation_id"),
                                    Message.id < sa.bindparam("message_id")).limit(1)
_IN_VIEW = select(LiveView.visible).where(LiveView.client_token == sa.bindparam("client_token"))
_AFTER = (select(Message).where(Message.conversation_id == sa.bindparam("conversation_id"),
                                Message.id > sa.bindparam("after_id")).order_by(col(Message.id)))


def _participant(session: Session, user: User | None, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id) if isinstance(conversation_id, int) else None
    if conversation is None:
        raise NotFound("conversation")
    permissions.check_can_read_conversation(user, conversation)
    return conversation


def _other(conversation: Conversation, user: User) -> int:
    return conversation.contact_id if user.id == conversation.responder_id else conversation.responder_id


# --- starting and sending -------------------------------------------------------------------

def start_conversation(*, session: Session, user: User, post_id: int, now: datetime | None = None) -> Conversation:
    """"Reageer": open (or reopen) the conversation between `user` and the post's contact person.
    A member in their first day starts at most NEW_ACCOUNT_CONVERSATIONS (reopening is free)."""
    permissions.check(user, Action.USE_MESSAGES, f"start_conversation post={post_id}")
    post = session.get(Post, post_id) if isinstance(post_id, int) else None
    if post is None or (post.hidden_at is not None and post.author_id != user.id):
        raise NotFound("post")
    if post.author_id == user.id:
        raise ValidationError("post", N_("Dit is je eigen oproep. Reacties vind je bij Berichten."))
    existing = session.exec(select(Conversation).where(
        Conversation.post_id == post.id, Conversation.responder_id == user.id)).first()
    if existing is not None:
        return existing
    if post.status not in OPEN_STATUSES or post.expires_at <= utcnow():
        raise ValidationError("post", N_("Deze oproep is afgerond; reageren kan niet meer."))
    if is_blocked_between(session, user.id, post.author_id):
        raise ValidationError("post", N_("Je kunt deze buur geen bericht sturen."))
    # A post for verified neighbours only: who may not read it may not answer it either
    # (posts.readable_by, checked the same way as its page).
    if post.visibility == Visibility.VERIFIED.value and not posts.can_read_post(
            session=session, viewer=user, post_id=post.id):
        raise permissions.refuse(user, "start_conversation_verified_only", f"post={post.id}")
    contact = session.get(User, post.author_id)
    if contact is not None and contact.messages_verified_only and not verification.is_verified(session, user):
        raise ValidationError("post", N_("Deze buur ontvangt alleen berichten van geverifieerde buren. Word zelf "
                                         "geverifieerde buur met de wijkcode van het prikbord, of via een ambassadeur."))
    now = now or utcnow()
    _check_new_conversations(session, user, now)
    conversation = Conversation(post_id=post.id, responder_id=user.id, contact_id=post.author_id, created_at=now,
                                last_message_at=now)
    session.add(conversation)
    if post.status == PostStatus.OPEN.value:
        post.status = PostStatus.IN_CONTACT.value
        session.add(post)
    session.flush()
    stats_facts.reaction_added(session=session, post_id=post.id, responder_id=user.id)
    session.commit()
    session.refresh(conversation)
    return conversation


def _is_new(user: User, now: datetime) -> bool:
    return now - user.created_at < NEW_ACCOUNT_AGE


def _check_new_conversations(session: Session, user: User, now: datetime) -> None:
    if not _is_new(user, now):
        return
    started = session.exec(select(func.count()).select_from(Conversation).where(
        Conversation.responder_id == user.id, Conversation.created_at > now - NEW_ACCOUNT_AGE)).one()
    if started >= NEW_ACCOUNT_CONVERSATIONS:
        raise ValidationError(
            "post", N_("In je eerste dag op BUUV kun je op {max} oproepen reageren. Morgen kan het weer; "
                       "in je gesprekken kun je gewoon verder schrijven."), max=NEW_ACCOUNT_CONVERSATIONS)


def _check_rate(session: Session, user: User, now: datetime) -> None:
    if _is_new(user, now):
        burst = session.exec(_SENT_SINCE, params={"sender_id": user.id, "since": now - NEW_ACCOUNT_BURST_WINDOW,
                                                  "n": NEW_ACCOUNT_BURST}).all()
        if len(burst) >= NEW_ACCOUNT_BURST:
            raise Throttled(int((burst[0] + NEW_ACCOUNT_BURST_WINDOW - now).total_seconds()) + 1)
    recent = session.exec(_SENT_SINCE, params={"sender_id": user.id, "since": now - timedelta(hours=1),
                                               "n": HOURLY_LIMIT}).all()
    if len(recent) >= HOURLY_LIMIT:
        raise Throttled(int((recent[0] + timedelta(hours=1) - now).total_seconds()) + 1)


def _check_body(body: object) -> str:
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationError("message", N_("Typ eerst een bericht."))
    if len(text) > MESSAGE_MAX:
        raise ValidationError("message", N_("Een bericht mag hoogstens {max} tekens lang zijn."), max=MESSAGE_MAX)
    return text


def other_participant(*, session: Session, user: User, conversation_id: int) -> int:
    """The other person in a conversation `user` takes part in."""
    return _other(_participant(session, user, conversation_id), user)


def send_message(
    *, session: Session, user: User, conversation_id: int, client_id: str, body: str,
    now: datetime | None = None,
) -> Message:
    """Store a message once. Sending the same `client_id` again returns the stored message."""
    conversation = _participant(session, user, conversation_id)
    if not isinstance(client_id, str) or not codes.DEVICE_ID.match(client_id):
        _check_body(body)  # the reason a device gives no id: nothing (or too much) was typed
        raise ValidationError("message", N_("Dit bericht kon niet worden verstuurd. Probeer het opnieuw."))
    existing = session.exec(_SENT_WITH_ID, params={"sender_id": user.id, "client_id": client_id}).first()
    if existing is not None:
        permissions.check_same_conversation(user, existing.conversation_id, conversation)
        return existing
    text = _check_body(body)
    post = session.get(Post, conversation.post_id)
    if post is None or post.status == PostStatus.CLOSED.value:
        raise ValidationError("message", N_("Deze oproep is gesloten; je kunt hier niet meer schrijven."))
    other_id = _other(conversation, user)
    other = session.get(User, other_id)
    if other is None or other.deleted_at is not None:
        raise ValidationError("message", N_("Deze buur heeft BUUV verlaten."))
    if is_blocked_between(session, user.id, other_id):
        raise ValidationError("message", N_("Je kunt deze buur geen bericht sturen."))
    now = now or utcnow()
    _check_rate(session, user, now)
    message = Message(conversation_id=conversation.id, sender_id=user.id, client_id=client_id, body=text,
                      created_at=now)
    conversation.last_message_at = now
    session.add_all([message, conversation])
    try:
        session.commit()
    except IntegrityError:
        # The same device id arrived twice at once (a retry racing the original): keep the first.
        session.rollback()
        return session.exec(_SENT_WITH_ID, params={"sender_id": user.id, "client_id": client_id}).one()
    _mark_read(session, conversation.id, user.id, message.id)
    # The recipient's open tabs, read once: whether one is in view stops both the mail and the push.
    tabs = live_views(session=session, user_id=other.id, now=now)
    _mail_if_away(session, conversation, other, user, now, looking=any(visible for _, _, visible in tabs))
    _push(session, conversation, other, user, message, tabs)
    return message


def _push(session: Session, conversation: Conversation, recipient: User, sender: User, message: Message,
          tabs: list[tuple[str, int | None, bool]]) -> None:
    """A push to the recipient's devices, unless this conversation is in view on one of them right
    now (`tabs`: their live_views; open in a hidden tab or on a locked phone still gets the push)."""
    if any(open_id == conversation.id and visible for _, open_id, visible in tabs):
        return
    first = sender.id == conversation.responder_id and session.exec(
        _EARLIER, params={"conversation_id": conversation.id, "message_id": message.id}).first() is None
    notifications.notify_message(session=session, recipient=recipient, sender=sender, conversation_id=conversation.id,
                                 message_id=message.id, text=message.body, first=first)


def _mail_if_away(session: Session, conversation: Conversation, recipient: User, sender: User, now: datetime,
                  looking: bool) -> None:
    """Mail `recipient` about new messages unless a tab of theirs is in view right now (`looking`; a
    hidden tab or a locked phone does not count: nobody sees its badge), at most once an hour per
    conversation, unless they turned these mails off."""
    if not recipient.message_mail or not recipient.email or not recipient.is_active or looking:
        return
    read = session.get(ConversationRead, (conversation.id, recipient.id)) or ConversationRead(
        conversation_id=conversation.id, user_id=recipient.id, last_read_message_id=0)
    if read.last_mailed_at is not None and now - read.last_mailed_at < MAIL_INTERVAL:
        return
    read.last_mailed_at = now
    session.add(read)
    base = get_settings().public_url.rstrip("/")
    mail.send_mail(
        session=session, to=recipient.email,
        subject=gettext(N_("Nieuw bericht van {name} op BUUV"), "nl", name=sender.display_name),
        body=gettext(
            N_("Hallo {name},\n\n{sender} stuurde je een bericht op BUUV. Lees en beantwoord het hier:\n"
               "{link}\n\nWil je deze mails niet meer? Zet ze uit met één klik (inloggen hoeft niet):\n"
               "{unsubscribe}\n\nGroet,\nBUUV"),
            "nl", name=recipient.display_name, sender=sender.display_name,
            link=f"{base}{routes.conversation_url(conversation.id)}",
            unsubscribe=f"{base}{routes.UNSUBSCRIBE}?token={notifications.unsubscribe_token('berichten', recipient.id)}",
        ),
    )


def mark_online(*, session: Session, user: User, now: datetime | None = None) -> None:
    """Note that a page of the app is open for `user` (written at most once a minute)."""
    now = now or utcnow()
    if user.last_online_at is None or now - user.last_online_at >= ONLINE_TOUCH:
        session.exec(sa.update(User).where(User.id == user.id).values(last_online_at=now))
        session.commit()




def set_message_mail(*, session: Session, user: User, enabled: bool) -> None:
    user.message_mail = bool(enabled)
    session.add(user)
    session.commit()


# --- reading --------------------------------------------------------------------------------

def _mark_read(session: Session, conversation_id: int, user_id: int, message_id: int) -> None:
    read = session.get(ConversationRead, (conversation_id, user_id))
    if read is None:
        read = ConversationRead(conversation_id=conversation_id, user_id=user_id, last_read_message_id=0)
    if message_id > read.last_read_message_id:
        read.last_read_message_id = message_id
        session.add(read)
        session.commit()


def _message_views(session: Session, conversation: Conversation, user: User, rows: list[Message],
                   other_name: str | None = None) -> list[MessageView]:
    """Messages as `user` sees them; the other person's name is looked up only when needed."""
    other_id = _other(conversation, user)
    names = {user.id: user.display_name}
    if other_name is not None:
        names[other_id] = other_name
    elif any(m.sender_id == other_id for m in rows):
        names[other_id] = _display_name(session.get(User, other_id))
    return [MessageView(id=m.id, mine=m.sender_id == user.id, sender_name=names.get(m.sender_id, DELETED_NAME),
                        body=m.body, created_at=m.created_at) for m in rows]


def open_conversation(*, session: Session, user: User, conversation_id: int, after_id: int = 0) -> ConversationView:
    """The conversation with its messages after `after_id`. Reading marks nothing: a message is
    read only once the page says it was in view (mark_seen)."""
    conversation = _participant(session, user, conversation_id)
    post = session.get(Post, conversation.post_id)
    other_id = _other(conversation, user)
    other_name = _display_name(session.get(User, other_id))
    rows = session.exec(select(Message).where(
        Message.conversation_id == conversation.id, Message.id > after_id).order_by(col(Message.id))).all()
    messages = _message_views(session, conversation, user, rows, other_name=other_name)
    return ConversationView(
        id=conversation.id, post_id=conversation.post_id, post_title=post.title if post else "",
        post_open=post is not None and post.status != PostStatus.CLOSED.value,
        other_id=other_id, other_name=other_name, messages=messages,
        blocked=is_blocked_between(session, user.id, other_id),
        neighbour_name=_neighbour_labels(session, user, [post] if post else []).get(conversation.post_id, ""),
        post_removed=post is None or post.deleted_at is not None,
        other_verified=bool(verification.verified_ids(session=session, user_ids=[other_id])),
        ambassador_for=_ambassador_labels(session, {conversation.id: (post, other_id)} if post else {}).get(
            conversation.id, ""),
    )


def new_messages(*, session: Session, user: User, conversation_id: int, after_id: int) -> list[MessageView]:
    """Only the messages after `after_id`: what an open conversation needs when a message arrives
    or was sent, without the rest of open_conversation's view (nothing is marked read)."""
    conversation = _participant(session, user, conversation_id)
    rows = session.exec(_AFTER, params={"conversation_id": conversation.id, "after_id": after_id}).all()
    return _message_views(session, conversation, user, rows) if rows else []


def unread_messages(*, session: Session, user: User, conversation_id: int, limit: int = 50) -> list[MessageView]:
    """The messages of a conversation after the last one `user` read (at most `limit`, the newest)."""
    conversation = _participant(session, user, conversation_id)
    read = session.get(ConversationRead, (conversation.id, user.id))
    rows = list(reversed(session.exec(select(Message).where(
        Message.conversation_id == conversation.id,
        Message.id > (read.last_read_message_id if read else 0)).order_by(col(Message.id).desc()).limit(limit)).all()))
    return _message_views(session, conversation, user, rows)


def mark_seen(*, session: Session, user: User, conversation_id: int, message_id: int) -> int:
    """`user`'s page showed this conversation, in view, up to `message_id` (the page says so:
    assets/seen.js). Only a participant, and only messages of this conversation that exist: an id
    beyond the newest cannot mark tomorrow's messages read. Returns the id now read up to."""
    conversation = _participant(session, user, conversation_id)
    if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id <= 0:
        return 0
    upto = session.exec(select(func.max(Message.id)).where(
        Message.conversation_id == conversation.id, Message.id <= message_id)).one()
    if upto:
        _mark_read(session, conversation.id, user.id, upto)
    return upto or 0


def _unread_counts(user_id):
    last_read = (select(ConversationRead.last_read_message_id)
                 .where(ConversationRead.conversation_id == Message.conversation_id,
                        ConversationRead.user_id == user_id).correlate(Message).scalar_subquery())
    return (select(Message.conversation_id, func.count())
            .where(Message.sender_id != user_id, Message.id > func.coalesce(last_read, 0))
            .group_by(Message.conversation_id))


def list_inbox(*, session: Session, user: User) -> list[InboxItem]:
    """The user's conversations, newest activity first, with the last message and unread count."""
    permissions.check(user, Action.USE_MESSAGES, "list_inbox")
    conversations = session.exec(select(Conversation).where(sa.or_(
        Conversation.responder_id == user.id, Conversation.contact_id == user.id))
        .order_by(col(Conversation.last_message_at).desc())).all()
    if not conversations:
        return []
    ids = [c.id for c in conversations]
    unread = dict(session.exec(_unread_counts(user.id).where(col(Message.conversation_id).in_(ids))).all())
    last_ids = select(func.max(Message.id)).where(col(Message.conversation_id).in_(ids)).group_by(Message.conversation_id)
    last = {m.conversation_id: m for m in session.exec(select(Message).where(col(Message.id).in_(last_ids))).all()}
    posts_by_id = {p.id: p for p in session.exec(select(Post).where(col(Post.id).in_([c.post_id for c in conversations])))}
    others = {u.id: u for u in session.exec(select(User).where(col(User.id).in_([_other(c, user) for c in conversations])))}
    neighbour_names = _neighbour_labels(session, user, list(posts_by_id.values()))
    verified = verification.verified_ids(session=session, user_ids=list(others))
    ambassador_for = _ambassador_labels(session, {c.id: (posts_by_id[c.post_id], _other(c, user))
                                                  for c in conversations if c.post_id in posts_by_id})
    return [
        InboxItem(
            conversation_id=c.id, post_id=c.post_id,
            post_title=posts_by_id[c.post_id].title if c.post_id in posts_by_id else "",
            other_name=_display_name(others.get(_other(c, user))),
            last_message=excerpt(last[c.id].body, 80) if c.id in last else "",
            last_message_at=c.last_message_at, unread=unread.get(c.id, 0),
            neighbour_name=neighbour_names.get(c.post_id, ""),
            post_removed=c.post_id not in posts_by_id or posts_by_id[c.post_id].deleted_at is not None,
            other_verified=_other(c, user) in verified,
            last_mine=c.id in last and last[c.id].sender_id == user.id,
            ambassador_for=ambassador_for.get(c.id, ""),
        )
        for c in conversations
    ]


def _unread_counts_of_member():
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    mine = select(Conversation.id).where(sa.or_(Conversation.responder_id == user_id, Conversation.contact_id == user_id))
    return _unread_counts(user_id).add_columns(func.max(Message.id)).where(col(Message.conversation_id).in_(mine))


# Asked at every page, every badge watcher's beat and every message's arrival in an open tab:
# built once (SQLAlchemy then keeps its cache key).
_UNREAD_COUNTS = _unread_counts_of_member()


def unread_counts(*, session: Session, user: User | None) -> dict[int, tuple[int, int]]:
    """conversation id -> (unread messages, the newest one's id), for the member's conversations
    that have any: a watcher that saw no newer id than before has nothing new to show."""
    if not permissions.is_member(user):
        return {}
    return {conversation_id: (n, newest)
            for conversation_id, n, newest in session.exec(_UNREAD_COUNTS, params={"user_id": user.id}).all()}


def unread_total(*, session: Session, user: User | None) -> int:
    """Unread messages over all of a member's conversations (the badge)."""
    return sum(n for n, _ in unread_counts(session=session, user=user).values())


def conversations_about(*, session: Session, user: User, post_id: int) -> list[int]:
    """Ids of the conversations about a post that `user` takes part in (the author sees them all)."""
    return list(session.exec(select(Conversation.id).where(
        Conversation.post_id == post_id,
        sa.or_(Conversation.responder_id == user.id, Conversation.contact_id == user.id))).all())


# --- safety ---------------------------------------------------------------------------------

def block(*, session: Session, user: User, conversation_id: int) -> None:
    """Block the other person of a conversation: no messages either way."""
    conversation = _participant(session, user, conversation_id)
    other_id = _other(conversation, user)
    if session.get(Block, (user.id, other_id)) is None:
        session.add(Block(blocker_id=user.id, blocked_id=other_id))
        session.commit()


def unblock(*, session: Session, user: User, conversation_id: int) -> None:
    conversation = _participant(session, user, conversation_id)
    existing = session.get(Block, (user.id, _other(conversation, user)))
    if existing is not None:
        session.delete(existing)
        session.commit()


def blocked_ids(*, session: Session, user: User | None) -> set[int]:
    """People `user` blocked: their posts are hidden for `user`."""
    if user is None:
        return set()
    return set(session.exec(select(Block.blocked_id).where(Block.blocker_id == user.id)).all())


# --- live views: where to push --------------------------------------------------------------

def note_live_view(*, session: Session, user: User, client_token: str, conversation_id: int | None = None,
                   now: datetime | None = None) -> None:
    """Remember that this tab of `user` is open (showing `conversation_id`, if any)."""
    if not client_token or len(client_token) > 64:
        return
    view = session.get(LiveView, client_token) or LiveView(client_token=client_token, user_id=user.id)
    view.user_id, view.conversation_id, view.updated_at = user.id, conversation_id, now or utcnow()
    session.add(view)
    session.commit()


def forget_live_view(*, session: Session, client_token: str) -> None:
    """This tab no longer belongs to a member (logged out, session ended): nothing is pushed to it."""
    if client_token:
        session.exec(sa.delete(LiveView).where(LiveView.client_token == client_token))
        session.commit()


def touch_live_view(*, session: Session, client_token: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.exec(sa.update(LiveView).where(LiveView.client_token == client_token,
                                           LiveView.updated_at < now - ONLINE_TOUCH).values(updated_at=now))
    session.commit()


def prune_live_views(*, session: Session, now: datetime | None = None) -> int:
    """Housekeeping: forget tabs that have not checked in for a day."""
    result = session.exec(sa.delete(LiveView).where(LiveView.updated_at < (now or utcnow()) - timedelta(days=1)))
    session.commit()
    return result.rowcount or 0


def live_views(*, session: Session, user_id: int, now: datetime | None = None) -> list[tuple[str, int | None, bool]]:
    """(client token, open conversation, in view) of `user_id`'s tabs that are open right now."""
    now = now or utcnow()
    rows = session.exec(_LIVE_VIEWS, params={"user_id": user_id, "since": now - LIVE_FOR}).all()
    return [(token, conversation_id, bool(visible)) for token, conversation_id, visible in rows]


def note_visibility(*, session: Session, user: User, client_token: str, visible: bool,
                    now: datetime | None = None) -> None:
    """This tab of `user` came into view or went out of it (the Page Visibility API, reported by
    the page). Only the caller's own tab: a row of another member's token is left alone.
    The page reports at every message seen in an open conversation: a report that changes nothing
    writes nothing, until the tab's check-in is due (ONLINE_TOUCH, as touch_live_view)."""
    if not client_token or len(client_token) > 64:
        return
    now = now or utcnow()
    view = session.get(LiveView, client_token)
    if view is not None and view.user_id != user.id:
        return
    if view is not None and view.visible == bool(visible) and view.updated_at > now - ONLINE_TOUCH:
        return
    view = view or LiveView(client_token=client_token, user_id=user.id)
    view.visible, view.updated_at = bool(visible), now
    session.add(view)
    session.commit()


def in_view(*, session: Session, client_token: str) -> bool:
    """Whether this tab said last that it is in view (note_visibility)."""
    return bool(session.exec(_IN_VIEW, params={"client_token": client_token}).first())

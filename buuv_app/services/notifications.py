"""Which pushes a member gets, and what they say: small payloads queued for the background sender.

A payload holds an id, a title in the device's language and a link; a message's text only when the
member turned "toon de tekst" on. Each kind has its own setting on /account (NOTIFICATION_SETTINGS)
and its own TTL: a message is stale after a day, a "nog nodig?" question after three.
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from buuv_app import routes
from buuv_app.errors import ValidationError
from buuv_app.i18n import N_, gettext
from buuv_app.models import Message, Post, PushSubscription, User, utcnow
from buuv_app.services import links, mail

# Settings on /account (user columns), in the order shown; push kinds are the ones starting with push_.
NOTIFICATION_SETTINGS = ("push_message", "push_reaction", "push_reminder", "push_moderation", "push_show_text",
                         "message_mail", "digest_mail")
TTL = {"message": 24 * 3600, "reaction": 24 * 3600, "reminder": 3 * 24 * 3600, "moderation": 3 * 24 * 3600}
TEXT_MAX = 120  # a notification shows a few lines; the rest waits in the app
SETTING_OF_KIND = {"message": "push_message", "reaction": "push_reaction", "reminder": "push_reminder",
                   "moderation": "push_moderation"}
# Mails a member stops with one signed link in the mail itself, without logging in:
# the link's `soort` → (the signed link's purpose, the setting it turns off).
MAIL_KINDS = {"digest": ("unsubscribe-digest", "digest_mail"), "berichten": ("unsubscribe-messages", "message_mail")}


def set_notification(*, session: Session, user: User, setting: object, enabled: object) -> None:
    """Turn one kind of push or mail on or off for `user` (only the settings listed above)."""
    if setting not in NOTIFICATION_SETTINGS:
        raise ValidationError("notifications", N_("Deze instelling bestaat niet."))
    setattr(user, setting, enabled is True)
    session.add(user)
    session.commit()


def notify(
    *, session: Session, user: User, kind: str, ref: int, title: str, url: str, text: str | None = None,
    **params: object,
) -> int:
    """Queue a push of `kind` to every device of `user`; returns how many. `title` is a message id,
    translated per device. The caller's transaction is committed."""
    if not user.is_active or not getattr(user, SETTING_OF_KIND[kind]):
        return 0
    devices = session.exec(select(PushSubscription).where(PushSubscription.user_id == user.id)).all()
    for device in devices:
        payload = {"id": f"{kind}-{ref}", "kind": kind, "title": gettext(title, device.locale, **params), "url": url}
        if text and user.push_show_text:
            payload["body"] = text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"
        mail.queue_push(session, subscription_id=device.id, payload=payload, ttl=TTL[kind],
                              urgency="high" if kind == "message" else "normal")
    session.commit()
    return len(devices)


def notify_message(*, session: Session, recipient: User, sender: User, conversation_id: int, message_id: int,
                   text: str, first: bool) -> int:
    """A new message; the first one in a conversation about one's post is a reaction to it."""
    if first:
        return notify(session=session, user=recipient, kind="reaction", ref=message_id,
                      title=N_("{name} heeft gereageerd op je oproep"), name=sender.display_name,
                      url=routes.conversation_url(conversation_id), text=text)
    return notify(session=session, user=recipient, kind="message", ref=message_id,
                  title=N_("Nieuw bericht van {name}"), name=sender.display_name,
                  url=routes.conversation_url(conversation_id), text=text)


def notify_reminder(*, session: Session, author: User, post_id: int, post_title: str) -> int:
    return notify(session=session, user=author, kind="reminder", ref=post_id,
                  title=N_("Nog nodig? \"{post}\" verloopt bijna"), post=post_title,
                  url=routes.post_url(post_id))


def notify_moderation(*, session: Session, user: User, notice_id: int, appeal: bool) -> int:
    """One's report (or appeal against a hidden post) has been handled. The title says only that:
    what was reported and the outcome wait on /account, not on the lock screen."""
    title = N_("Je bezwaar is behandeld") if appeal else N_("Je melding is behandeld")
    return notify(session=session, user=user, kind="moderation", ref=notice_id, title=title, url=routes.ACCOUNT)


def offer_push(*, session: Session, user_id: int, post_id: int) -> bool:
    """Whether to offer "Meldingen aanzetten" on the page of `post_id`: only to its author, only for
    their first post, and once (noted now). Whether this device can take pushes is for the browser."""
    user = session.get(User, user_id)
    post = session.get(Post, post_id)
    if user is None or post is None or post.author_id != user.id or user.push_offered_at is not None:
        return False
    if session.exec(select(func.count()).select_from(Post).where(Post.author_id == user.id)).one() != 1:
        return False
    return _offered(session, user)


def offer_push_after_message(*, session: Session, user_id: int) -> bool:
    """Whether to offer "Meldingen aanzetten" in a conversation: right after the member's first message
    ever, once. A first post or a first message, whichever comes first: both note the same
    push_offered_at, so the offer is made once in all."""
    user = session.get(User, user_id)
    if user is None or user.push_offered_at is not None:
        return False
    if session.exec(select(func.count()).select_from(Message).where(Message.sender_id == user.id)).one() != 1:
        return False
    return _offered(session, user)


def _offered(session: Session, user: User) -> bool:
    user.push_offered_at = utcnow()
    session.add(user)
    session.commit()
    return True


def unsubscribe_token(kind: str, user_id: int) -> str:
    """The signed part of a mail's one-click link that stops `kind` (a key of MAIL_KINDS)."""
    return links.sign(MAIL_KINDS[kind][0], user_id)


def unsubscribe(*, session: Session, kind: object, token: object) -> bool:
    """One click from a mail (no login): no more mail of that kind. False for an unknown kind, a
    forged link, one made for the other kind, or a deleted account."""
    if kind not in MAIL_KINDS or not isinstance(token, str):
        return False
    purpose, setting = MAIL_KINDS[kind]
    user_id = links.verify(purpose, token)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or user.deleted_at is not None:
        return False
    setattr(user, setting, False)
    session.add(user)
    session.commit()
    return True

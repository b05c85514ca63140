"""The "nog nodig?" mail: a few days before a post expires, its author is asked whether to renew it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.i18n import N_, format_date, gettext
from buuv_app.models import Post, User, utcnow
from buuv_app.services import digest, mail, messaging, notifications, photos, posts, push
from buuv_app.settings import get_settings

log = logging.getLogger("buuv.reminders")
INTERVAL_SECONDS = 15 * 60


def send_expiry_reminders(*, session, now: datetime | None = None, locale: str = "nl") -> int:
    """Mail every author whose open post expires soon, once per post; returns how many were sent."""
    now = now or utcnow()
    sent = 0
    for post in posts.posts_needing_reminder(session=session, now=now):
        # Claim the post first: with several workers running this loop, only one wins the
        # update, so nobody gets the same reminder twice.
        claimed = session.exec(
            sa.update(Post).where(Post.id == post.id, col(Post.reminder_sent_at).is_(None))
            .values(reminder_sent_at=now)
        ).rowcount
        session.commit()
        if claimed != 1:
            continue
        author = session.get(User, post.author_id)
        if author is not None and author.email and author.is_active:
            link = f"{get_settings().public_url.rstrip('/')}{routes.post_url(post.id)}"
            mail.send_mail(
                session=session, to=author.email,
                subject=gettext(N_("Nog nodig? Je oproep op BUUV verloopt bijna"), locale),
                body=gettext(
                    N_("Hallo {name},\n\nJe oproep \"{title}\" staat nog tot {date} op BUUV. Nog nodig? "
                       "Verleng hem dan met één klik op:\n{link}\n\nIs het al geregeld? Zet hem dan op "
                       "geholpen of sluit hem; dat helpt andere buren ook.\n\nGroet,\nBUUV"),
                    locale, name=author.display_name, title=post.title,
                    date=format_date(post.expires_at, locale), link=link),
            )
            notifications.notify_reminder(session=session, author=author, post_id=post.id, post_title=post.title)
            sent += 1
    return sent


async def reminder_loop() -> None:
    """Runs beside the app (a Reflex lifespan task): check every quarter of an hour; on Monday
    morning also queue the weekly digest (once per process per week; digest_sent makes it once
    per member however many processes do this)."""
    digest_week = None
    while True:
        now = utcnow()
        if digest.is_send_time(now) and digest_week != digest.week_of(now):
            try:
                def weekly() -> int:
                    with session_scope() as session:
                        return digest.send_weekly(session=session, now=now)

                await asyncio.to_thread(weekly)
                digest_week = digest.week_of(now)
            except Exception:  # noqa: BLE001 (the next round tries again)
                log.exception("queueing the weekly digest failed")
        try:
            def run() -> int:
                with session_scope() as session:
                    photos.sweep_orphans(session=session)  # housekeeping on the same beat
                    messaging.prune_live_views(session=session)
                    push.prune(session=session)
                    mail.prune_sent_pushes(session=session)
                    return send_expiry_reminders(session=session)

            sent = await asyncio.to_thread(run)
            if sent:
                log.info("sent %d 'nog nodig?' reminders", sent)
        except Exception:  # noqa: BLE001 (a bad run must not end the loop; the next one retries)
            log.exception("sending reminders failed")
        await asyncio.sleep(INTERVAL_SECONDS)

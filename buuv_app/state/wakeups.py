"""Waking a member's open tabs when a message arrives for them, instead of every tab polling.

A tab's background watchers (AppState.watch_unread, ConversationState.watch) wait on a `Listener`
here. Sending a message announces (recipient, conversation): within this process the listeners are
woken at once; with several processes (Redis in use, as it is for the tabs' state) the news also
goes out on one Redis pub/sub channel, and every process wakes its own listeners. A woken watcher
reads the database (the only truth) and updates its own tab, in the process that holds the tab's
connection. Exactly one watcher per tab is woken: the open conversation's when the news is about
it (it updates the badge too), else the badge's.

A notification is only a hint: one lost (Redis restarting, a publish failing) costs latency, not a
message, since every watcher still looks for itself at a slow interval, and after the
subscription comes back every listener of the process is woken once to catch up. A woken watcher
takes its tab's state lock only when the database holds something newer than it showed: tabs
reconnecting after a Redis restart must not queue behind their own watchers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

log = logging.getLogger("buuv.wakeups")

CHANNEL = "buuv:messages"
RECONNECT_SECONDS = 1.0
CATCH_UP_SPREAD_SECONDS = 5.0


class Listener:
    """One watcher's doorbell: `wait()` returns when news for its member arrived (True) or after
    `timeout` (False). News that came while the watcher was busy is kept until the next wait."""

    def __init__(self, member_id: int, client_token: str, conversation_id: int | None):
        self.member_id = member_id
        self.client_token = client_token
        self.conversation_id = conversation_id  # None: the badge's watcher
        # A newer watcher of the same kind started in the same tab (a later page): this one ends.
        self.superseded = False
        self._rung = asyncio.Event()

    def ring(self) -> None:
        self._rung.set()

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._rung.wait(), timeout)
        except TimeoutError:
            return False
        self._rung.clear()
        return True


class Bus:
    """The listeners of this process, and (with `redis_url`) the channel shared with the others."""

    def __init__(self, redis_url: str | None = None, channel: str = CHANNEL):
        self.redis_url = redis_url
        self.channel = channel
        self.instance = uuid.uuid4().hex[:12]  # our own publications come back: not rung twice
        self._listeners: dict[int, set[Listener]] = {}
        self._redis = None
        self._subscriber: asyncio.Task | None = None

    @contextlib.contextmanager
    def listen(self, member_id: int, client_token: str, conversation_id: int | None = None) -> Iterator[Listener]:
        """A listener for `member_id`'s news in the tab `client_token` (for one conversation, or
        for the badge), registered for the duration of the block."""
        listener = Listener(member_id, client_token, conversation_id)
        mine = self._listeners.setdefault(member_id, set())
        # A watcher starts only once its page's generation was checked, so a later one here is the
        # newer page's: the older one of the same kind in this tab is told to stop.
        for older in mine:
            if older.client_token == client_token and (older.conversation_id is None) == (conversation_id is None):
                older.superseded = True
                older.ring()
        mine.add(listener)
        self._ensure_subscribed()
        try:
            yield listener
        finally:
            mine = self._listeners.get(member_id)
            if mine is not None:
                mine.discard(listener)
                if not mine:
                    del self._listeners[member_id]

    def ring_here(self, member_id: int, conversation_id: int) -> int:
        """Wake this process's listeners for the news; one per tab. Returns how many."""
        tabs: dict[str, list[Listener]] = {}
        for listener in self._listeners.get(member_id, ()):
            tabs.setdefault(listener.client_token, []).append(listener)
        rung = 0
        for listeners in tabs.values():
            chosen = [l for l in listeners if l.conversation_id == conversation_id] or [
                l for l in listeners if l.conversation_id is None]
            for listener in chosen:
                listener.ring()
                rung += 1
        return rung

    def ring_all(self) -> None:
        """Wake every listener of this process (news may have been missed), spread over a few
        seconds: they come back just when every tab reconnects and reloads."""
        loop = asyncio.get_running_loop()
        for listeners in self._listeners.values():
            for listener in listeners:
                loop.call_later(random.uniform(0, CATCH_UP_SPREAD_SECONDS), listener.ring)

    async def announce(self, member_id: int, conversation_id: int) -> None:
        """`member_id` has news in `conversation_id`: wake their tabs here and in other processes."""
        self.ring_here(member_id, conversation_id)
        if not self.redis_url:
            return
        try:
            await self._client().publish(self.channel, f"{self.instance}:{member_id}:{conversation_id}")
        except Exception:  # noqa: BLE001 (a hint only: the watchers' slow poll still finds it)
            log.warning("announcing news for member %s failed", member_id, exc_info=True)

    def _client(self):
        if self._redis is None:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(self.redis_url, socket_connect_timeout=2, health_check_interval=30)
        return self._redis

    def _ensure_subscribed(self) -> None:
        if self.redis_url and (self._subscriber is None or self._subscriber.done()):
            self._subscriber = asyncio.get_running_loop().create_task(self._subscribe())

    async def _subscribe(self) -> None:
        """Ring our listeners for news announced by any process, as long as anyone listens here."""
        from redis.asyncio import Redis

        # Listeners registered before the subscription was up may have missed news: all look once
        # when it is (and again after every reconnect).
        missed = True
        while self._listeners:
            client = Redis.from_url(self.redis_url, socket_connect_timeout=2)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if missed:
                    self.ring_all()
                    missed = False
                while self._listeners:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is not None:
                        self._on_message(message.get("data"))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 (Redis away: try again; the slow poll covers the gap)
                log.warning("news subscription lost; retrying", exc_info=True)
                missed = True
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()

    def _on_message(self, data: object) -> None:
        text = data.decode() if isinstance(data, bytes) else str(data)
        instance, _, rest = text.partition(":")
        member, _, conversation = rest.partition(":")
        if instance == self.instance or not member.isdigit() or not conversation.isdigit():
            return
        self.ring_here(int(member), int(conversation))


_bus: Bus | None = None


def bus() -> Bus:
    """This process's bus, over Redis when the app uses it (several workers)."""
    global _bus
    if _bus is None:
        from buuv_app.settings import get_settings

        url = get_settings().redis_url or os.environ.get("REFLEX_REDIS_URL")
        # Pub/sub channels are shared by all of a Redis server's databases: one app per database.
        database = urlsplit(url).path.strip("/") if url else ""
        _bus = Bus(redis_url=url, channel=f"{CHANNEL}:{database or '0'}")
    return _bus

"""A message wakes exactly one watcher per open tab of its recipient, in this process and in others."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from buuv_app.state.wakeups import Bus
from tests.aio import run_async

REDIS_URL = "redis://127.0.0.1:6379/0"


def _rung(listener) -> bool:
    return listener._rung.is_set()


def test_news_wakes_the_open_conversations_watcher_and_not_the_badges_in_that_tab():
    async def go():
        bus = Bus()
        with bus.listen(1, "tab-a") as badge_a, bus.listen(1, "tab-a", conversation_id=5) as talk_a, \
                bus.listen(1, "tab-b") as badge_b, bus.listen(1, "tab-c", conversation_id=6) as other_talk_c, \
                bus.listen(1, "tab-c") as badge_c, bus.listen(2, "tab-d") as someone_else:
            assert bus.ring_here(1, 5) == 3
            assert _rung(talk_a) and not _rung(badge_a)  # the open conversation updates the badge too
            assert _rung(badge_b)
            assert _rung(badge_c) and not _rung(other_talk_c)  # another conversation is open there
            assert not _rung(someone_else)

    run_async(go())


def test_news_that_came_while_the_watcher_was_busy_is_kept_for_its_next_wait():
    async def go():
        bus = Bus()
        with bus.listen(1, "tab-a") as listener:
            await bus.announce(1, 5)  # the watcher was reading the database just then
            assert await listener.wait(timeout=5) is True
            assert await listener.wait(timeout=0.01) is False  # once

    run_async(go())


def test_a_closed_watcher_is_forgotten():
    async def go():
        bus = Bus()
        with bus.listen(1, "tab-a"):
            pass
        assert bus.ring_here(1, 5) == 0
        assert bus._listeners == {}

    run_async(go())


@pytest.fixture
def redis_url():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except RedisDown:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    return REDIS_URL


def test_news_announced_in_one_process_wakes_the_tab_held_by_another(redis_url):
    channel = f"buuv:test:{uuid.uuid4().hex}"  # pub/sub channels are shared by every Redis database

    async def go():
        sender, holder = Bus(redis_url, channel), Bus(redis_url, channel)
        with holder.listen(1, "tab-a", conversation_id=5) as listener:
            # A subscription that (re)starts wakes its listeners once: news may have passed meanwhile.
            assert await listener.wait(timeout=10) is True
            await sender.announce(1, 5)
            assert await listener.wait(timeout=10) is True
            await sender.announce(2, 5)  # someone else's news
            assert await listener.wait(timeout=0.5) is False
        await asyncio.sleep(0)
        holder._subscriber.cancel()

    run_async(go())


def test_a_newer_page_in_the_same_tab_supersedes_the_older_watcher_of_its_kind():
    async def go():
        bus = Bus()
        with bus.listen(1, "tab-a") as old_badge, bus.listen(1, "tab-a", conversation_id=5) as old_talk, \
                bus.listen(1, "tab-b") as other_tab:
            with bus.listen(1, "tab-a") as new_badge:
                assert old_badge.superseded and _rung(old_badge)  # it wakes, sees it, and ends
                assert not old_talk.superseded and not other_tab.superseded and not new_badge.superseded
                with bus.listen(1, "tab-a", conversation_id=6):
                    assert old_talk.superseded

    run_async(go())

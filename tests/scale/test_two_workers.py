"""The scaled set-up for real: two backend instances sharing PostgreSQL and Reflex's Redis state
manager. A message written on one instance reaches the other person, connected to the other
instance, live; so does the unread badge.

Needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379): skipped with the reason where they are
missing, except in CI (BUUV_REQUIRE_POSTGRES=1), where a missing service fails the run.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
import redis as redis_client

from buuv_app.db import make_engine
from buuv_app.models import utcnow
from buuv_app.state.account import LoginState
from buuv_app.state.base import AppState
from buuv_app.state.messaging import ConversationState, ReplyState
from tests.appserver import app_environment, free_port, prepare_database, serving
from tests.conftest import postgres_required
from tests.factories import make_member
from tests.security.client import HostileClient, delta_value, parse_update

pytestmark = [pytest.mark.postgres]

REDIS_URL = os.environ.get("BUUV_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PASSWORD = "de Zijl is mooi in de herfst"


def _redis_or_skip() -> None:
    try:
        redis_client.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 (not reachable, whatever the reason)
        reason = f"Redis not reachable at {REDIS_URL}: {error}"
        if postgres_required():
            pytest.fail(f"{reason} (CI must test the scaled set-up)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def two_instances(throwaway_postgres, tmp_path_factory):
    _redis_or_skip()
    database_url = throwaway_postgres()
    redis_client.Redis.from_url(REDIS_URL).flushdb()
    # One worker per instance, so the two clients surely talk to two different processes.
    env = app_environment(database_url, "test-workers", REDIS_URL=REDIS_URL, REFLEX_REDIS_URL=REDIS_URL, WEB_CONCURRENCY="1")
    prepare_database(env, demo=True)
    workdir = tmp_path_factory.mktemp("scaled")
    urls = []
    with serving(env, ["run", "--env", "prod", "--backend-only", "--backend-port", str(port := free_port())],
                 workdir / "a.log", f"http://localhost:{port}"):
        urls.append(f"http://localhost:{port}")
        with serving(env, ["run", "--env", "prod", "--backend-only", "--backend-port", str(port2 := free_port())],
                     workdir / "b.log", f"http://localhost:{port2}"):
            urls.append(f"http://localhost:{port2}")
            yield {"urls": urls, "database_url": database_url}
    redis_client.Redis.from_url(REDIS_URL).flushdb()


def _name(state, handler: str) -> str:
    assert handler in state.event_handlers
    return f"{state.get_full_name()}.{handler}"


def _wait_for(client: HostileClient, var: str, predicate, timeout: float = 8) -> object:
    """Read frames until a delta sets `var` to a value that satisfies `predicate`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            update = parse_update(client._receive(max(0.1, deadline - time.monotonic())))
        except TimeoutError:
            break
        value = delta_value([update], var) if update is not None else None
        if value is not None and predicate(value):
            return value
    raise AssertionError(f"{var} did not arrive within {timeout}s")


def test_a_message_and_the_badge_cross_instances(two_instances):
    from sqlmodel import Session

    from buuv_app.services import posts

    engine = make_engine(two_instances["database_url"])
    with Session(engine, expire_on_commit=False) as db:
        from sqlmodel import select

        from buuv_app.models import Neighbourhood

        place = db.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()
        # Accounts older than a day: new ones may send only one message per 30 seconds.
        old = utcnow() - timedelta(days=30)
        vera = make_member(db, place, email="vera@scale.example", display_name="Vera", password=PASSWORD,
                           created_at=old)
        henk = make_member(db, place, email="henk@scale.example", display_name="Henk", password=PASSWORD,
                           created_at=old)
        post = posts.create_post(session=db, author=vera, kind="request", title="Wie helpt met de tablet?",
                                 body="Ik kom er niet uit.", category_slug="computer", neighbourhood_slug="merenwijk")
    engine.dispose()

    url_a, url_b = two_instances["urls"]
    henk_client = HostileClient(url_a, follow_events=True)
    vera_client = HostileClient(url_b, follow_events=True)
    try:
        for client, person in ((henk_client, henk), (vera_client, vera)):
            client.call(_name(LoginState, "log_in"), {"form": {"email": person.email, "password": PASSWORD}},
                        path="/inloggen")
        # Vera (on instance B) is on the home page: her badge watcher runs there.
        vera_client.call(_name(AppState, "load_viewer"), path="/")

        # Henk (on instance A) responds and writes.
        updates = henk_client.call(_name(ReplyState, "reply"), {"post_id": post.id}, path=f"/hulp/{post.id}")
        conversation_path = next(e["payload"]["path"] for u in updates for e in u.events if e["name"] == "_redirect")
        conversation_id = conversation_path.rsplit("/", 1)[-1]
        query = {"conversation_id": conversation_id}
        henk_client.call(_name(ConversationState, "load_conversation"), path=conversation_path, query=query)
        henk_client.call(_name(ConversationState, "send"), {"form": {"client_id": "henk-device-0001", "message": "Ik kom vanavond!"}},
                         path=conversation_path, query=query)

        # The badge on instance B turns to 1 without Vera doing anything: A announces the message
        # over Redis and her badge watcher on B, woken, fetches it (its own look is a minute away).
        started = time.monotonic()
        assert _wait_for(vera_client, "unread_count", lambda n: n == 1) == 1
        assert time.monotonic() - started < 1.0

        # Vera opens the conversation on B; Henk writes again on A; it arrives on B live.
        vera_client.call(_name(ConversationState, "load_conversation"), path=conversation_path, query=query)
        assert vera_client.saw("Ik kom vanavond!")
        henk_client.call(_name(ConversationState, "send"), {"form": {"client_id": "henk-device-0002", "message": "Om zeven uur?"}},
                         path=conversation_path, query=query)
        _wait_for(vera_client, "messages", lambda rows: any(r.get("body") == "Om zeven uur?" for r in rows),
                  timeout=1.0)
    finally:
        henk_client.close()
        vera_client.close()


def test_a_tab_that_moves_to_the_other_instance_finds_its_state_there_at_once(two_instances):
    """Each instance keeps the tabs it serves in memory for a while (server.OPLOCK_SETTING). A tab
    that reconnects to the other instance (the load balancer sends it there) must find there what it
    did a moment ago on the first: the holder hands the state over when asked, not when its hold ends."""
    from sqlmodel import Session, select

    from buuv_app.models import Neighbourhood
    from buuv_app.state.account import AccountState
    from tests.security.client import reconnect

    engine = make_engine(two_instances["database_url"])
    with Session(engine, expire_on_commit=False) as db:
        place = db.exec(select(Neighbourhood).where(Neighbourhood.slug == "merenwijk")).one()
        ans = make_member(db, place, email=f"ans-{uuid.uuid4().hex[:8]}@scale.example", display_name="Ans",
                          password=PASSWORD)
    engine.dispose()

    url_a, url_b = two_instances["urls"]
    on_a = HostileClient(url_a)
    # Logged in on A: who she is lives in this tab's state (this client hands over no cookie).
    on_a.call(_name(LoginState, "log_in"), {"form": {"email": ans.email, "password": PASSWORD}}, path="/inloggen")
    on_a.close()

    on_b = reconnect(url_b, on_a.token)
    try:
        started = time.monotonic()
        on_b.call(_name(AccountState, "load_account"), path="/account")
        taken = time.monotonic() - started
        assert on_b.saw(ans.email), "the other instance did not have the tab's login"
        assert not on_b.saw("Log eerst in")
        # Handed over on request: A would otherwise keep the tab until its hold ends (5 s).
        assert taken < 4.0, f"the tab's state took {taken:.1f} s to reach the other instance"

        # Logged out on B (on the home page); back on A at once, the tab is logged out there too.
        on_b.call(_name(AppState, "log_out"), path="/")
    finally:
        on_b.close()
    back_on_a = reconnect(url_a, on_a.token)
    try:
        back_on_a.call(_name(AccountState, "load_account"), path="/account")
        assert back_on_a.saw("Log eerst in")
        assert not back_on_a.saw(ans.email)
    finally:
        back_on_a.close()

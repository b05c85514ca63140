"""The production backend's server settings (buuv_app/server.py): gunicorn with our uvicorn worker."""

from __future__ import annotations

import shlex

import pytest
from reflex_base.environment import environment
from uvicorn.config import Config

from buuv_app import server
from tests.aio import run_async


def _config() -> Config:
    """The uvicorn Config BackendWorker builds, around an app that answers with the client address."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["client"][0].encode()})

    config = Config(app=app, **server.BackendWorker.CONFIG_KWARGS)
    config.load()
    return config


def _client_seen(config: Config, peer: str, forwarded_for: str) -> str:
    """What the app takes for the client address of a request from `peer` carrying X-Forwarded-For."""
    body = bytearray()

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        body.extend(message.get("body", b""))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "path": "/",
             "raw_path": b"/", "query_string": b"", "scheme": "http", "client": (peer, 50000),
             "server": ("127.0.0.1", 8000), "headers": [(b"x-forwarded-for", forwarded_for.encode())]}
    run_async(config.loaded_app(scope, receive, send))
    return body.decode()


def test_a_local_client_cannot_choose_its_address_with_x_forwarded_for():
    # Reflex's REFLEX_TRUSTED_PROXY_HOPS is the one rule for X-Forwarded-For (the rate limits key on
    # the address); uvicorn's own handling would believe any client on 127.0.0.1.
    assert _client_seen(_config(), "127.0.0.1", "203.0.113.9") == "127.0.0.1"


def test_websocket_messages_are_capped_but_never_below_what_engine_io_accepts():
    config = _config()
    engine_io_limit = environment.REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE.get()  # characters
    assert 4 * engine_io_limit <= config.ws_max_size < 16 * 1024 * 1024  # uvicorn's default: 16 MiB
    assert config.ws_protocol_class.__module__.endswith("wsproto_impl")


def test_the_backend_uses_our_worker_and_one_process_unless_told():
    args = shlex.split(server.gunicorn_args({}, redis_url=None))
    assert args[args.index("--worker-class") + 1] == server.WORKER_CLASS
    assert "--workers" not in args  # gunicorn's default: one worker (or WEB_CONCURRENCY)


@pytest.mark.parametrize("environ, workers", [
    ({}, "several"),
    ({"WEB_CONCURRENCY": "1"}, None),  # deploy/: one worker per backend unit
])
def test_with_redis_reflex_rule_for_workers_holds_unless_web_concurrency_says(environ, workers):
    args = shlex.split(server.gunicorn_args(environ, redis_url="redis://127.0.0.1:6379/0"))
    if workers is None:
        assert "--workers" not in args
    else:
        assert int(args[args.index("--workers") + 1]) >= 3


def test_options_from_the_environment_come_after_ours_and_are_not_doubled():
    first = server.gunicorn_args({"GUNICORN_CMD_ARGS": "--timeout 60"}, redis_url=None)
    assert first.endswith("--timeout 60")
    assert server.gunicorn_args({"GUNICORN_CMD_ARGS": first}, redis_url=None) == first


@pytest.mark.parametrize("redis_url, preset, kept", [
    ("redis://127.0.0.1:6379/0", None, True),  # several backends: each keeps the tabs it serves
    ("redis://127.0.0.1:6379/0", "false", False),  # an operator's choice stands
    (None, None, False),  # one backend: no Redis, nothing to keep
])
def test_with_redis_a_backend_keeps_the_tabs_it_serves_unless_told(monkeypatch, redis_url, preset, kept):
    from redis.asyncio import Redis
    from reflex.istate.manager.redis import StateManagerRedis

    monkeypatch.setenv("GUNICORN_CMD_ARGS", "")  # restored afterwards (configure() sets it)
    # Set, then removed: monkeypatch then restores the setting as it was, whatever configure() does.
    monkeypatch.setenv(server.OPLOCK_SETTING, "")
    monkeypatch.delenv(server.OPLOCK_SETTING)
    if preset is not None:
        monkeypatch.setenv(server.OPLOCK_SETTING, preset)
    server.configure(redis_url)
    manager = StateManagerRedis(redis=Redis.from_url("redis://127.0.0.1:6379/15"))  # not connected
    assert manager._oplock_enabled is kept

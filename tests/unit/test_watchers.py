"""A tab runs at most one of each background watcher, however often a client calls it."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest

from buuv_app.state import base as base_state
from buuv_app.state import messaging as messaging_state
from buuv_app.state import wakeups
from tests.aio import run_async


class _Stop(Exception):
    pass


class FakeTab(SimpleNamespace):
    """Just enough of a state for the watchers' own code (the permission wrapper is tested elsewhere)."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def _user(self):
        return SimpleNamespace(id=7)


def _raw(handler):
    fn = handler.fn
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def _runs(fn, tab, generation) -> bool:
    """True when the watcher got as far as its polling loop."""

    async def go():
        try:
            result = fn(tab, generation)
            if inspect.isasyncgen(result):
                async for _ in result:
                    pass
            else:
                await result
        except _Stop:
            return True
        return False

    return run_async(go())


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    def listen(*_args, **_kwargs):
        raise _Stop  # it starts listening for news: this watcher runs

    monkeypatch.setattr(wakeups.Bus, "listen", listen)


@pytest.mark.parametrize("handler, generation_var, running_var", [
    (messaging_state.ConversationState.watch, "_watch_generation", "_watching"),
    (base_state.AppState.watch_unread, "_unread_watch", "_unread_watching"),
])
def test_a_repeated_watcher_call_starts_nothing(handler, generation_var, running_var):
    fn = _raw(handler)
    tab = FakeTab(**{generation_var: 3, running_var: 0}, auth_token="t", conversation_id=1, _last_id=0,
                  _last_page_at=0.0, router=SimpleNamespace(session=SimpleNamespace(client_token="c")))
    assert _runs(fn, tab, 3)
    assert not _runs(fn, tab, 3)  # the same generation again: already running
    assert not _runs(fn, tab, 2)  # an old one
    assert not _runs(fn, tab, 9)  # one the server never started
    setattr(tab, generation_var, 4)  # the next page starts its own
    assert _runs(fn, tab, 4)

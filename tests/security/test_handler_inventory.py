"""Every event handler of ours says who may call it: @public, or @guarded by a named permission.

Reflex turns every method without a leading underscore into a handler any websocket client can
call; this fails as soon as one slips in without a marker.
"""

from __future__ import annotations

import importlib
import pkgutil

import reflex as rx

import buuv_app.state
from buuv_app.services.permissions import RULES, Action
from buuv_app.state.access import PUBLIC, access_of


def our_state_classes() -> list[type[rx.State]]:
    for module in pkgutil.walk_packages(buuv_app.state.__path__, "buuv_app.state."):
        importlib.import_module(module.name)
    seen, stack = [], [rx.State]
    while stack:
        cls = stack.pop()
        for sub in cls.get_substates():
            stack.append(sub)
            if sub.__module__.startswith("buuv_app."):
                seen.append(sub)
    return seen


def our_handlers():
    for cls in our_state_classes():
        for name, event_handler in cls.event_handlers.items():
            fn = event_handler.fn
            if getattr(fn, "__module__", "").startswith("buuv_app."):
                yield cls, name, fn


def test_the_walk_finds_our_states_and_handlers():
    names = {cls.__name__ for cls in our_state_classes()}
    assert {"AppState", "AccountState", "LoginState", "AmbassadorsState", "ProfessionalsState",
            "ManageBoardsState", "PaperReactionState", "StatsState", "PageAccessState"} <= names
    assert len(list(our_handlers())) > 20


def test_every_handler_is_public_or_guarded_by_a_named_permission():
    unmarked = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls, name, fn in our_handlers()
        if access_of(fn) != PUBLIC and not isinstance(access_of(fn), Action)
    ]
    assert unmarked == [], f"handlers without @public or @guarded(Action.X): {unmarked}"


def test_every_guarding_permission_has_a_rule():
    used = {access_of(fn) for _, _, fn in our_handlers() if isinstance(access_of(fn), Action)}
    assert used <= set(RULES)


def test_handlers_that_touch_accounts_are_guarded():
    # Public handlers may only read public data or be the way in (log in, sign up, reset).
    public = {f"{cls.__name__}.{name}" for cls, name, fn in our_handlers() if access_of(fn) == PUBLIC}
    for cls, name, fn in our_handlers():
        if cls.__name__ in {"AccountState", "AmbassadorsState", "ProfessionalsState", "ManageBoardsState",
                            "PaperReactionState", "StatsState"}:
            assert f"{cls.__name__}.{name}" not in public, f"{cls.__name__}.{name} must be guarded"


def test_every_http_route_under_api_says_who_may_call_it():
    from buuv_app.api import create_api

    routes = create_api().routes
    assert routes and all(route.path.startswith("/api/") for route in routes)
    unmarked = [route.path for route in routes if access_of(route.endpoint) is None]
    assert unmarked == []

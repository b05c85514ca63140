"""Setting up a hostile client: a real handler's full name, a connection, a member logged in over it.

Shared by every test_hostile_* file (and the scale drills), so that each test states only the
attack and what must not change.
"""

from __future__ import annotations

from reflex.state import UpdateVarsInternalState

from buuv_app.state.account import LoginState
from buuv_app.state.base import AppState
from tests.e2e.auth import PASSWORD
from tests.security.client import HostileClient, delta_value


def handler(state, name: str) -> str:
    """The full name a client calls `state.name` by."""
    # A misspelt handler would be ignored by the server and make a test pass for nothing.
    assert name in state.event_handlers, f"{state.__name__} has no handler {name}"
    return f"{state.get_full_name()}.{name}"


def connect(app_url: str, *, forwarded_for: str | None = None) -> HostileClient:
    """A new hostile client (from `forwarded_for`, else the client's default address). On a loaded
    machine the server's opening frame now and then only arrives with its first ping, 25 s later:
    a fresh connection is tried instead of failing on the transport rather than on what a test
    checks."""
    address = {} if forwarded_for is None else {"forwarded_for": forwarded_for}
    for _ in range(2):
        try:
            return HostileClient(app_url, **address)
        except TimeoutError:
            continue
    return HostileClient(app_url, **address)


def logged_in(app_url: str, email: str, *, forwarded_for: str | None = None) -> HostileClient:
    """A client logged in as the member with `email` (test password); its session token is kept in
    `client.session_token`. A login that fails fails the test: the refusals after it would prove
    nothing."""
    client = connect(app_url, forwarded_for=forwarded_for)
    updates = client.call(handler(LoginState, "log_in"), {"form": {"email": email, "password": PASSWORD}},
                          path="/inloggen")
    token = delta_value(updates, "auth_token")
    if not token:
        client.close()
    assert token, f"{email} could not log in: the test would prove nothing"
    client.session_token = token
    return client


def offline_post(client_id: str, **extra) -> dict:
    """A request as the device's outbox hands it to PostOutboxState.place."""
    return {"client_id": client_id, "kind": "request", "title": "Wie helpt met de gordijnen?",
            "body": "Ze moeten op de rails.", "category": "klussen", "neighbourhood": "merenwijk", **extra}


# How the browser hands cookie and localStorage values to the server; any client can send it.
UPDATE_VARS = f"{UpdateVarsInternalState.get_full_name()}.update_vars_internal"


def with_token(app_url: str, token: str) -> HostileClient:
    """A new connection that presents `token` as its session (a copied cookie, another tab)."""
    client = HostileClient(app_url)
    client.call(UPDATE_VARS, {"vars": {f"{AppState.get_full_name()}.auth_token_rx_state_": token}})
    return client

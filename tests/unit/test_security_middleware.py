"""The ASGI door in front of the app: security headers everywhere, and uploads refused before
their body is read (buuv_app/security/)."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from buuv_app.security import headers, middleware
from buuv_app.services import sessions
from buuv_app.settings import Settings
from tests.factories import make_member

LIMIT = 1000


class _Spy:
    """A stand-in for Reflex's upload route that records how much of the body it got to read."""

    def __init__(self):
        self.read = None

    async def upload(self, request: Request):
        body = b""
        async for chunk in request.stream():
            body += chunk
        self.read = len(body)
        return JSONResponse({"read": len(body)})


@pytest.fixture
def spy(engine, monkeypatch):
    monkeypatch.setattr(middleware, "session_scope", lambda: Session(engine, expire_on_commit=False))
    return _Spy()


@pytest.fixture
def client(spy):
    async def page(_request):
        return PlainTextResponse("hallo")

    app = Starlette(routes=[Route("/", page), Route("/_upload", spy.upload, methods=["POST"])])
    return TestClient(middleware.SecurityMiddleware(app, upload_limit=LIMIT))


@pytest.fixture
def member_cookie(session):
    user = make_member(session)
    return {middleware.SESSION_COOKIE: sessions.create_session(session=session, user=user)}


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    assert response.text == "hallo"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response.headers["referrer-policy"] == headers.REFERRER_POLICY
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_strict_transport_security_only_when_served_over_https():
    assert "Strict-Transport-Security" not in headers.security_headers(Settings(public_url="http://localhost:3000"))
    secure = headers.security_headers(Settings(public_url="https://buuv.example"))
    assert secure["Strict-Transport-Security"].startswith("max-age=")
    assert "wss://buuv.example" in secure["Content-Security-Policy"]


def test_only_the_public_address_may_call_from_a_browser():
    assert headers.allowed_origins(Settings(public_url="https://buuv.example/")) == ["https://buuv.example"]


def test_a_visitor_cannot_upload_and_nothing_is_read(client, spy):
    response = client.post("/_upload", content=b"x" * 10)
    assert response.status_code == 401
    assert spy.read is None


def test_a_stale_session_cookie_is_a_visitor(client, spy):
    client.cookies.set(middleware.SESSION_COOKIE, "made-up")
    response = client.post("/_upload", content=b"x" * 10)
    assert response.status_code == 401
    assert spy.read is None


def test_a_member_can_upload_within_the_limit(client, spy, member_cookie):
    client.cookies.update(member_cookie)
    response = client.post("/_upload", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert spy.read == LIMIT


def test_an_upload_announced_over_the_limit_is_refused_before_it_is_read(client, spy, member_cookie):
    client.cookies.update(member_cookie)
    response = client.post("/_upload", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert spy.read is None


def test_an_upload_that_hides_its_length_is_cut_off_at_the_limit(client, spy, member_cookie):
    client.cookies.update(member_cookie)
    def chunks():  # no Content-Length: sent chunked
        for _ in range(50):
            yield b"x" * 100

    response = client.post("/_upload", content=chunks())
    assert response.status_code == 413
    assert spy.read is None

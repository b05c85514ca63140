"""Verification handlers called directly over the websocket, and the sheet PDF asked for by anyone:
a visitor, a resident, an ambassador of another municipality are refused and change nothing; a
brute-forcing client stops at the limit; an unverified member neither reads nor answers a post for
verified neighbours; the wijk code is never sent to anyone but a board's keepers. The allowed
callers (positive controls) get through with the same calls."""

from __future__ import annotations

import io
from datetime import date

import httpx
import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    Conversation,
    ModerationAction,
    Municipality,
    User,
    Verification,
    utcnow,
)
from buuv_app.services import posts, verification
from buuv_app.state.messaging import ReplyState
from buuv_app.state.post import PostState
from buuv_app.state.verification import VerificationState
from tests.e2e.auth import create_member, unique_email
from tests.security.client import HostileClient
from tests.security.hostile import handler, logged_in

pytestmark = pytest.mark.security

PATH = "/verifieer"
BOARD = "voorbeeld-bibliotheek-merenwijk"
SECRET_TITLE = "Alleen voor geverifieerde buren: mijn sleutel ligt onder de mat"


def snapshot(db: Session) -> dict:
    db.rollback()
    return {
        "verifications": [(v.id, v.user_id, v.method, v.revoked_at) for v in
                          db.exec(select(Verification).order_by(Verification.id)).all()],
        "choices": sorted((u.id, u.messages_verified_only) for u in db.exec(select(User)).all()),
        "audit": len(db.exec(select(ModerationAction)).all()),
        "conversations": len(db.exec(select(Conversation)).all()),
    }


@pytest.fixture
def cast(app_db):
    from buuv_app.models import Neighbourhood

    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    oude_dorp = app_db.exec(select(Neighbourhood).where(Neighbourhood.slug == "oude-dorp")).one()
    board = app_db.exec(select(BoardLocation).where(BoardLocation.slug == BOARD)).one()
    keeper = create_member(app_db, email=unique_email("keeper"), display_name="Keeper", role="ambassador")
    app_db.add(BoardAmbassador(board_id=board.id, user_id=keeper.id))
    app_db.commit()
    verified = create_member(app_db, email=unique_email("ria"), display_name="Ria")
    record = verification.confirm_in_person(session=app_db, actor=keeper, email=verified.email, meeting="known",
                                            met_on=utcnow().date())
    post = posts.create_post(session=app_db, author=verified, kind="request", title=SECRET_TITLE,
                             body="Alleen voor buren die echt hier wonen.", category_slug="klussen",
                             neighbourhood_slug="merenwijk", visibility="verified")
    dorp_ambassador = create_member(app_db, email=unique_email("dirk"), display_name="Dirk", role="ambassador")
    dorp_ambassador.home_neighbourhood_id = oude_dorp.id
    app_db.add(dorp_ambassador)
    app_db.commit()
    return {
        "board": board, "keeper": keeper, "verified": verified, "record": record, "post": post,
        "code": verification.display_code(verification.board_code(board.id, verification.month_of(utcnow()))),
        "resident": create_member(app_db, email=unique_email("mallory"), display_name="Mallory"),
        "target": create_member(app_db, email=unique_email("henk"), display_name="Henk"),
        "dorp_ambassador": dorp_ambassador,
        "professional": create_member(app_db, email=unique_email("prof"), role="professional",
                                      municipality_id=leiden.id),
    }


def _attack(client: HostileClient, cast: dict) -> str:
    """The handlers a resident must not use to change others, with forged arguments."""
    texts = []
    for name, payload in (
        ("confirm_neighbour", {"form": {"email": cast["target"].email, "meeting": "known",
                                        "met_on": date.today().isoformat()}}),
        ("revoke_verification", {"form": {"verification_id": str(cast["record"].id), "reason": "weg ermee"}}),
        ("revoke_verification", {"form": {"verification_id": "1; DROP TABLE user", "reason": "x" * 20_000}}),
    ):
        texts.extend(u.text for u in client.call(handler(VerificationState, name), payload, path=PATH))
    return "".join(texts)


def test_a_visitor_is_sent_to_log_in_and_nothing_changes(app_url, app_db, cast):
    before = snapshot(app_db)
    client = HostileClient(app_url)
    try:
        answers = _attack(client, cast)
        for name, payload in (("load_verification", {}), ("enter_code", {"form": {"code": cast["code"]}}),
                              ("choose_verified_messages", {"enabled": True})):
            answers += "".join(u.text for u in client.call(handler(VerificationState, name), payload, path=PATH))
        assert "/inloggen" in answers and cast["code"] not in answers
        assert not client.saw(cast["verified"].display_name)
    finally:
        client.close()
    assert snapshot(app_db) == before


def test_a_resident_cannot_confirm_or_revoke_anyone(app_url, app_db, cast):
    before = snapshot(app_db)
    client = logged_in(app_url, cast["resident"].email)
    try:
        assert "Dat mag je niet doen" in _attack(client, cast)
        # Loading the page shows a resident nothing of other members.
        client.call(handler(VerificationState, "load_verification"), path=PATH)
        assert not client.saw(cast["verified"].display_name) and not client.saw(cast["code"])
    finally:
        client.close()
    assert snapshot(app_db) == before


def test_an_ambassador_of_another_municipality_is_refused(app_url, app_db, cast):
    before = snapshot(app_db)
    client = logged_in(app_url, cast["dorp_ambassador"].email)
    try:
        answers = _attack(client, cast)
        assert "eigen gemeente" in answers  # confirming: a clear message, nothing saved
        assert "Dat mag je niet doen" in answers  # revoking is for professionals only
    finally:
        client.close()
    assert snapshot(app_db) == before


def test_guessing_codes_stops_at_the_limit(app_url, app_db, cast):
    client = logged_in(app_url, cast["resident"].email)
    try:
        answers = ""
        for n in range(verification.WRONG_CODE_LIMIT + 2):
            answers += "".join(u.text for u in client.call(handler(VerificationState, "enter_code"),
                                                           {"form": {"code": f"ZZZ{n:03d}"}}, path=PATH))
        assert "Te veel verkeerde codes" in answers
        # The right code now waits too; a payload of the wrong type is just a wrong code.
        answers = "".join(u.text for u in client.call(handler(VerificationState, "enter_code"),
                                                      {"form": {"code": cast["code"]}}, path=PATH))
        assert "Te veel verkeerde codes" in answers
        client.call(handler(VerificationState, "enter_code"), {"form": ["not", "a", "dict"]}, path=PATH)
    finally:
        client.close()
    app_db.rollback()
    assert not verification.is_verified(app_db, app_db.get(User, cast["resident"].id))


def test_an_unverified_member_neither_reads_nor_answers_a_verified_only_post(app_url, app_db, cast):
    before = snapshot(app_db)
    client = logged_in(app_url, cast["resident"].email)
    post_path = f"/hulp/{cast['post'].id}"
    try:
        client.call(handler(PostState, "load_post"), path=post_path)
        client.call(handler(PostState, "open_code"), path=f"/c/{cast['post'].short_code}")
        client.call(handler(ReplyState, "reply"), {"post_id": cast["post"].id}, path=post_path)
        assert not client.saw(SECRET_TITLE)
    finally:
        client.close()
    assert snapshot(app_db) == before


def _session_token(app_url: str, email: str) -> str:
    """A real session token (the cookie a logged-in browser sends along for the PDF)."""
    client = logged_in(app_url, email)
    client.close()
    return client.session_token


def test_the_code_is_in_no_sheet_but_the_keepers(app_url, app_db, cast):
    url = f"{app_url}/api/boards/{BOARD}/sheet.pdf"

    def sheet_text(token: str | None = None) -> tuple[str, httpx.Response]:
        response = httpx.get(url, cookies={"buuv_session": token} if token else None, timeout=60)
        assert response.status_code == 200
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages), response

    anonymous, response = sheet_text()
    assert cast["code"] not in anonymous and "Wijkcode" not in anonymous
    assert response.headers["cache-control"] == "no-cache"
    for who in ("resident", "dorp_ambassador"):
        text, _ = sheet_text(_session_token(app_url, cast[who].email))
        assert cast["code"] not in text
    text, response = sheet_text(_session_token(app_url, cast["keeper"].email))
    assert "Wijkcode voor verificatie" in text and cast["code"] in text
    assert response.headers["cache-control"] == "private, no-store"


def test_the_allowed_callers_do_get_through(app_url, app_db, cast):
    """The positive control: the same calls work for the ambassador and the professional."""
    client = logged_in(app_url, cast["keeper"].email)
    try:
        client.call(handler(VerificationState, "confirm_neighbour"),
                    {"form": {"email": cast["target"].email, "meeting": "home_visit",
                              "met_on": utcnow().date().isoformat()}}, path=PATH)
    finally:
        client.close()
    app_db.rollback()
    assert verification.is_verified(app_db, app_db.get(User, cast["target"].id))

    client = logged_in(app_url, cast["professional"].email)
    try:
        client.call(handler(VerificationState, "load_verification"), path=PATH)
        assert client.saw(cast["verified"].display_name)
        client.call(handler(VerificationState, "revoke_verification"),
                    {"form": {"verification_id": str(cast["record"].id), "reason": "Verhuisd volgens buren"}},
                    path=PATH)
    finally:
        client.close()
    app_db.rollback()
    assert app_db.get(Verification, cast["record"].id).revoked_at is not None

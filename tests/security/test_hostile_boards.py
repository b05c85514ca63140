"""Board and ambassador handlers called directly over the websocket: a resident, a visitor and an
ambassador who does not keep the board are refused and change nothing; the professional and the
keeper (positive controls) get through with the same calls."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from buuv_app.models import BoardAmbassador, BoardLocation, BoardNeighbourhood, PaperReaction, Post
from buuv_app.services import codes
from buuv_app.state.boards import PaperReactionState
from buuv_app.state.manage.boards import ManageBoardsState
from tests.e2e.auth import create_member, unique_email
from tests.factories import make_post
from tests.security.client import HostileClient
from tests.security.hostile import handler, logged_in

pytestmark = pytest.mark.security

SLUG = "voorbeeld-bibliotheek-stevenshof"
FULL_FORM = {
    "name": "Gekaapt prikbord", "address": "Nergens 1", "desk_text": "Bel Mallory", "phone": "06 12345678",
    "wijk-schenkwijk": "on", "wijk-kloosterhof": "on",
}


def board_snapshot(db: Session) -> dict:
    db.rollback()
    return {
        "boards": [(b.id, b.slug, b.name, b.address, b.desk_text, b.phone, b.is_sample)
                   for b in db.exec(select(BoardLocation).order_by(BoardLocation.id)).all()],
        "wijken": sorted((link.board_id, link.neighbourhood_id) for link in db.exec(select(BoardNeighbourhood)).all()),
        "keepers": sorted((link.board_id, link.user_id) for link in db.exec(select(BoardAmbassador)).all()),
        "reactions": [(r.id, r.post_id, r.board_id) for r in db.exec(select(PaperReaction)).all()],
        "posts": [(p.id, p.status) for p in db.exec(select(Post).order_by(Post.id)).all()],
    }


@pytest.fixture
def cast(app_db):
    from buuv_app.models import Municipality, Neighbourhood

    leiden = app_db.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    schenkwijk = app_db.exec(select(Neighbourhood).where(Neighbourhood.slug == "schenkwijk")).one()
    board = app_db.exec(select(BoardLocation).where(BoardLocation.slug == SLUG)).one()
    keeper = create_member(app_db, email=unique_email("keeper"), display_name="Geheime Keeper", role="ambassador")
    outsider = create_member(app_db, email=unique_email("ambassadeur"), display_name="Andere Ambassadeur",
                             role="ambassador")
    app_db.add(BoardAmbassador(board_id=board.id, user_id=keeper.id))
    app_db.commit()
    return {
        "board": board,
        "keeper": keeper,
        "outsider": outsider,
        "resident": create_member(app_db, email=unique_email("mallory"), display_name="Mallory"),
        "professional": create_member(app_db, email=unique_email("prof"), role="professional",
                                      municipality_id=leiden.id),
        "post": make_post(app_db, neighbourhood=schenkwijk, title="Wie helpt in de Stevenshof?"),
    }


def _attack(client: HostileClient, cast: dict) -> str:
    """Every board and paper-reaction handler, with forged arguments; returns all that came back."""
    code = codes.display(cast["post"].short_code)
    texts = []
    for state, name, payload, path in (
        (ManageBoardsState, "load_boards", {}, "/beheer/prikborden"),
        (ManageBoardsState, "edit_board", {"slug": SLUG}, "/beheer/prikborden"),
        (ManageBoardsState, "new_board", {}, "/beheer/prikborden"),
        (ManageBoardsState, "save_board", {"form": FULL_FORM}, "/beheer/prikborden"),
        (ManageBoardsState, "cancel_edit", {}, "/beheer/prikborden"),
        (PaperReactionState, "load_reaction_boards", {}, "/ambassadeur/prikborden"),
        (PaperReactionState, "record_reaction", {"form": {"board": SLUG, "code": code, "note": "nep"}},
         "/ambassadeur/prikborden"),
    ):
        texts.extend(u.text for u in client.call(handler(state, name), payload, path=path))
    return "".join(texts)


@pytest.mark.parametrize("who", ["resident", "outsider"])
def test_a_resident_or_another_ambassador_is_refused_everywhere_and_nothing_changes(app_url, app_db, cast, who):
    before = board_snapshot(app_db)
    client = logged_in(app_url, cast[who].email)
    try:
        answers = _attack(client, cast)
        assert "Dat mag je niet doen" in answers
        assert not client.saw("Geheime Keeper")  # who keeps a board is for professionals only
    finally:
        client.close()
    assert board_snapshot(app_db) == before


def test_a_visitor_is_sent_to_log_in_and_nothing_changes(app_url, app_db, cast):
    before = board_snapshot(app_db)
    client = HostileClient(app_url)
    try:
        assert "/inloggen" in _attack(client, cast)
        assert not client.saw("Geheime Keeper")
    finally:
        client.close()
    assert board_snapshot(app_db) == before


def test_the_keeper_and_the_professional_do_get_through(app_url, app_db, cast):
    """The positive control: the same calls change things for the people who may make them."""
    client = logged_in(app_url, cast["keeper"].email)
    try:
        client.call(handler(PaperReactionState, "record_reaction"),
                    {"form": {"board": SLUG, "code": cast["post"].short_code.lower(), "note": "per telefoon"}},
                    path="/ambassadeur/prikborden")
    finally:
        client.close()
    app_db.rollback()
    assert app_db.exec(select(PaperReaction).where(PaperReaction.post_id == cast["post"].id)).one()
    assert app_db.get(Post, cast["post"].id).status == "in_contact"

    client = logged_in(app_url, cast["professional"].email)
    try:
        client.call(handler(ManageBoardsState, "load_boards"), path="/beheer/prikborden")
        assert client.saw("Geheime Keeper")
        client.call(handler(ManageBoardsState, "edit_board"), {"slug": SLUG}, path="/beheer/prikborden")
        form = {**FULL_FORM, "name": "Bibliotheek Stevenshof", f"ambassadeur-{cast['keeper'].id}": "on"}
        client.call(handler(ManageBoardsState, "save_board"), {"form": form}, path="/beheer/prikborden")
    finally:
        client.close()
    app_db.rollback()
    app_db.refresh(cast["board"])
    assert cast["board"].name == "Bibliotheek Stevenshof" and cast["board"].slug == SLUG

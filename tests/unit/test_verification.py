"""Verified neighbours: the board's monthly wijk code, confirmation in person, lapsing on a move,
revoking, and what a verified-only post or member allows (services/verification.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from buuv_app.errors import NotFound, PermissionDenied, Throttled, ValidationError
from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    ModerationAction,
    Verification,
    utcnow,
)
from buuv_app.services import accounts, boards, messaging, posts, stats, verification
from tests.factories import make_category, make_member, make_municipality, make_neighbourhood, make_post

NOVEMBER = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
DECEMBER_3RD = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SECRET = "a-test-secret-of-enough-characters-0123456789"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    from buuv_app import settings

    monkeypatch.setenv("BUUV_SECRET_KEY", SECRET)
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


@pytest.fixture
def world(session):
    leiden, dorp = make_municipality(session, name="Leiden"), make_municipality(session, name="Leiderdorp")
    meren, slaagh = make_neighbourhood(session, leiden, name="Merenwijk"), make_neighbourhood(session, leiden,
                                                                                            name="Slaaghwijk")
    oude_dorp = make_neighbourhood(session, dorp, name="Oude Dorp")
    board_meren = BoardLocation(slug="bieb-meren", name="Bieb Merenwijk", address="Straat 1", municipality_id=leiden.id)
    board_slaagh = BoardLocation(slug="buurthuis-slaagh", name="Buurthuis", address="Straat 2",
                                 municipality_id=leiden.id)
    session.add_all([board_meren, board_slaagh])
    session.commit()
    session.add_all([BoardNeighbourhood(board_id=board_meren.id, neighbourhood_id=meren.id),
                     BoardNeighbourhood(board_id=board_slaagh.id, neighbourhood_id=slaagh.id)])
    session.commit()
    return {
        "leiden": leiden, "dorp": dorp, "meren": meren, "slaagh": slaagh, "oude_dorp": oude_dorp,
        "board_meren": board_meren, "board_slaagh": board_slaagh,
        "ria": make_member(session, meren, display_name="Ria"),
        "henk": make_member(session, meren, display_name="Henk"),
        "ambassador": make_member(session, slaagh, display_name="Ahmed", role="ambassador"),
        "dorp_ambassador": make_member(session, oude_dorp, display_name="Dirk", role="ambassador"),
        "professional": make_member(session, meren, display_name="Fatima", role="professional",
                                    municipality_id=leiden.id),
        "dorp_pro": make_member(session, oude_dorp, display_name="Peter", role="professional",
                                municipality_id=dorp.id),
    }


def _code(world, board="board_meren", when=NOVEMBER):
    return verification.board_code(world[board].id, verification.month_of(when))


# --- the code's life ------------------------------------------------------------------------

def test_the_wijk_code_changes_with_the_month_and_the_board(world):
    november, december = _code(world), _code(world, when=DECEMBER)
    assert november != december
    assert _code(world, "board_slaagh") != november
    assert len(november) == verification.CODE_LENGTH and set(november) <= set(verification.CODE_ALPHABET)
    # Derived, not stored: the same board and month give the same code, another secret another.
    assert verification.board_code(world["board_meren"].id, "2026-11") == november
    assert verification.board_code(world["board_meren"].id, "2026-11", secret="another secret") != november


def test_the_month_is_the_dutch_month():
    # 23:30 UTC on 30 November is already 1 December in Amsterdam.
    assert verification.month_of(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "2026-12"
    assert verification.valid_months(datetime(2026, 12, 1, 9, tzinfo=UTC)) == ["2026-12", "2026-11"]
    assert verification.valid_months(DECEMBER) == ["2026-12"]
    assert verification.valid_months(datetime(2027, 1, 2, 9, tzinfo=UTC)) == ["2027-01", "2026-12"]


def test_the_current_code_of_a_board_of_my_wijk_verifies_me(session, world):
    ria = world["ria"]
    assert not verification.is_verified(session, ria)
    typed = " " + verification.display_code(_code(world)).lower() + " "
    record = verification.enter_code(session=session, user=ria, code=typed, now=NOVEMBER)
    assert record.method == "board_code" and record.board_id == world["board_meren"].id
    assert record.neighbourhood_id == world["meren"].id
    assert verification.is_verified(session, ria)


def test_last_months_code_counts_in_the_first_days_of_a_month_only(session, world):
    november_code = _code(world)
    verification.enter_code(session=session, user=world["ria"], code=november_code, now=DECEMBER_3RD)
    assert verification.is_verified(session, world["ria"])
    with pytest.raises(ValidationError) as refused:
        verification.enter_code(session=session, user=world["henk"], code=november_code, now=DECEMBER)
    assert "verlopen" in refused.value.message
    assert not verification.is_verified(session, world["henk"])


def test_a_code_of_another_wijks_board_is_refused_with_its_own_message(session, world):
    with pytest.raises(ValidationError) as refused:
        verification.enter_code(session=session, user=world["ria"], code=_code(world, "board_slaagh"), now=NOVEMBER)
    assert "andere wijk" in refused.value.message
    assert session.exec(select(Verification)).all() == []


def test_a_wrong_code_is_refused_and_nothing_is_saved(session, world):
    for wrong in ("ABC234", "nonsense", "A"):
        with pytest.raises(ValidationError) as refused:
            verification.enter_code(session=session, user=world["ria"], code=wrong, now=NOVEMBER)
        assert "klopt niet" in refused.value.message
    with pytest.raises(ValidationError):
        verification.enter_code(session=session, user=world["ria"], code="   ", now=NOVEMBER)
    assert session.exec(select(Verification)).all() == []


def test_wrong_codes_are_limited_per_member_per_hour(session, world):
    ria, henk = world["ria"], world["henk"]
    for _ in range(verification.WRONG_CODE_LIMIT):
        with pytest.raises(ValidationError):
            verification.enter_code(session=session, user=ria, code="ZZZZZZ", now=NOVEMBER)
    # Now even the right code waits: a script cannot try codes until it hits one.
    with pytest.raises(Throttled) as waited:
        verification.enter_code(session=session, user=ria, code=_code(world), now=NOVEMBER)
    assert 0 < waited.value.retry_after <= 3600
    assert not verification.is_verified(session, ria)
    # Another member has tries of their own; an hour later Ria may try again.
    verification.enter_code(session=session, user=henk, code=_code(world), now=NOVEMBER)
    verification.enter_code(session=session, user=ria, code=_code(world), now=NOVEMBER + timedelta(minutes=61))
    assert verification.is_verified(session, ria)


def test_the_code_is_printed_only_for_the_boards_keepers(session, world):
    board = world["board_meren"]
    session.add(BoardAmbassador(board_id=board.id, user_id=world["ambassador"].id))
    session.commit()
    code = verification.display_code(verification.board_code(board.id, verification.month_of(utcnow())))
    assert verification.printed_code(session=session, board_id=board.id, viewer=world["ambassador"]) == code
    assert verification.printed_code(session=session, board_id=board.id, viewer=world["professional"]) == code
    for outsider in (None, world["ria"], world["dorp_ambassador"], world["dorp_pro"]):
        assert verification.printed_code(session=session, board_id=board.id, viewer=outsider) == ""
    # The public sheet (online) has no code at all.
    assert boards.get_sheet(session=session, slug=board.slug).wijk_code == ""


# --- in person ------------------------------------------------------------------------------

def test_an_ambassador_confirms_a_neighbour_of_their_municipality_after_meeting(session, world):
    ria = world["ria"]
    record = verification.confirm_in_person(session=session, actor=world["ambassador"], email=ria.email.upper(),
                                            meeting="home_visit", met_on=date(2026, 11, 14), now=NOVEMBER)
    assert (record.method, record.verified_by_id, record.meeting, record.met_on) == (
        "in_person", world["ambassador"].id, "home_visit", date(2026, 11, 14))
    assert verification.is_verified(session, ria)


def test_an_ambassador_cannot_confirm_someone_outside_their_municipality(session, world):
    with pytest.raises(ValidationError) as refused:
        verification.confirm_in_person(session=session, actor=world["dorp_ambassador"], email=world["ria"].email,
                                       meeting="meeting", met_on=date(2026, 11, 14), now=NOVEMBER)
    assert "eigen gemeente" in refused.value.message
    with pytest.raises(ValidationError):
        verification.confirm_in_person(session=session, actor=world["dorp_pro"], email=world["ria"].email,
                                       meeting="meeting", met_on=date(2026, 11, 14), now=NOVEMBER)
    assert session.exec(select(Verification)).all() == []


def test_confirming_needs_a_way_of_meeting_and_a_day_not_in_the_future(session, world):
    with pytest.raises(ValidationError) as refused:
        verification.confirm_in_person(session=session, actor=world["ambassador"], email="geen-adres",
                                       meeting="telepathy", met_on=date(2026, 11, 20), now=NOVEMBER)
    assert {e.field for e in refused.value.errors} == {"email", "meeting", "met_on"}
    with pytest.raises(ValidationError):
        verification.confirm_in_person(session=session, actor=world["ambassador"], email="niemand@example.org",
                                       meeting="known", met_on=date(2026, 11, 1), now=NOVEMBER)
    with pytest.raises(PermissionDenied):
        verification.confirm_in_person(session=session, actor=world["henk"], email=world["ria"].email,
                                       meeting="known", met_on=date(2026, 11, 1), now=NOVEMBER)
    assert session.exec(select(Verification)).all() == []


# --- lapse and revoke -----------------------------------------------------------------------

def test_moving_to_another_wijk_ends_the_verification(session, world):
    ria = world["ria"]
    verification.enter_code(session=session, user=ria, code=_code(world, when=utcnow()))
    # Saving the profile in the same wijk keeps it.
    accounts.update_profile(session=session, user=ria, display_name="Ria B", neighbourhood_slug=world["meren"].slug)
    assert verification.is_verified(session, ria)
    accounts.update_profile(session=session, user=ria, display_name="Ria B", neighbourhood_slug=world["slaagh"].slug)
    assert not verification.is_verified(session, ria)
    record = session.exec(select(Verification).where(Verification.user_id == ria.id)).one()
    assert record.lapse_cause == "moved" and record.revoked_at is not None and record.revoked_by_id is None
    # Moving back does not bring it back: the new wijk's code (or an ambassador) verifies again.
    accounts.update_profile(session=session, user=ria, display_name="Ria B", neighbourhood_slug=world["meren"].slug)
    assert not verification.is_verified(session, ria)


def test_a_professional_revokes_into_the_audit_log_and_only_in_their_municipality(session, world):
    ria = world["ria"]
    record = verification.enter_code(session=session, user=ria, code=_code(world, when=utcnow()))
    with pytest.raises(PermissionDenied):
        verification.revoke(session=session, actor=world["dorp_pro"], verification_id=record.id, reason="nee")
    with pytest.raises(PermissionDenied):
        verification.revoke(session=session, actor=world["ambassador"], verification_id=record.id, reason="nee")
    with pytest.raises(ValidationError):
        verification.revoke(session=session, actor=world["professional"], verification_id=record.id, reason="  ")
    assert verification.is_verified(session, ria)
    verification.revoke(session=session, actor=world["professional"], verification_id=record.id,
                        reason="Woont hier niet")
    assert not verification.is_verified(session, ria)
    line = session.exec(select(ModerationAction).where(ModerationAction.subject_id == ria.id)).one()
    assert (line.action, line.actor_id, line.reason) == ("unverify", world["professional"].id, "Woont hier niet")
    with pytest.raises(NotFound):
        verification.revoke(session=session, actor=world["professional"], verification_id=record.id, reason="x")


# --- what it allows -------------------------------------------------------------------------

def test_an_unverified_member_can_neither_see_nor_answer_a_post_for_verified_neighbours(session, world):
    ria, henk = world["ria"], world["henk"]
    verification.enter_code(session=session, user=ria, code=_code(world, when=utcnow()))
    category = make_category(session)
    post = posts.create_post(session=session, author=ria, kind="request", title="Wie haalt mijn boodschappen?",
                             body="Eens per week, op dinsdag.", category_slug=category.slug,
                             neighbourhood_slug=world["meren"].slug, visibility="verified")
    assert post.visibility == "verified"
    visible = lambda viewer: [p.id for p in posts.browse(session=session, viewer=viewer).items]  # noqa: E731
    assert post.id not in visible(henk) and post.id not in visible(None)
    assert posts.get_post_detail(session=session, post_id=post.id, viewer=henk) is None
    assert posts.get_post_by_code(session=session, code=post.short_code, viewer=henk) is None
    with pytest.raises(PermissionDenied):
        messaging.start_conversation(session=session, user=henk, post_id=post.id)
    # Henk gets verified: now he sees it and may answer.
    verification.confirm_in_person(session=session, actor=world["professional"], email=henk.email, meeting="known",
                                   met_on=utcnow().date())
    assert post.id in visible(henk)
    assert messaging.start_conversation(session=session, user=henk, post_id=post.id).responder_id == henk.id
    detail = posts.get_post_detail(session=session, post_id=post.id, viewer=henk)
    assert detail.author_verified


def test_a_member_may_take_messages_from_verified_neighbours_only(session, world):
    ria, henk = world["ria"], world["henk"]
    post = make_post(session, author=ria, neighbourhood=world["meren"])
    verification.set_messages_verified_only(session=session, user=ria, enabled=True)
    with pytest.raises(ValidationError) as refused:
        messaging.start_conversation(session=session, user=henk, post_id=post.id)
    assert "alleen berichten van geverifieerde buren" in refused.value.message
    verification.enter_code(session=session, user=henk, code=_code(world, when=utcnow()))
    conversation = messaging.start_conversation(session=session, user=henk, post_id=post.id)
    assert messaging.open_conversation(session=session, user=ria, conversation_id=conversation.id).other_verified


def test_the_overview_counts_verified_neighbours_per_wijk_and_method(session, world):
    verification.enter_code(session=session, user=world["ria"], code=_code(world, when=utcnow()))
    verification.confirm_in_person(session=session, actor=world["ambassador"], email=world["henk"].email,
                                   meeting="meeting", met_on=utcnow().date())
    slaagh_member = make_member(session, world["slaagh"])
    verification.enter_code(session=session, user=slaagh_member, code=_code(world, "board_slaagh", when=utcnow()))
    moved = make_member(session, world["meren"])
    verification.enter_code(session=session, user=moved, code=_code(world, when=utcnow()))
    accounts.update_profile(session=session, user=moved, display_name="Weg", neighbourhood_slug=world["slaagh"].slug)
    scope = stats.resolve_scope(session=session, actor=world["professional"])
    rows = {r.neighbourhood_name: (r.board_code, r.in_person, r.total)
            for r in stats.verified(session=session, scope=scope)}
    assert rows == {"Merenwijk": (1, 1, 2), "Slaaghwijk": (1, 0, 1)}
    dorp = stats.resolve_scope(session=session, actor=world["dorp_pro"])
    assert stats.verified(session=session, scope=dorp) == []


def test_the_digest_never_mails_a_post_for_verified_neighbours(session, world):
    from buuv_app.services import digest

    monday = datetime(2026, 11, 30, 8, tzinfo=UTC)
    placed = monday - timedelta(days=3)
    shown = make_post(session, author=world["ria"], neighbourhood=world["meren"], created_at=placed,
                      title="Iedereen mag dit lezen")
    make_post(session, author=world["ria"], neighbourhood=world["meren"], created_at=placed, visibility="verified",
              title="Alleen voor geverifieerde buren")
    built = digest.build_digest(session=session, user=world["henk"], week=digest.week_of(monday), now=monday)
    assert [item.title for item in built.open_requests] == [shown.title]


def test_the_keepers_sheet_prints_the_code_in_its_box_and_the_public_one_does_not(session, world):
    import io
    from dataclasses import replace

    from pypdf import PdfReader

    from buuv_app.printing.pool import sheet_key
    from buuv_app.printing.sheet import render_sheet_pdf

    public = boards.get_sheet(session=session, slug=world["board_meren"].slug)
    code = verification.display_code(_code(world, when=utcnow()))
    kept = replace(public, wijk_code=code)
    text = lambda sheet: "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_sheet_pdf(sheet))).pages)  # noqa: E731
    assert "Wijkcode voor verificatie:" in text(kept) and code in text(kept)
    assert "Wijkcode" not in text(public) and code not in text(public)
    # The printing cache never hands the keeper's sheet to the public or the other way round.
    version = boards.get_sheet_version(session=session, slug=world["board_meren"].slug)
    assert sheet_key(version, "nl", code) != sheet_key(version, "nl", "")


def test_the_profile_shows_the_badge_while_the_verification_holds(session, world):
    from buuv_app.services import profiles

    ria, henk = world["ria"], world["henk"]
    assert not profiles.get_profile(session=session, viewer=henk, user_id=ria.id).verified
    verification.confirm_in_person(session=session, actor=world["ambassador"], email=ria.email,
                                   meeting="home_visit", met_on=date(2026, 11, 14), now=NOVEMBER)
    assert profiles.get_profile(session=session, viewer=henk, user_id=ria.id).verified
    assert not profiles.get_profile(session=session, viewer=ria, user_id=henk.id).verified

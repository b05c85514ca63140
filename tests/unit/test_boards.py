"""Prikborden: sample locations, sheets of public open posts, editing by professionals, paper
reactions by the ambassadors who keep a board, and the figures per board."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlmodel import select

from buuv_app.errors import NotFound, PermissionDenied, ValidationError
from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    Category,
    Municipality,
    Neighbourhood,
    PaperReaction,
    Post,
    utcnow,
)
from buuv_app.printing.sheet import render_sheet_pdf
from buuv_app.services import accounts, boards, codes, permissions, posts, roles, seed, stats
from buuv_app.services.permissions import Action
from tests.factories import count_rows, make_member, make_post

MERENWIJK_BOARD = "voorbeeld-bibliotheek-merenwijk"
LEIDERDORP_BOARD = "voorbeeld-bibliotheek-leiderdorp"


@pytest.fixture
def world(session):
    seed.load_reference_data(session=session)
    town = {m.slug: m for m in session.exec(select(Municipality)).all()}
    wijk = {n.slug: n for n in session.exec(select(Neighbourhood)).all()}
    tuin = session.exec(select(Category).where(Category.slug == "tuin")).one()
    people = {
        "resident": make_member(session, wijk["merenwijk"], display_name="Ria"),
        "keeper": make_member(session, wijk["merenwijk"], display_name="Ahmed", role="ambassador"),
        "other_ambassador": make_member(session, wijk["slaaghwijk"], display_name="Olga", role="ambassador"),
        "professional": make_member(session, wijk["merenwijk"], display_name="Fatima", role="professional",
                                    municipality_id=town["leiden"].id),
        "leiderdorp_pro": make_member(session, wijk["oude-dorp"], display_name="Peter", role="professional",
                                      municipality_id=town["leiderdorp"].id),
        "dorp_ambassador": make_member(session, wijk["oude-dorp"], display_name="Dirk", role="ambassador"),
    }
    board = session.exec(select(BoardLocation).where(BoardLocation.slug == MERENWIJK_BOARD)).one()
    session.add(BoardAmbassador(board_id=board.id, user_id=people["keeper"].id))
    session.commit()
    return {"town": town, "wijk": wijk, "tuin": tuin, "board": board, **people}


def _post(session, world, wijk="merenwijk", **overrides):
    return make_post(session, author=world["resident"], neighbourhood=world["wijk"][wijk], category=world["tuin"],
                     **overrides)


def _links(session, board_id):
    session.expire_all()
    return (
        sorted(session.exec(select(BoardNeighbourhood.neighbourhood_id).where(BoardNeighbourhood.board_id == board_id)).all()),
        sorted(session.exec(select(BoardAmbassador.user_id).where(BoardAmbassador.board_id == board_id)).all()),
    )


# --- sample data -----------------------------------------------------------------------------

def test_seventeen_sample_boards_cover_both_towns_and_are_marked_as_samples(world, session):
    all_boards = boards.list_boards(session=session)
    assert len(all_boards) == 17
    assert {b.municipality_slug for b in all_boards} == {"leiden", "leiderdorp"}
    assert all(b.is_sample and b.name.startswith("Voorbeeld:") for b in all_boards)
    assert all(b.neighbourhoods and (b.desk_text or b.phone) for b in all_boards)
    # Every covered wijk lies in the board's own town.
    for info in all_boards:
        for ref in info.neighbourhoods:
            assert world["wijk"][ref.slug].municipality_id == world["town"][info.municipality_slug].id


def test_seeding_again_adds_nothing_and_keeps_what_professionals_changed(world, session):
    board = world["board"]
    board.name, board.is_sample = "Bibliotheek Merenwijk", False
    session.add(board)
    session.commit()
    assert seed.load_reference_data(session=session).sample_boards == 0
    session.expire_all()
    assert count_rows(session, BoardLocation) == 17
    assert session.get(BoardLocation, board.id).name == "Bibliotheek Merenwijk"


# --- sheets ----------------------------------------------------------------------------------

def test_sheet_shows_only_open_public_posts_of_its_wijken_newest_first(world, session):
    now = utcnow()
    older = _post(session, world, title="Heg snoeien", created_at=now - timedelta(days=2))
    newer = _post(session, world, wijk="slaaghwijk", title="Boodschappen", created_at=now - timedelta(hours=1))
    in_contact = _post(session, world, title="Al contact", status="in_contact", created_at=now - timedelta(days=3))
    hidden = [
        _post(session, world, title="Alleen leden", visibility="members"),
        _post(session, world, title="Gesloten", status="closed"),
        _post(session, world, title="Geholpen", status="matched"),
        _post(session, world, title="Verlopen", created_at=now - timedelta(weeks=7)),
        _post(session, world, wijk="oude-dorp", title="Leiderdorp"),
    ]
    sheet = boards.get_sheet(session=session, slug=MERENWIJK_BOARD)
    assert [p.id for p in sheet.posts] == [newer.id, older.id, in_contact.id]
    assert not {p.id for p in hidden} & {p.id for p in sheet.posts}
    card = sheet.posts[0]
    assert card.code == codes.display(newer.short_code)
    # The QR code opens the post through its code and names the board, so the visit counts for it.
    assert card.url.endswith(f"/c/{codes.display(newer.short_code)}?bord={MERENWIJK_BOARD}")
    assert sheet.more == 0


def test_a_full_sheet_says_how_many_more_are_online(world, session):
    for n in range(5):
        _post(session, world, title=f"Vraag {n}")
    sheet = boards.get_sheet(session=session, slug=MERENWIJK_BOARD, limit=3)
    assert len(sheet.posts) == 3 and sheet.more == 2
    # The printed sheet says it too, in the plural of its language.
    for locale, words in (("nl", "En nog 2 oproepen: die staan online"), ("en", "And 2 more posts: they are online")):
        text = " ".join(" ".join(page.extract_text().split())
                        for page in PdfReader(io.BytesIO(render_sheet_pdf(sheet, locale=locale))).pages)
        assert words in text


def test_unknown_or_malformed_board_has_no_sheet(world, session):
    assert boards.get_sheet(session=session, slug="bestaat-niet") is None
    assert boards.get_sheet(session=session, slug={"slug": MERENWIJK_BOARD}) is None
    assert boards.get_board(session=session, slug="x" * 500) is None


def test_a_board_without_wijken_shows_no_posts_rather_than_all(world, session):
    _post(session, world)
    board = world["board"]
    for link in session.exec(select(BoardNeighbourhood).where(BoardNeighbourhood.board_id == board.id)).all():
        session.delete(link)
    session.commit()
    assert boards.get_sheet(session=session, slug=MERENWIJK_BOARD).posts == []


def test_the_pdf_holds_every_title_and_code_in_dutch_letters_and_qr_codes_to_the_posts(world, session):
    titles = ["Wie helpt mij met de heg van café ’t Hoekje?", "Ëén keer per week boodschappen",
              "Wie leert mij beeldbellen met mijn kleinkinderen in Zoë’s klas?", "Lamp ophangen", "Tuin"]
    made = [_post(session, world, title=title, created_at=utcnow() - timedelta(minutes=i))
            for i, title in enumerate(titles)]
    sheet = boards.get_sheet(session=session, slug=MERENWIJK_BOARD)
    data = render_sheet_pdf(sheet)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # four cards a page
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for post in made:
        assert post.title in text
        assert codes.display(post.short_code) in text
    assert "Bijgewerkt op" in " ".join(reader.pages[1].extract_text().split())
    assert "Pagina 2 van 2" in reader.pages[1].extract_text()
    found = set()
    document = pypdfium2.PdfDocument(data)
    for page in document:
        # Standard QR codes only: read for every format (or every QR family), the print now and then
        # gave a linear barcode ("236002") or a Micro QR code ("620385") as well.
        image = page.render(scale=2).to_pil()
        found |= {r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCodeModel2)}
    assert found == {boards.sheet_qr_url(p.short_code, MERENWIJK_BOARD) for p in made}


def test_an_empty_sheet_is_one_page_that_says_so(world, session):
    data = render_sheet_pdf(boards.get_sheet(session=session, slug=LEIDERDORP_BOARD), "en")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "no open posts" in reader.pages[0].extract_text()


# --- professionals edit boards ---------------------------------------------------------------

def _edit(session, actor, slug=MERENWIJK_BOARD, **changes):
    values = {"name": "Bibliotheek Merenwijk", "address": "Merenwijkplein 1, Leiden", "opening_hours": "ma–vr",
              "desk_text": "Vraag aan de balie.", "phone": "071 123 45 67", "is_sample": False,
              "neighbourhood_slugs": ["merenwijk", "slaaghwijk"], "ambassador_ids": []} | changes
    return boards.save_board(session=session, actor=actor, slug=slug, **values)


def test_a_professional_edits_a_board_of_their_town_and_assigns_its_ambassadors(world, session):
    board = _edit(session, world["professional"], ambassador_ids=[world["other_ambassador"].id, world["keeper"].id])
    assert board.slug == MERENWIJK_BOARD  # the address stays the same
    assert board.name == "Bibliotheek Merenwijk" and not board.is_sample
    wijken, keepers = _links(session, board.id)
    assert wijken == sorted([world["wijk"]["merenwijk"].id, world["wijk"]["slaaghwijk"].id])
    assert keepers == sorted([world["keeper"].id, world["other_ambassador"].id])
    managed = {b.info.slug: b for b in boards.list_managed_boards(session=session, actor=world["professional"])}
    assert len(managed) == 13  # Leiden's boards only
    assert {a.display_name for a in managed[MERENWIJK_BOARD].ambassadors} == {"Ahmed", "Olga"}


def test_a_professional_adds_a_board_with_a_new_unique_address(world, session):
    first = _edit(session, world["professional"], slug=None, name="Buurthuis De Sleutel")
    second = _edit(session, world["professional"], slug=None, name="Buurthuis De Sleutel")
    assert (first.slug, second.slug) == ("buurthuis-de-sleutel", "buurthuis-de-sleutel-2")
    assert first.municipality_id == world["town"]["leiden"].id


@pytest.mark.parametrize("who", ["resident", "keeper", "leiderdorp_pro"])
def test_only_a_professional_of_the_boards_town_may_edit_it(world, session, who, caplog):
    board = world["board"]
    before = (board.name, _links(session, board.id))
    with caplog.at_level(logging.WARNING, logger="buuv.security"):
        with pytest.raises(PermissionDenied):
            _edit(session, world[who], name="Gekaapt")
        # A board of Leiden's wijken added by someone else: refused (Leiderdorp's professional may
        # add boards, but only with Leiderdorp's wijken).
        with pytest.raises((PermissionDenied, ValidationError)):
            _edit(session, world[who], slug=None, name="Nep-prikbord")
    session.expire_all()
    assert (session.get(BoardLocation, board.id).name, _links(session, board.id)) == before
    assert count_rows(session, BoardLocation) == 17
    assert "manage_board" in caplog.text or "create_board" in caplog.text


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "   "}, "name"),
    ({"address": ""}, "address"),
    ({"name": "x" * 101}, "name"),
    ({"phone": "bel me"}, "phone"),
    ({"desk_text": "", "phone": ""}, "desk_text"),
    ({"neighbourhood_slugs": []}, "neighbourhoods"),
    ({"neighbourhood_slugs": ["merenwijk", "oude-dorp"]}, "neighbourhoods"),  # Leiderdorp's
    ({"neighbourhood_slugs": ["merenwijk", "bestaat-niet"]}, "neighbourhoods"),
    ({"ambassador_ids": [-1]}, "ambassadors"),
])
def test_bad_board_input_is_refused_and_nothing_is_half_saved(world, session, changes, field):
    board = world["board"]
    before = (board.name, _links(session, board.id))
    with pytest.raises(ValidationError) as refused:
        _edit(session, world["professional"], **changes)
    assert refused.value.field == field
    session.rollback()
    session.expire_all()
    assert (session.get(BoardLocation, board.id).name, _links(session, board.id)) == before


def test_residents_and_other_towns_ambassadors_cannot_be_made_keepers(world, session):
    for person in ("resident", "dorp_ambassador", "professional"):
        with pytest.raises(ValidationError):
            _edit(session, world["professional"], ambassador_ids=[world[person].id])


def test_an_ambassador_who_loses_the_role_or_the_account_keeps_no_board(world, session):
    roles.set_role(session=session, actor=world["professional"], target_id=world["keeper"].id, role="resident")
    assert _links(session, world["board"].id)[1] == []
    session.add(BoardAmbassador(board_id=world["board"].id, user_id=world["other_ambassador"].id))
    session.commit()
    accounts.delete_account(session=session, user=world["other_ambassador"], password="een lange zin om te onthouden")
    assert _links(session, world["board"].id)[1] == []


# --- paper back online ----------------------------------------------------------------------

def test_a_keeper_records_a_paper_reaction_which_moves_the_post_on_and_counts(world, session):
    post = _post(session, world)
    reaction = boards.record_paper_reaction(session=session, actor=world["keeper"], board_slug=MERENWIJK_BOARD,
                                            code=codes.display(post.short_code).lower(), note="Belde om 10 uur")
    session.expire_all()
    assert session.get(Post, post.id).status == "in_contact"
    assert (reaction.post_id, reaction.recorded_by_id, reaction.note) == (post.id, world["keeper"].id, "Belde om 10 uur")
    board_id = world["board"].id
    figures = stats.board_stats(session=session, board_ids=[board_id])[board_id]
    assert (figures.posts_on_sheet, figures.paper_reactions.current, figures.matches.current) == (1, 1, 0)

    posts.mark_matched(session=session, actor=world["resident"], post_id=post.id)
    figures = stats.board_stats(session=session, board_ids=[board_id])[board_id]
    assert (figures.posts_on_sheet, figures.paper_reactions.current, figures.matches.current) == (0, 1, 1)


def test_a_professional_of_the_town_may_record_for_any_of_its_boards(world, session):
    post = _post(session, world)
    boards.record_paper_reaction(session=session, actor=world["professional"], board_slug=MERENWIJK_BOARD,
                                 code=post.short_code)
    assert count_rows(session, PaperReaction) == 1
    assert len(boards.list_reaction_boards(session=session, actor=world["professional"])) == 13
    assert [b.slug for b in boards.list_reaction_boards(session=session, actor=world["keeper"])] == [MERENWIJK_BOARD]
    assert boards.list_reaction_boards(session=session, actor=world["resident"]) == []


@pytest.mark.parametrize("who", ["resident", "other_ambassador", "leiderdorp_pro", "dorp_ambassador"])
def test_who_does_not_keep_the_board_cannot_record_on_it(world, session, who):
    post = _post(session, world)
    with pytest.raises(PermissionDenied):
        boards.record_paper_reaction(session=session, actor=world[who], board_slug=MERENWIJK_BOARD,
                                     code=post.short_code)
    session.expire_all()
    assert count_rows(session, PaperReaction) == 0
    assert session.get(Post, post.id).status == "open"


@pytest.mark.parametrize("case", ["unknown", "garbage", "members", "other_wijk", "closed", "expired", "long_note"])
def test_a_paper_reaction_to_a_post_not_on_the_board_is_refused_and_changes_nothing(world, session, case):
    post = _post(session, world)
    code, note = post.short_code, ""
    if case == "unknown":
        code = "BUUV-22222" if post.short_code != "22222" else "BUUV-33333"
    elif case == "garbage":
        code = "<script>"
    elif case == "members":
        post.visibility = "members"
    elif case == "other_wijk":
        post.neighbourhood_id = world["wijk"]["oude-dorp"].id
    elif case == "closed":
        post.status = "closed"
    elif case == "expired":
        post.expires_at = utcnow() - timedelta(minutes=1)
    elif case == "long_note":
        note = "x" * 501
    session.add(post)
    session.commit()
    status = post.status
    with pytest.raises(ValidationError):
        boards.record_paper_reaction(session=session, actor=world["keeper"], board_slug=MERENWIJK_BOARD,
                                     code=code, note=note)
    session.rollback()
    session.expire_all()
    assert count_rows(session, PaperReaction) == 0
    assert session.get(Post, post.id).status == status


def test_a_paper_reaction_on_an_unknown_board_is_not_found(world, session):
    post = _post(session, world)
    with pytest.raises(NotFound):
        boards.record_paper_reaction(session=session, actor=world["keeper"], board_slug="nergens", code=post.short_code)


def test_deleting_a_post_takes_its_paper_reactions_along(world, session):
    post = _post(session, world)
    boards.record_paper_reaction(session=session, actor=world["keeper"], board_slug=MERENWIJK_BOARD,
                                 code=post.short_code)
    posts.delete_post(session=session, actor=world["resident"], post_id=post.id)
    assert count_rows(session, PaperReaction) == 0


def test_the_keepers_dashboard_hook_lists_posts_of_their_boards(world, session):
    mine = _post(session, world, title="Op mijn prikbord")
    _post(session, world, wijk="oude-dorp", title="Niet op mijn prikbord")
    assert [p.id for p in boards.list_posts_on_kept_boards(session=session, user=world["keeper"])] == [mine.id]
    assert boards.list_posts_on_kept_boards(session=session, user=world["resident"]) == []


# --- permissions ------------------------------------------------------------------------------

def test_ambassador_work_is_for_ambassadors_and_professionals_and_boards_for_professionals(world):
    allowed = permissions.allowed
    assert not allowed(world["resident"], Action.ACT_AS_AMBASSADOR)
    assert allowed(world["keeper"], Action.ACT_AS_AMBASSADOR)
    assert allowed(world["professional"], Action.ACT_AS_AMBASSADOR)
    assert not allowed(world["keeper"], Action.MANAGE_BOARDS)
    assert allowed(world["professional"], Action.MANAGE_BOARDS)
    assert not allowed(None, Action.ACT_AS_AMBASSADOR) and not allowed(None, Action.MANAGE_BOARDS)

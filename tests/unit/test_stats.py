"""The back office's figures on a constructed town with known answers (SQLite, and PostgreSQL with
BUUV_TEST_DATABASE_URL): one figure per test, each for May 2026 and the 31 days before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from buuv_app.errors import PermissionDenied, ValidationError
from buuv_app.models import (
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    BoardVisit,
    Category,
    Neighbour,
    Neighbourhood,
    PaperReaction,
)
from buuv_app.services import boards, codes, stats, stats_facts
from buuv_app.services.stats import Compared
from tests.factories import (
    make_category,
    make_conversation,
    make_member,
    make_message,
    make_municipality,
    make_neighbourhood,
    make_post,
    make_user,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
MAY = stats.period_for("zelf", today=NOW.date(), first=date(2026, 5, 1), last=date(2026, 5, 31))


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def town(session):
    """Leiden (Merenwijk, Stevenshof) and Leiderdorp (Centrum); see the comments for who did what."""
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    leiderdorp = make_municipality(session, slug="leiderdorp", name="Leiderdorp")
    merenwijk = make_neighbourhood(session, leiden, slug="merenwijk", name="Merenwijk", sort_order=1)
    stevenshof = make_neighbourhood(session, leiden, slug="stevenshof", name="Stevenshof", sort_order=2)
    centrum = make_neighbourhood(session, leiderdorp, slug="centrum", name="Centrum")
    tuin = make_category(session, slug="tuin", name_nl="Tuin", name_en="Garden", sort_order=1)
    vervoer = make_category(session, slug="vervoer", name_nl="Vervoer", name_en="Transport", sort_order=2)

    def member(name, wijk, verified, **extra):
        return make_member(session, wijk, display_name=name, email_verified_at=verified, created_at=verified, **extra)

    pro = member("Fatima", merenwijk, at(1, 1), role="professional", municipality_id=leiden.id)
    admin = member("Beheerder", merenwijk, at(1, 1), role="admin")
    anna = member("Anna", merenwijk, at(2, 1), role="ambassador")
    bert = member("Bert", stevenshof, at(2, 1), role="ambassador")
    m1 = member("Mies", merenwijk, at(1, 10))
    m2 = member("Kees", merenwijk, at(3, 1))
    member("Ria", stevenshof, at(4, 15))  # the one new member of the period before
    m3 = member("Joop", merenwijk, at(5, 2))  # new in May: week 1
    m4 = member("Truus", stevenshof, at(5, 12))  # week 3
    m5 = member("Henk", merenwijk, at(5, 12))  # week 3
    # Not counted: demo, deleted, elsewhere, unconfirmed.
    member("Voorbeeld", merenwijk, at(5, 5), is_demo=True)
    member("Weg", merenwijk, at(5, 6), deleted_at=at(5, 20))
    far = member("Ver", centrum, at(5, 7))
    make_user(session, merenwijk, display_name="Onbevestigd", created_at=at(5, 8))

    truus_n = Neighbour(ambassador_id=anna.id, first_name="Gerda", neighbourhood_id=merenwijk.id,
                        consent_method="verbal", consent_given_on=date(2026, 2, 1), created_at=at(2, 1),
                        updated_at=at(2, 1))
    session.add(truus_n)
    session.commit()

    def post(author, wijk, kind, created, category=tuin, **extra):
        return make_post(session, author=author, neighbourhood=wijk, category=category, kind=kind, created_at=created,
                         **extra)

    # Before both periods: the pair Mies-Kees first met in March.
    e1 = post(m2, merenwijk, "request", at(3, 20))  # runs out on 1 May, nobody reacted
    e2 = post(m1, merenwijk, "request", at(3, 25), status="in_contact")  # runs out on 6 May, answered
    make_conversation(session, e2, m2, created_at=at(3, 26))
    # The period before: a request by Kees, Mies reacted after 4 hours, matched on 20 April.
    r5 = post(m2, merenwijk, "request", at(4, 10), status="matched", matched_at=at(4, 20))
    make_conversation(session, r5, m1, created_at=at(4, 10, 14))
    # May.
    r1 = post(m1, merenwijk, "request", at(5, 3), status="matched", matched_at=at(5, 10))
    make_conversation(session, r1, m2, created_at=at(5, 3, 11))  # after 1 hour
    r2 = post(m3, merenwijk, "request", at(5, 4), status="in_contact")
    make_conversation(session, r2, m1, created_at=at(5, 4, 12))  # 2 hours; Mies and Joop meet
    r3 = post(m2, merenwijk, "request", at(5, 5), status="matched", matched_at=at(5, 20))
    r4 = post(m4, stevenshof, "request", at(5, 6), category=vervoer, status="in_contact")
    make_conversation(session, r4, m5, created_at=at(5, 6, 20))  # 10 hours; Truus and Henk meet
    o1 = post(m1, merenwijk, "offer", at(5, 7), status="matched", matched_at=at(5, 9))
    make_conversation(session, o1, m3, created_at=at(5, 8))  # 24 hours
    o2 = post(anna, merenwijk, "offer", at(5, 8), neighbour_id=truus_n.id, ambassador_id=anna.id)
    gerda = make_conversation(session, o2, m4, created_at=at(5, 9))  # Truus meets Gerda (not Anna)
    make_message(session, gerda, m4, created_at=at(5, 9))  # waiting for Anna's answer
    o3 = post(pro, merenwijk, "offer", at(5, 9))
    post(m1, stevenshof, "request", at(5, 10), is_demo=True)
    post(far, centrum, "request", at(5, 10))

    # Prikborden: X shows the Merenwijk (Anna keeps it), Y the Stevenshof, Z is in Leiderdorp.
    x = BoardLocation(slug="x", name="Bieb Merenwijk", address="a", municipality_id=leiden.id)
    y = BoardLocation(slug="y", name="Buurthuis Stevenshof", address="b", municipality_id=leiden.id)
    z = BoardLocation(slug="z", name="Leiderdorp", address="c", municipality_id=leiderdorp.id)
    session.add_all([x, y, z])
    session.flush()
    session.add_all([BoardNeighbourhood(board_id=x.id, neighbourhood_id=merenwijk.id),
                     BoardNeighbourhood(board_id=y.id, neighbourhood_id=stevenshof.id),
                     BoardNeighbourhood(board_id=z.id, neighbourhood_id=centrum.id),
                     BoardAmbassador(board_id=x.id, user_id=anna.id)])
    session.add(PaperReaction(post_id=r3.id, board_id=x.id, recorded_by_id=anna.id, created_at=at(5, 5, 13)))
    stats_facts.reaction_added(session=session, post_id=r3.id)  # as boards.record_paper_reaction does
    session.add_all([BoardVisit(board_id=x.id, day=date(2026, 5, 2), visits=3),
                     BoardVisit(board_id=x.id, day=date(2026, 5, 20), visits=2),
                     BoardVisit(board_id=x.id, day=date(2026, 4, 15), visits=4),
                     BoardVisit(board_id=y.id, day=date(2026, 5, 31), visits=1),
                     BoardVisit(board_id=y.id, day=date(2026, 6, 1), visits=5)])
    session.commit()

    # Now (15 June): requests waiting for a first reaction.
    w1 = post(m3, stevenshof, "request", at(6, 11))  # 4 days
    w2 = post(m4, merenwijk, "request", at(6, 5))  # 10 days
    post(m4, merenwijk, "request", at(6, 14))  # 1 day: not yet
    w4 = post(m5, merenwijk, "request", at(6, 1), status="in_contact")
    make_conversation(session, w4, m1, created_at=at(6, 2))
    post(m5, merenwijk, "request", at(6, 6), expires_at=at(6, 14))  # expired
    make_message(session, make_conversation(session, w4, bert, created_at=at(6, 14)), bert, created_at=at(6, 14))
    return {
        "leiden": leiden, "leiderdorp": leiderdorp, "merenwijk": merenwijk, "stevenshof": stevenshof, "pro": pro,
        "admin": admin, "anna": anna, "bert": bert, "m1": m1, "m4": m4, "x": x, "y": y, "w1": w1, "w2": w2,
        "e1": e1, "o3": o3, "r1": r1,
    }


def scope(session, town, **kwargs):
    return stats.resolve_scope(session=session, actor=kwargs.pop("actor", town["pro"]), **kwargs)


# --- periods ---------------------------------------------------------------------------------

def test_the_period_before_is_equally_long_and_ends_where_the_period_starts():
    assert (MAY.first_day, MAY.last_day, MAY.days) == (date(2026, 5, 1), date(2026, 5, 31), 31)
    assert MAY.start == datetime(2026, 4, 30, 22, tzinfo=UTC)  # local midnight, summer time
    before = MAY.previous
    assert before.end == MAY.start and before.end - before.start == MAY.end - MAY.start
    assert (before.first_day, before.last_day) == (date(2026, 3, 31), date(2026, 4, 30))


def test_presets_end_today_and_a_custom_range_is_checked():
    today = date(2026, 3, 31)
    month = stats.period_for("maand", today=today)
    assert (month.first_day, month.last_day) == (date(2026, 3, 1), today)
    quarter = stats.period_for("kwartaal", today=today)
    assert (quarter.first_day, quarter.last_day) == (date(2026, 1, 1), today)
    year = stats.period_for("jaar", today=today)
    assert (year.first_day, year.last_day) == (date(2025, 4, 1), today)
    for first, last, field in ((date(2026, 3, 5), date(2026, 3, 1), "last"), (None, date(2026, 3, 1), "first"),
                               (date(2026, 4, 5), date(2026, 4, 6), "first"),
                               (date(2020, 1, 1), date(2026, 3, 1), "first")):
        with pytest.raises(ValidationError) as refused:
            stats.period_for("zelf", today=today, first=first, last=last)
        assert refused.value.field == field
    with pytest.raises(ValidationError):
        stats.period_for("eeuw", today=today)


def test_short_periods_go_by_week_and_long_ones_by_month():
    weeks = stats.buckets(MAY)
    assert [b.first_day.day for b in weeks] == [1, 4, 11, 18, 25]  # 1 May 2026 is a Friday
    assert weeks[0].start == MAY.start and weeks[-1].end == MAY.end
    months = stats.buckets(stats.period_for("jaar", today=date(2026, 5, 31)))
    assert [b.first_day for b in months][:2] == [date(2025, 6, 1), date(2025, 7, 1)] and len(months) == 12
    # Winter time: a month starts at 23:00 UTC.
    assert months[5].first_day == date(2025, 11, 1) and months[6].start == datetime(2025, 11, 30, 23, tzinfo=UTC)


# --- who sees what ---------------------------------------------------------------------------

def test_a_professional_sees_only_their_own_municipality(session, town):
    assert scope(session, town).municipality_id == town["leiden"].id
    with pytest.raises(PermissionDenied):
        scope(session, town, municipality_slug="leiderdorp")
    with pytest.raises(PermissionDenied):
        scope(session, town, actor=town["anna"])  # an ambassador
    with pytest.raises(PermissionDenied):
        scope(session, town, actor=town["m1"])
    with pytest.raises(ValidationError):
        scope(session, town, wijk_slugs=["centrum"])  # a wijk of another municipality


def test_an_admin_sees_any_municipality_or_all_together(session, town):
    def requests(**kwargs):
        s = scope(session, town, actor=town["admin"], **kwargs)
        return stats.asking(session=session, scope=s, period=MAY, points=stats.buckets(MAY), now=NOW).kinds[
            "request"].posts.current
    assert requests() == 5  # Leiden's four and Leiderdorp's one; the demo post never
    assert requests(municipality_slug="leiderdorp") == 1
    assert requests(municipality_slug="leiden", wijk_slugs=["stevenshof"]) == 1


# --- the figures -------------------------------------------------------------------------------

def test_members_new_and_total_over_time(session, town):
    s = scope(session, town)
    figures = stats.participation(session=session, scope=s, period=MAY, points=stats.buckets(MAY), now=NOW)
    assert figures.members == Compared(10, 7)  # incl. Fatima and the two ambassadors
    assert figures.new_members == Compared(3, 1)
    assert [(p.new, p.total) for p in figures.series] == [(1, 8), (0, 8), (2, 10), (0, 10), (0, 10)]
    wijk = scope(session, town, wijk_slugs=["stevenshof"])
    assert stats.participation(session=session, scope=wijk, period=MAY, points=[], now=NOW).members == Compared(3, 2)


def test_active_members_posted_reacted_or_wrote_in_the_last_30_and_90_days(session, town):
    figures = stats.participation(session=session, scope=scope(session, town), period=MAY, points=[], now=NOW)
    # May: Mies, Kees, Joop, Truus, Henk, Anna, Fatima. Before: Mies and Kees (March and April).
    assert figures.active_30 == Compared(7, 2)
    assert figures.active_90 == Compared(7, 2)


def test_neighbours_without_an_account_taking_part_through_an_ambassador(session, town):
    figures = stats.participation(session=session, scope=scope(session, town), period=MAY, points=[], now=NOW)
    assert figures.neighbours_taking_part == Compared(1, 0)
    assert figures.neighbours_helped == Compared(0, 0)


def test_posts_matches_and_match_rate_per_kind(session, town):
    s = scope(session, town)
    asking = stats.asking(session=session, scope=s, period=MAY, points=stats.buckets(MAY), now=NOW)
    requests, offers = asking.kinds["request"], asking.kinds["offer"]
    assert (requests.posts, offers.posts) == (Compared(4, 1), Compared(3, 0))
    assert (requests.matches, offers.matches) == (Compared(2, 1), Compared(1, 0))
    assert requests.match_rate == Compared(0.5, 1.0)
    assert offers.match_rate.current == pytest.approx(1 / 3) and offers.match_rate.previous is None
    assert [(p.requests, p.offers) for p in asking.series] == [(1, 0), (3, 3), (0, 0), (0, 0), (0, 0)]
    per_category = {c.slug: c for c in asking.categories}
    assert per_category["tuin"].requests == Compared(3, 1) and per_category["tuin"].offers == Compared(3, 0)
    assert per_category["tuin"].matches == Compared(3, 1)
    assert per_category["vervoer"].requests == Compared(1, 0)


def test_time_to_the_first_reaction_median_and_90th_percentile(session, town):
    asking = stats.asking(session=session, scope=scope(session, town), period=MAY, points=[], now=NOW)
    requests = asking.kinds["request"]
    # Waits of 1, 2, 3 (on paper) and 10 hours: nearest rank 2 of 4 and 4 of 4.
    assert requests.first_reaction_median_hours == Compared(pytest.approx(2.0), pytest.approx(4.0))
    assert requests.first_reaction_p90_hours.current == pytest.approx(10.0)
    assert asking.kinds["offer"].first_reaction_median_hours.current == pytest.approx(24.0)


@pytest.mark.parametrize("few_waits", [stats.FEW_WAITS, 0], ids=["sorted", "walked"])
def test_first_reaction_percentiles_are_nearest_ranks_with_ties(session, town, monkeypatch, few_waits):
    # "walked": along the wait index, up for the median and down from the longest for the 90th.
    monkeypatch.setattr(stats, "FEW_WAITS", few_waits)
    centrum = session.exec(select(Neighbourhood).where(Neighbourhood.slug == "centrum")).one()
    leiderdorp = stats.resolve_scope(session=session, actor=town["admin"], municipality_slug="leiderdorp")
    author = make_member(session, centrum, email_verified_at=at(1, 1))
    responder = make_member(session, centrum, email_verified_at=at(1, 1))
    # Ten more requests with waits of 1, 2, 2, 3, 5, 5, 5, 8, 13 and 21 hours (the one already
    # there has none): nearest rank 5 of 10 is 5 hours, 9 of 10 is 13 hours.
    for day, hours in enumerate((1, 2, 2, 3, 5, 5, 5, 8, 13, 21), start=11):
        request = make_post(session, author=author, neighbourhood=centrum, kind="request",
                            created_at=at(5, day))
        make_conversation(session, request, responder, created_at=at(5, day) + timedelta(hours=hours))
    asking = stats.asking(session=session, scope=leiderdorp, period=MAY, points=[], now=NOW)
    assert asking.kinds["request"].first_reaction_median_hours.current == pytest.approx(5.0)
    assert asking.kinds["request"].first_reaction_p90_hours.current == pytest.approx(13.0)


def test_the_period_before_counts_the_same_posts_in_its_percentiles_as_in_its_post_counts(session, town):
    # November after the change to winter time: the 30 days before start on 2 October at 01:00 in
    # summer time, an hour past a local midnight. The period before is its local days (2 October
    # included) for every figure: a request placed at 00:30 that day counts in both.
    centrum = session.exec(select(Neighbourhood).where(Neighbourhood.slug == "centrum")).one()
    leiderdorp = stats.resolve_scope(session=session, actor=town["admin"], municipality_slug="leiderdorp")
    november = stats.period_for("zelf", today=date(2026, 12, 15), first=date(2026, 11, 1), last=date(2026, 11, 30))
    assert november.previous.first_day == date(2026, 10, 2)
    author = make_member(session, centrum, email_verified_at=at(1, 1))
    responder = make_member(session, centrum, email_verified_at=at(1, 1))
    for created, hours in ((datetime(2026, 10, 1, 22, 30, tzinfo=UTC), 5), (at(10, 10), 1)):
        request = make_post(session, author=author, neighbourhood=centrum, kind="request", created_at=created)
        make_conversation(session, request, responder, created_at=created + timedelta(hours=hours))
    for few_waits in (stats.FEW_WAITS, 0):  # sorted, and walked along the wait index
        stats_module_few, stats.FEW_WAITS = stats.FEW_WAITS, few_waits
        try:
            requests = stats.asking(session=session, scope=leiderdorp, period=november, points=[],
                                    now=datetime(2026, 12, 15, tzinfo=UTC)).kinds["request"]
        finally:
            stats.FEW_WAITS = stats_module_few
        assert requests.posts.previous == 2
        assert requests.first_reaction_median_hours.previous == pytest.approx(1.0)
        assert requests.first_reaction_p90_hours.previous == pytest.approx(5.0)


def test_share_of_requests_that_ran_out_without_any_reaction(session, town):
    asking = stats.asking(session=session, scope=scope(session, town), period=MAY, points=[], now=NOW)
    # Ended in May: e1 (ran out, nobody reacted), e2 (ran out, answered), r1 and r3 (matched).
    assert asking.expired_unanswered == Compared(0.25, 0.0)


def test_who_placed_the_posts_residents_ambassadors_or_professionals(session, town):
    asking = stats.asking(session=session, scope=scope(session, town), period=MAY, points=stats.buckets(MAY), now=NOW)
    assert asking.self_placed.current == pytest.approx(5 / 7) and asking.self_placed.previous == 1.0
    week = asking.placement[1]
    assert (week.residents, week.ambassadors, week.professionals) == (4, 1, 1)


def test_act_now_lists_requests_nobody_reacted_to_after_3_and_7_days(session, town):
    found = stats.act_now(session=session, scope=scope(session, town), now=NOW)
    assert (found.waiting_3, found.waiting_7) == (2, 1)
    assert [r.id for r in found.requests] == [town["w2"].id, town["w1"].id]  # the longest waiting first
    assert [r.days_waiting for r in found.requests] == [10, 4]
    assert found.requests[0].ambassadors == ("Anna",)  # lives in the Merenwijk and keeps its board
    assert found.requests[1].ambassadors == ("Bert",)


def test_ambassadors_with_their_work_and_the_quiet_ones_first(session, town):
    rows = stats.ambassadors(session=session, scope=scope(session, town), now=NOW)
    anna, bert = rows
    assert (anna.name, anna.neighbours, anna.open_posts, anna.waiting) == ("Anna", 1, 1, 1)
    assert anna.days_quiet == 38 and anna.quiet  # placed Gerda's offer on 8 May
    assert (bert.name, bert.days_quiet, bert.quiet) == ("Bert", 1, False)


def test_boards_with_paper_reactions_visits_and_matches(session, town):
    rows = {r.slug: r for r in stats.boards(session=session, scope=scope(session, town), period=MAY, now=NOW)}
    assert set(rows) == {"x", "y"}
    assert rows["x"].posts_on_sheet == 5  # w2, the one of 14 June, w4, o2, o3 (the rest ran out or ended)
    assert rows["x"].paper_reactions == Compared(1, 0)
    assert rows["x"].matches == Compared(1, 0)  # r3, matched after its paper reaction
    assert rows["x"].visits == Compared(5, 4)
    assert rows["y"].visits == Compared(1, 0)  # 1 June is not May


def test_a_visit_through_a_sheet_is_counted_for_its_board_without_who(session, town):
    code = codes.display(town["o3"].short_code)
    boards.count_visit(session=session, code=code, board_slug="x", today=date(2026, 6, 15))
    boards.count_visit(session=session, code=code, board_slug="x", today=date(2026, 6, 15))
    # Typed by hand: the only board that shows the Merenwijk.
    boards.count_visit(session=session, code=code, board_slug="", today=date(2026, 6, 15))
    boards.count_visit(session=session, code="BUUV-NOPE1", board_slug="x", today=date(2026, 6, 15))
    visit = session.get(BoardVisit, (town["x"].id, date(2026, 6, 15)))
    assert visit.visits == 3
    assert set(BoardVisit.model_fields) == {"board_id", "day", "visits"}


def test_new_ties_are_pairs_who_first_got_in_contact_in_the_period(session, town):
    network = stats.network(session=session, scope=scope(session, town), period=MAY)
    # Mies-Joop, Truus-Henk and Truus-Gerda (the neighbour, not her ambassador); Mies-Kees met in March.
    assert network.new_ties == Compared(3, 0)


def test_reciprocity_and_repeat_helpers(session, town):
    network = stats.network(session=session, scope=scope(session, town), period=MAY)
    # Taking part in May: Mies, Kees, Joop, Truus, Henk, Fatima. Mies asked and offered (and helped
    # and was helped); Kees helped (reacted to Mies's matched request) and was helped (his own).
    assert network.taking_part == Compared(6, 2)
    assert network.reciprocity.current == pytest.approx(2 / 6) and network.reciprocity.previous == 0.0
    # Mies helped twice within 90 days: her matched offer and Kees's request of April.
    assert network.repeat_helpers == Compared(1, 0)


def test_the_research_export_gives_aggregates_and_suppresses_small_numbers(session, town):
    rows = stats.research_export(session=session, actor=town["pro"], period=MAY)
    assert [r.values()[:4] for r in rows] == [("2026-05", "Leiden", "Merenwijk", "Tuin"),
                                               ("2026-05", "Leiden", "Stevenshof", "Vervoer")]
    merenwijk, stevenshof = rows
    # Six people took part in the Merenwijk's garden help; each count is under 5.
    assert merenwijk.values()[4:] == ("<5", "<5", "<5", 6)
    # Two people in the Stevenshof: nothing but zeros is given.
    assert stevenshof.values()[4:] == ("<5", 0, 0, "<5")
    text = repr(rows)
    for private in ("Mies", "Gerda", "example.org", "Wie helpt"):
        assert private not in text


def test_the_research_export_gives_counts_of_five_and_more(session, town):
    tuin = session.exec(select(Category).where(Category.slug == "tuin")).one()
    for _ in range(6):  # six offers by six people in one cell
        helper = make_member(session, town["stevenshof"], email_verified_at=at(5, 1))
        make_post(session, author=helper, neighbourhood=town["stevenshof"], category=tuin, kind="offer",
                  created_at=at(5, 20))
    rows = {r.wijk + r.category: r for r in stats.research_export(session=session, actor=town["pro"], period=MAY)}
    assert rows["StevenshofTuin"].values()[4:] == (0, 6, 0, 6)


def test_the_overview_puts_it_all_together_for_a_professional(session, town):
    overview = stats.overview(session=session, actor=town["pro"], period=MAY, now=NOW)
    assert overview.scope.municipality_name == "Leiden"
    assert len(overview.points) == 5
    assert overview.asking.kinds["request"].posts == Compared(4, 1)
    assert overview.act_now.waiting_3 == 2
    leiden = stats.resolve_scope(session=session, actor=town["pro"])
    assert overview.network == stats.network(session=session, scope=leiden, period=MAY)  # read in three pieces
    assert overview.network.new_ties.current > 0


@pytest.fixture
def fresh_cache():
    stats.clear_overview_cache()
    yield
    stats.clear_overview_cache()


def test_a_cached_overview_is_shown_again_until_it_is_old_then_read_anew(session, town, fresh_cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(stats, "monotonic", lambda: clock[0])
    first = stats.cached_overview(session=session, actor=town["pro"], period=MAY)
    town["r1"].status = "closed"  # a change to an existing post ...
    session.add(town["r1"])
    session.commit()
    clock[0] += stats.CACHE_SECONDS - 1
    again = stats.cached_overview(session=session, actor=town["pro"], period=MAY)
    assert again is first  # ... waits: the same figures, generated_at says how old
    assert stats.cached_overview(session=session, actor=town["admin"], period=MAY,
                                 municipality_slug="leiden") is first  # same scope, same figures
    clock[0] += 2
    later = stats.cached_overview(session=session, actor=town["pro"], period=MAY)
    assert later is not first
    assert later.asking.kinds["request"].matches.current == first.asking.kinds["request"].matches.current - 1
    assert later.asking == stats.overview(session=session, actor=town["pro"], period=MAY).asking


def test_a_cached_overview_is_read_anew_as_soon_as_something_is_added(session, town, fresh_cache):
    first = stats.cached_overview(session=session, actor=town["pro"], period=MAY)
    make_post(session, author=town["m1"], neighbourhood=town["merenwijk"], kind="request", created_at=at(5, 30))
    later = stats.cached_overview(session=session, actor=town["pro"], period=MAY)
    assert later.asking.kinds["request"].posts.current == first.asking.kinds["request"].posts.current + 1


def test_the_cache_checks_who_asks_before_it_answers(session, town, fresh_cache):
    stats.cached_overview(session=session, actor=town["pro"], period=MAY)
    with pytest.raises(PermissionDenied):
        stats.cached_overview(session=session, actor=town["anna"], period=MAY)
    with pytest.raises(PermissionDenied):
        stats.cached_overview(session=session, actor=town["pro"], period=MAY, municipality_slug="leiderdorp")
    other_wijk = stats.cached_overview(session=session, actor=town["pro"], period=MAY, wijk_slugs=["stevenshof"])
    assert other_wijk.scope.chosen_wijken == ("stevenshof",)

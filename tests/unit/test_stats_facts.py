"""The facts stored for the back office's figures (services/stats_facts.py) stay equal to a live
recomputation from the source rows through every write that touches them: reactions online and
on paper, a post moved, matched, closed or deleted, consent withdrawn, an account deleted (SQLite,
and PostgreSQL with BUUV_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from buuv_app.models import (
    ActiveDay,
    PaperReaction,
    BoardAmbassador,
    BoardLocation,
    BoardNeighbourhood,
    Category,
    FirstContact,
    MemberDay,
    Neighbour,
    Post,
    PostDay,
    utcnow,
)
from buuv_app.models.stats import EVERYWHERE, MUNICIPALITY, WIJK
from buuv_app.services import accounts, ambassador, boards, messaging, posts, roles, stats_facts
from tests.factories import (
    make_category,
    make_conversation,
    make_member,
    make_municipality,
    make_neighbourhood,
    make_post,
)

PASSWORD = "een lange zin om te onthouden"


def stored(session) -> tuple[list, list]:
    session.expire_all()
    contacts = sorted(tuple(row) for row in session.exec(
        select(FirstContact.level, FirstContact.area_id, FirstContact.a, FirstContact.b, FirstContact.first_at)).all())
    firsts = sorted(tuple(row) for row in session.exec(
        select(Post.id, Post.first_reaction_at, Post.first_reaction_wait)).all())
    return contacts, firsts


def stored_days(session) -> list[list[tuple]]:
    session.expire_all()
    return [sorted(tuple(row) for row in session.exec(
        select(PostDay.level, PostDay.area_id, PostDay.day, PostDay.kind, PostDay.category_id, PostDay.placer,
               PostDay.placed, PostDay.placed_matched, PostDay.matched, PostDay.closed, PostDay.reacted,
               PostDay.expiring, PostDay.expiring_unanswered)).all()),
        sorted(tuple(row) for row in session.exec(
            select(MemberDay.level, MemberDay.area_id, MemberDay.user_id, MemberDay.day, MemberDay.asked,
                   MemberDay.offered, MemberDay.helped, MemberDay.was_helped, MemberDay.prev_day,
                   MemberDay.next_asked, MemberDay.next_offered, MemberDay.next_helped,
                   MemberDay.next_was_helped)).all()),
        sorted(tuple(row) for row in session.exec(select(ActiveDay.user_id, ActiveDay.day, ActiveDay.prev_day)).all())]


def assert_live(session) -> tuple[list, list]:
    """The stored facts are what recomputing them from the source rows gives."""
    before, days = stored(session), stored_days(session)
    stats_facts.rebuild(session=session)
    session.commit()
    assert stored(session) == before
    assert stored_days(session) == days
    return before


def pairs(session, level: int, area_id: int) -> set[tuple[int, int]]:
    return {(a, b) for a, b in session.exec(select(FirstContact.a, FirstContact.b).where(
        FirstContact.level == level, FirstContact.area_id == area_id)).all()}


@pytest.fixture
def town(session):
    leiden = make_municipality(session, slug="leiden", name="Leiden")
    merenwijk = make_neighbourhood(session, leiden, slug="merenwijk", name="Merenwijk")
    stevenshof = make_neighbourhood(session, leiden, slug="stevenshof", name="Stevenshof")
    category = make_category(session, slug="tuin")
    anna = make_member(session, merenwijk, display_name="Anna", role="ambassador", password=PASSWORD)
    ann = make_member(session, merenwijk, display_name="Ann", password=PASSWORD)
    bob = make_member(session, stevenshof, display_name="Bob", password=PASSWORD)
    cas = make_member(session, merenwijk, display_name="Cas", password=PASSWORD)
    gerda = Neighbour(ambassador_id=anna.id, first_name="Gerda", neighbourhood_id=merenwijk.id,
                      consent_method="verbal", consent_given_on=date(2026, 1, 1))
    board = BoardLocation(slug="bieb", name="Bieb Merenwijk", address="a", municipality_id=leiden.id)
    session.add_all([gerda, board])
    session.flush()
    session.add_all([BoardNeighbourhood(board_id=board.id, neighbourhood_id=merenwijk.id),
                     BoardAmbassador(board_id=board.id, user_id=anna.id)])
    session.commit()

    def post(author, wijk, kind="request", **extra):
        return make_post(session, author=author, neighbourhood=wijk, category=category, kind=kind, **extra)

    return {
        "leiden": leiden, "merenwijk": merenwijk, "stevenshof": stevenshof, "anna": anna, "ann": ann, "bob": bob,
        "cas": cas, "gerda": gerda, "board": board,
        "p1": post(ann, merenwijk), "p2": post(bob, stevenshof, "offer"), "p3": post(ann, merenwijk, "offer"),
        "for_gerda": post(anna, merenwijk, neighbour_id=gerda.id, ambassador_id=anna.id),
        "demo": post(ann, merenwijk, is_demo=True),
    }


def test_reactions_online_and_on_paper_are_stored_as_they_come_in(session, town):
    t = town
    assert assert_live(session) == ([], sorted((p.id, None, None) for p in session.exec(select(Post)).all()))
    first = messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["p1"].id)
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["for_gerda"].id)
    messaging.start_conversation(session=session, user=t["ann"], post_id=t["p2"].id)
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["demo"].id)  # demo: no tie
    boards.record_paper_reaction(session=session, actor=t["anna"], board_slug="bieb", code=t["p3"].short_code)
    session.expunge(t["p1"]), session.expunge(t["p3"])  # as when a handler's session ends: ...
    assert t["p1"].first_reaction_at == first.created_at and t["p3"].first_reaction_at is not None  # ... readable
    session.add_all([t["p1"], t["p3"]])
    assert_live(session)

    assert session.get(Post, t["p1"].id).first_reaction_at == first.created_at
    p1 = session.get(Post, t["p1"].id)
    assert p1.first_reaction_wait == pytest.approx((first.created_at - p1.created_at).total_seconds(), abs=0.01)
    assert session.get(Post, t["p3"].id).first_reaction_at is not None  # on paper
    assert session.get(Post, t["demo"].id).first_reaction_at is not None
    ann, bob, cas, gerda = t["ann"].id, t["bob"].id, t["cas"].id, -t["gerda"].id
    ann_bob = tuple(sorted((ann, bob)))
    everywhere = {ann_bob, tuple(sorted((ann, cas))), (gerda, cas)}  # Cas meets Gerda, not Anna
    assert pairs(session, EVERYWHERE, 0) == everywhere
    assert pairs(session, MUNICIPALITY, t["leiden"].id) == everywhere
    assert pairs(session, WIJK, t["merenwijk"].id) == everywhere  # Ann and Bob first about p1 ...
    assert pairs(session, WIJK, t["stevenshof"].id) == {ann_bob}  # ... and again about p2


def test_a_post_moved_matched_closed_or_deleted_keeps_the_facts_live(session, town):
    t = town
    messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    boards.record_paper_reaction(session=session, actor=t["anna"], board_slug="bieb", code=t["p3"].short_code)
    posts.update_post(session=session, actor=t["ann"], post_id=t["p1"].id, title="Wie helpt met de heg?",
                      body="Een uurtje snoeien.", neighbourhood_slug="stevenshof")
    assert_live(session)
    assert pairs(session, WIJK, t["merenwijk"].id) == set()
    assert pairs(session, WIJK, t["stevenshof"].id) == {tuple(sorted((t["ann"].id, t["bob"].id)))}

    posts.mark_matched(session=session, actor=t["ann"], post_id=t["p1"].id)
    posts.close_post(session=session, actor=t["bob"], post_id=t["p2"].id)
    assert_live(session)

    posts.delete_post(session=session, actor=t["ann"], post_id=t["p3"].id)  # its paper reaction goes too
    assert_live(session)
    assert session.get(Post, t["p1"].id).first_reaction_at is not None


def test_consent_withdrawn_and_accounts_deleted_keep_the_facts_live(session, town):
    t = town
    messaging.start_conversation(session=session, user=t["cas"], post_id=t["for_gerda"].id)
    messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    ambassador.update_neighbour(session=session, actor=t["anna"], neighbour_id=t["gerda"].id, first_name="Gerda",
                                neighbourhood_slug="merenwijk", contact_method="ambassador", consent_method="")
    assert_live(session)
    assert (-t["gerda"].id, t["cas"].id) in pairs(session, EVERYWHERE, 0)

    # Gerda took her post over with an account of her own (as ambassador.accept_invitation does),
    # then leaves: what Anna recorded about her goes, and Cas's tie is with Anna from then on.
    dora = make_member(session, t["merenwijk"], display_name="Gerda", password=PASSWORD)
    gerda = session.get(Neighbour, t["gerda"].id)
    gerda.account_id, gerda.joined_at = dora.id, utcnow()
    session.add(gerda)
    session.commit()
    accounts.delete_account(session=session, user=dora, password=PASSWORD)
    session.commit()
    assert_live(session)
    assert pairs(session, EVERYWHERE, 0) == {tuple(sorted((t["anna"].id, t["cas"].id))),
                                              tuple(sorted((t["ann"].id, t["bob"].id)))}

    accounts.delete_account(session=session, user=session.get(type(t["ann"]), t["ann"].id), password=PASSWORD)
    session.commit()
    assert_live(session)


def test_a_wijk_moved_to_another_municipality_by_the_reference_data_takes_its_first_contacts_along(session):
    from buuv_app.models import Municipality
    from buuv_app.services import seed

    elsewhere = make_municipality(session, slug="elders", name="Elders")
    wijk = make_neighbourhood(session, elsewhere, slug="merenwijk", name="Merenwijk")  # Leiden's, in places.toml
    asker, helper = make_member(session, wijk), make_member(session, wijk)
    request = make_post(session, author=asker, neighbourhood=wijk, category=make_category(session))
    messaging.start_conversation(session=session, user=helper, post_id=request.id)
    assert pairs(session, MUNICIPALITY, elsewhere.id)
    seed.load_reference_data(session=session)
    leiden = session.exec(select(Municipality).where(Municipality.slug == "leiden")).one()
    assert_live(session)
    assert pairs(session, MUNICIPALITY, elsewhere.id) == set()
    assert pairs(session, MUNICIPALITY, leiden.id) == {tuple(sorted((asker.id, helper.id)))}


def days(session, level: int, area_id: int) -> dict[tuple, tuple[int, int, int]]:
    """(day, kind, placer) -> (placed, of those matched, matched that day)."""
    out: dict[tuple, tuple[int, int, int]] = {}
    for day, kind, placer, placed, placed_matched, matched in session.exec(
            select(PostDay.day, PostDay.kind, PostDay.placer, PostDay.placed, PostDay.placed_matched,
                   PostDay.matched).where(PostDay.level == level, PostDay.area_id == area_id)).all():
        old = out.get((day, kind, placer), (0, 0, 0))
        out[day, kind, placer] = (old[0] + placed, old[1] + placed_matched, old[2] + matched)
    return out


def test_the_day_counts_follow_posts_placed_matched_moved_deleted_and_roles_changed(session, town):
    t = town
    # Placed at 23:30 UTC, 00:30 in Amsterdam (winter): counted on the local day, the 15th.
    category = session.get(Category, t["p1"].category_id)
    late = make_post(session, author=t["ann"], neighbourhood=t["merenwijk"], category=category,
                     created_at=datetime(2026, 1, 14, 23, 30, tzinfo=UTC))
    merenwijk, leiden = t["merenwijk"].id, t["leiden"].id
    jan15 = date(2026, 1, 15)
    assert days(session, WIJK, merenwijk)[jan15, "request", "resident"] == (1, 0, 0)
    assert days(session, MUNICIPALITY, leiden)[jan15, "request", "resident"] == (1, 0, 0)
    today = stats_facts.local_day(utcnow())
    assert days(session, WIJK, merenwijk)[today, "request", "ambassador"] == (1, 0, 0)  # for Gerda
    assert days(session, MUNICIPALITY, leiden)[today, "request", "resident"] == (1, 0, 0)  # p1, not the demo
    assert_live(session)

    posts.mark_matched(session=session, actor=t["ann"], post_id=late.id)
    assert days(session, WIJK, merenwijk)[jan15, "request", "resident"] == (1, 1, 0)
    assert days(session, WIJK, merenwijk)[today, "request", "resident"] == (1, 0, 1)  # matched today
    posts.update_post(session=session, actor=t["ann"], post_id=t["p1"].id, title="Wie helpt met de heg?",
                      body="Een uurtje snoeien.", neighbourhood_slug="stevenshof")
    assert (today, "request", "resident") not in days(session, WIJK, merenwijk) or \
        days(session, WIJK, merenwijk)[today, "request", "resident"][0] == 0
    assert days(session, WIJK, t["stevenshof"].id)[today, "request", "resident"] == (1, 0, 0)
    assert_live(session)

    # Ann becomes a professional: her posts count as placed by a professional, back and forth.
    admin = make_member(session, t["merenwijk"], display_name="Beheer", role="admin", password=PASSWORD)
    roles.set_role(session=session, actor=admin, target_id=t["ann"].id, role="professional",
                   municipality_slug="leiden")
    assert days(session, MUNICIPALITY, leiden)[jan15, "request", "professional"] == (1, 1, 0)
    assert_live(session)
    roles.set_role(session=session, actor=admin, target_id=t["ann"].id, role="resident")
    assert days(session, MUNICIPALITY, leiden)[jan15, "request", "resident"] == (1, 1, 0)
    assert_live(session)

    posts.delete_post(session=session, actor=t["ann"], post_id=t["p3"].id)
    posts.close_post(session=session, actor=t["bob"], post_id=t["p2"].id)
    talk = messaging.start_conversation(session=session, user=t["cas"], post_id=t["p1"].id)
    messaging.send_message(session=session, user=t["ann"], conversation_id=talk.id,
                           client_id="0c6d1f4e-2f7b-4c1e-9a51-3b8e5d2a7c90", body="Fijn!",
                           now=datetime(2026, 2, 1, 12, tzinfo=UTC))
    assert_live(session)
    assert (t["ann"].id, date(2026, 2, 1)) in set(session.exec(select(ActiveDay.user_id, ActiveDay.day)).all())
    closed, reacted = session.exec(select(PostDay.closed, PostDay.reacted).where(
        PostDay.level == WIJK, PostDay.area_id == t["stevenshof"].id, PostDay.day == today,
        PostDay.kind == "offer")).one()
    assert (closed, reacted) == (1, 0)  # p2 closed today, nobody reacted to it
    assert session.exec(select(PostDay.reacted).where(
        PostDay.level == WIJK, PostDay.area_id == t["stevenshof"].id, PostDay.day == today,
        PostDay.kind == "request")).one() == 1  # p1, moved there, now with a reaction
    assert (today, "offer", "resident") not in days(session, WIJK, merenwijk)  # p3 is gone


def test_two_writers_on_the_same_day_both_count(engine, session, town):
    """Two posts placed at once in the same municipality on the same day: the second writer
    recounts after the first one committed (PostgreSQL: an advisory lock; SQLite: one writer)."""
    import threading

    from sqlmodel import Session

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time in anyway")
    category = session.get(Category, town["p1"].category_id)
    first = Session(engine)
    first.add(Post(**_post_values(town["ann"].id, town["merenwijk"].id, category.id)))
    first.flush()  # holds the lock for (Leiden, today) until it commits
    done = threading.Event()

    def second_writer():
        with Session(engine) as other:
            other.add(Post(**_post_values(town["bob"].id, town["stevenshof"].id, category.id)))
            other.commit()
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not done.wait(1.0)  # waits for the first writer
    first.commit()
    first.close()
    thread.join(10)
    assert done.is_set()
    assert_live(session)


def test_a_message_takes_its_writers_two_locks_in_one_statement(engine, session, town):
    """A message marks its writer's day active (stats_facts.add_active_days) under two locks, the
    member's and the member's day, taken in one statement (a message is the most frequent write);
    a second writer of the same member waits until the first commits."""
    import threading

    import sqlalchemy as sa

    from buuv_app.services import stats_facts

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time in anyway")
    today = stats_facts.local_day(utcnow())
    locking: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _many):
        if "pg_advisory_xact_lock" in statement:
            locking.append(statement)

    done = threading.Event()

    def second_writer():
        with engine.connect() as other, other.begin():
            stats_facts.add_active_days(connection=other, keys=[(town["ann"].id, today)])
        done.set()

    with engine.connect() as first:
        transaction = first.begin()
        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            stats_facts.add_active_days(connection=first, keys=[(town["ann"].id, today)])
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
        held = first.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                     "AND pid = pg_backend_pid() AND granted").scalar_one()
        thread = threading.Thread(target=second_writer)
        thread.start()
        waited = not done.wait(1.0)  # the second writer waits for the first
        transaction.commit()
    thread.join(10)
    assert len(locking) == 1
    assert held == 2  # the member's, then the member's day
    assert waited and done.is_set()


def test_members_locks_are_refused_without_the_number_they_are_taken_under(engine):
    """A caller that passes members but not their table would lock under another table's number
    (and so not wait for the writers it should): refused on every database, not only PostgreSQL."""
    from buuv_app.services import stats_facts

    today = stats_facts.local_day(utcnow())
    with engine.connect() as connection:
        with pytest.raises(ValueError, match="members_table"):
            stats_facts._lock(connection, 3, [(1, today)], members=[1])
        stats_facts._lock(connection, 3, [(1, today)], members=[1], members_table=5)
        stats_facts._lock(connection, 3, [(1, today)])  # no members, no table needed
        connection.rollback()


def _post_values(author_id: int, wijk_id: int, category_id: int) -> dict:
    from buuv_app.models.post import POST_LIFETIME
    from buuv_app.services.codes import new_code

    now = utcnow()
    return {"short_code": new_code(), "kind": "request", "title": "Wie helpt mij even?", "body": "Een uurtje.",
            "category_id": category_id, "neighbourhood_id": wijk_id, "author_id": author_id, "created_at": now,
            "updated_at": now, "expires_at": now + POST_LIFETIME}


def live_reciprocity(session, scope, period) -> dict[int, tuple[int, int]]:
    """span (1 the period, 0 the one before) -> (members taking part, of whom reciprocal), grouping
    every deed (stats._roles_played), real accounts only."""
    import sqlalchemy as sa

    from buuv_app.models import User
    from buuv_app.services import stats

    roles = stats._roles_played(scope, period)
    real = select(User.id).where(User.is_demo.is_(False), User.deleted_at.is_(None))
    per_member = (select(roles.c.span, roles.c.user_id, *[sa.func.max(roles.c[c]).label(c) for c in (
        "asked", "offered", "helped", "was_helped")]).where(roles.c.user_id.in_(real))
        .group_by(roles.c.span, roles.c.user_id).subquery())
    return {span: (total, int(both or 0)) for span, total, both in session.exec(
        select(per_member.c.span, sa.func.count(), sa.func.sum(sa.case((sa.or_(
            sa.and_(per_member.c.asked == 1, per_member.c.offered == 1),
            sa.and_(per_member.c.helped == 1, per_member.c.was_helped == 1)), 1), else_=0)))
        .group_by(per_member.c.span)).all()}


def test_reciprocity_from_the_day_flags_equals_the_roles_played_read_live(session, town):
    """The stored day flags (member_day) give what grouping every deed (stats._roles_played) gives."""
    from buuv_app.services import stats

    t = town
    messaging.start_conversation(session=session, user=t["bob"], post_id=t["p1"].id)
    messaging.start_conversation(session=session, user=t["ann"], post_id=t["p2"].id)
    posts.mark_matched(session=session, actor=t["ann"], post_id=t["p1"].id)
    posts.mark_matched(session=session, actor=t["bob"], post_id=t["p2"].id)
    admin = make_member(session, t["merenwijk"], display_name="Beheer", role="admin", password=PASSWORD)
    today = stats_facts.local_day(utcnow())
    period = stats.period_for(stats.PeriodKind.MONTH, today=today)
    for scope in (stats.resolve_scope(session=session, actor=admin, municipality_slug="leiden"),
                  stats.resolve_scope(session=session, actor=admin, municipality_slug="leiden",
                                      wijk_slugs=["stevenshof"])):
        live = live_reciprocity(session, scope, period)
        stored = stats._reciprocity(session, scope, period)
        total, both = live.get(1, (0, 0))
        assert stored["taking_part"].current == total and total > 0
        assert stored["reciprocity"].current == (both / total)


def test_the_links_between_a_members_days_follow_every_write_and_give_the_figures_read_live(session, town):
    """member_day's and active_day's links to a member's other days (prev_day, next_*) stay what a
    rebuild gives after every kind of write: a deed on a day after, before and between a member's
    other days, a post matched (flags on an old day), moved to another wijk, deleted, a message on a
    new day. Reciprocity and active members read through them equal the live definitions for
    periods that start before, on, between and after those days, in every kind of scope."""
    from datetime import timedelta

    from buuv_app.services import stats

    t = town
    for who in ("ann", "bob", "cas", "anna"):  # long-standing members (no limits of a new account)
        t[who].created_at = utcnow() - timedelta(days=400)
        session.add(t[who])
    session.commit()
    category = session.get(Category, t["p1"].category_id)
    admin = make_member(session, t["merenwijk"], display_name="Beheer", role="admin", password=PASSWORD)
    today = stats_facts.local_day(utcnow())

    def at(days_ago: int) -> datetime:
        return stats.local_midnight(today - timedelta(days=days_ago)) + timedelta(hours=12)

    def post(author, wijk, kind, days_ago):
        return make_post(session, author=t[author], neighbourhood=t[wijk], category=category, kind=kind,
                         created_at=at(days_ago))

    scopes = [stats.resolve_scope(session=session, actor=admin),
              stats.resolve_scope(session=session, actor=admin, municipality_slug="leiden"),
              stats.resolve_scope(session=session, actor=admin, municipality_slug="leiden",
                                  wijk_slugs=["merenwijk", "stevenshof"]),
              stats.resolve_scope(session=session, actor=admin, municipality_slug="leiden", wijk_slugs=["merenwijk"])]
    periods = [stats.Period(stats.local_midnight(today - timedelta(days=first)),
                            stats.local_midnight(today - timedelta(days=last - 1)))
               for first, last in ((30, 20), (16, 6), (12, 8), (10, 7), (9, 1), (7, 3), (4, 0), (2, 0))]

    def live_active(scope, end, days) -> int:
        members = set(session.exec(stats._members(scope)).all())
        deeds = [row for query in stats_facts.deeds_query(spans=[(end - timedelta(days=days), end)])
                 for row in session.exec(query).all()]
        return len({who for who, _ in deeds} & members)

    def check() -> None:
        assert_live(session)
        for scope in scopes:
            for period in periods:
                live = live_reciprocity(session, scope, period)
                stored = stats._reciprocity(session, scope, period)
                for span, figure in ((1, "current"), (0, "previous")):
                    total, both = live.get(span, (0, 0))
                    assert getattr(stored["taking_part"], figure) == total, (scope, period, span)
                    assert getattr(stored["reciprocity"], figure) == (both / total if total else None)
                assert stats._active_members(session, scope, period) == (
                    live_active(scope, period.end, 30), live_active(scope, period.previous.end, 30),
                    live_active(scope, period.end, 90), live_active(scope, period.previous.end, 90))

    asked = post("ann", "merenwijk", "request", 10)
    offered = post("bob", "stevenshof", "offer", 12)
    messaging.start_conversation(session=session, user=t["bob"], post_id=asked.id, now=at(8))
    talk = messaging.start_conversation(session=session, user=t["ann"], post_id=offered.id, now=at(8))
    messaging.send_message(session=session, user=t["ann"], conversation_id=talk.id, body="Graag!",
                           client_id="5d1c0a43-3f0e-4c8e-9d2a-7b6f1e0c9a11", now=at(6))
    post("ann", "merenwijk", "offer", 3)  # after her other days
    check()
    post("ann", "stevenshof", "offer", 14)  # before them, in another wijk
    between = post("ann", "merenwijk", "offer", 9)  # between them
    check()
    posts.mark_matched(session=session, actor=t["ann"], post_id=asked.id)  # helped, was helped on old days
    posts.mark_matched(session=session, actor=t["bob"], post_id=offered.id)
    check()
    posts.update_post(session=session, actor=t["ann"], post_id=between.id, title="Wie wil er soep?",
                      body="Een pan te veel.", neighbourhood_slug="stevenshof")  # another wijk
    check()
    posts.delete_post(session=session, actor=t["ann"], post_id=between.id)  # the day between goes
    check()
    messaging.send_message(session=session, user=t["bob"], conversation_id=talk.id, body="Tot zo.",
                           client_id="0b9e6f2a-8c47-4d1e-a3f5-6c2d9e8b7a40", now=at(1))  # a new active day
    messaging.send_message(session=session, user=t["ann"], conversation_id=talk.id, body="Fijn.",
                           client_id="9f3a7c1e-2b6d-4e8a-b5c4-1d0e7f6a2b93", now=at(6))  # a day she has
    check()
    stored = session.exec(select(MemberDay.day, MemberDay.prev_day, MemberDay.next_offered).where(
        MemberDay.level == MUNICIPALITY, MemberDay.user_id == t["ann"].id).order_by(MemberDay.day)).all()
    days = [today - timedelta(days=n) for n in (14, 10, 8, 3, 0)]  # an offer, a request, a reaction, offers
    assert [tuple(row) for row in stored] == [(days[0], None, days[0]), (days[1], days[0], days[3]),
                                              (days[2], days[1], days[3]), (days[3], days[2], days[3]),
                                              (days[4], days[3], days[4])]


def test_requests_running_out_are_counted_on_their_last_day_and_today_up_to_now_read_live(session, town):
    """post_day.expiring and expiring_unanswered (revision 0111) follow a request running out, a
    reaction to it, a renewal and a match, and give the share of requests that ran out unanswered
    as read live: whole days before today from the counts, today up to now and the hour before the
    first midnight of a period before that starts off one (across summer time) from the posts."""
    from datetime import timedelta

    from buuv_app.services import stats

    t = town
    category = session.get(Category, t["p1"].category_id)
    now = datetime(2026, 4, 15, 12, tzinfo=UTC)  # 14:00 in Amsterdam (summer time since 29 March)
    period = stats.period_for(stats.PeriodKind.MONTH, today=date(2026, 4, 15))
    assert period.previous.start == datetime(2026, 3, 16, 22, tzinfo=UTC)  # 23:00 on 16 March (winter)
    admin = make_member(session, t["merenwijk"], display_name="Beheer", role="admin", password=PASSWORD)
    scope = stats.resolve_scope(session=session, actor=admin, municipality_slug="leiden")

    def request(expires_at, **extra):
        return make_post(session, author=t["ann"], neighbourhood=t["merenwijk"], category=category, kind="request",
                         created_at=expires_at - timedelta(days=42), expires_at=expires_at, **extra)

    late = request(datetime(2026, 3, 16, 22, 30, tzinfo=UTC))  # 23:30 on 16 March: in the period before
    request(datetime(2026, 3, 16, 21, 30, tzinfo=UTC))  # 22:30 on 16 March: before it
    answered = request(datetime(2026, 4, 10, 9, tzinfo=UTC))
    make_conversation(session, answered, t["bob"], created_at=datetime(2026, 3, 20, tzinfo=UTC))
    earlier_today = request(datetime(2026, 4, 15, 10, tzinfo=UTC))  # ran out this morning
    request(datetime(2026, 4, 15, 14, tzinfo=UTC))  # runs out this afternoon: not yet
    request(datetime(2026, 4, 2, 9, tzinfo=UTC), status="in_contact")  # ran out, answered
    request(datetime(2026, 5, 1, tzinfo=UTC), status="matched", matched_at=datetime(2026, 4, 5, tzinfo=UTC))
    request(datetime(2026, 4, 1, tzinfo=UTC), status="closed", closed_at=datetime(2026, 3, 20, tzinfo=UTC))
    assert_live(session)
    # Now: ran out the 10th, this morning and the 2nd (this morning's unanswered), one matched.
    # Before: ran out at 23:30 on 16 March (unanswered), one closed.
    assert stats._expired_unanswered(session, scope, period, now) == stats.Compared(1 / 4, 1 / 2)

    session.add(PaperReaction(post_id=earlier_today.id, board_id=t["board"].id, recorded_by_id=t["anna"].id,
                              created_at=datetime(2026, 4, 15, 11, tzinfo=UTC)))
    stats_facts.reaction_added(session=session, post_id=earlier_today.id)  # as record_paper_reaction does
    session.commit()
    assert_live(session)
    assert stats._expired_unanswered(session, scope, period, now) == stats.Compared(0.0, 1 / 2)

    late = session.get(Post, late.id)
    late.expires_at = datetime(2026, 5, 20, tzinfo=UTC)  # renewed (as posts.renew_post does)
    session.add(late)
    session.commit()
    assert_live(session)
    assert stats._expired_unanswered(session, scope, period, now) == stats.Compared(0.0, 0.0)
    days = stored_days(session)[0]
    assert sum(row[-1] for row in days if row[0] == MUNICIPALITY and row[2] == date(2026, 3, 16)) == 1  # 22:30
    assert sum(row[-1] for row in days if row[0] == MUNICIPALITY and row[2] == date(2026, 5, 20)) == 1


def test_a_role_changed_recounts_every_day_its_posts_are_counted_on(session, town):
    """The placer of a post is its placer's current role: a role changed recounts the days the
    post was placed, matched, closed and runs out on (the closed day was left out before)."""
    from datetime import timedelta

    t = town
    category = session.get(Category, t["p1"].category_id)
    placed = utcnow() - timedelta(days=10)
    make_post(session, author=t["ann"], neighbourhood=t["merenwijk"], category=category, created_at=placed,
              status="closed", closed_at=placed + timedelta(days=4))
    assert_live(session)
    admin = make_member(session, t["merenwijk"], display_name="Beheer", role="admin", password=PASSWORD)
    roles.set_role(session=session, actor=admin, target_id=t["ann"].id, role="professional",
                   municipality_slug="leiden")
    assert_live(session)


def test_a_post_written_recounts_its_days_from_the_posts_of_those_days_alone(engine, session, town):
    """A post placed, matched or closed recounts post_day for its days from the posts placed,
    matched, closed or running out on those days, found on an index of each of those columns (and the
    professionals among their placers on an index of the role); not
    by reading every post of its municipality, which made every post write slower as the towns'
    posts grew (and queued the writers of tests/scale/test_sqlite_writers.py). Read off SQLite's
    query plan of the recount; the counts stay what a recomputation gives."""
    import sqlalchemy as sa
    from datetime import timedelta

    if engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan (EXPLAIN QUERY PLAN)")
    t = town
    category = session.get(Category, t["p1"].category_id)
    for i in range(150):  # half a year of older posts in both wijken, some closed and matched
        at = utcnow() - timedelta(days=2 + i)
        make_post(session, author=t["bob"] if i % 2 else t["ann"], neighbourhood=t["stevenshof" if i % 2 else
                  "merenwijk"], category=category, created_at=at,
                  **({"status": "closed", "closed_at": at + timedelta(days=1)} if i % 5 == 0 else
                     {"status": "matched", "matched_at": at + timedelta(days=1)} if i % 5 == 1 else {}))
    session.exec(sa.text("ANALYZE"))
    session.commit()
    recounts: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("SELECT post.neighbourhood_id, post.kind, post.category_id"):
            recounts.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        placed = posts.create_post(session=session, author=t["cas"], kind="request", title="Wie tilt de kast?",
                                   body="Een kast naar boven.", category_slug=category.slug,
                                   neighbourhood_slug="merenwijk")
        posts.mark_matched(session=session, actor=t["cas"], post_id=placed.id)
        posts.close_post(session=session, actor=t["bob"], post_id=t["p2"].id)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    assert len(recounts) >= 3
    with engine.connect() as connection:
        for statement, parameters in recounts:
            plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            reads = [step for step in plan if step.startswith(("SCAN post", "SEARCH post"))]
            assert reads, plan
            # Who the professionals are (stats_facts.placer): found on ix_user_role, not by reading
            # every member.
            members = [step for step in plan if step.startswith(("SCAN user", "SEARCH user"))]
            assert members and all("ix_user_role" in step for step in members), plan
            for step in reads:
                assert step.startswith("SEARCH post USING INTEGER PRIMARY KEY") or any(
                    f"USING COVERING INDEX {index} (" in step for index in (
                        "ix_post_recent", "ix_post_matched_at", "ix_post_closed_at", "ix_post_status_expires")
                ), plan
    assert_live(session)

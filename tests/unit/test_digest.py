"""The weekly digest on constructed data: what it says, an empty week sends nothing, exactly one per
member per week even under two concurrent runs, and one-click unsubscribe without logging in."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from buuv_app.models import DigestSent, User
from buuv_app.services import digest, mail
from tests.factories import count_rows, make_member, make_neighbourhood, make_post

# Monday 7 December 2026, 08:00 in Amsterdam (07:00 UTC): the digest covers 30 Nov - 6 Dec.
MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
IN_THE_WEEK = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
BEFORE_THE_WEEK = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def town(session):
    home = make_neighbourhood(session, name="Merenwijk")
    nearby = make_neighbourhood(session, name="Stevenshof", municipality_id=home.municipality_id)
    far = make_neighbourhood(session, name="Ver weg", municipality_id=home.municipality_id)
    reader = make_member(session, home, display_name="Ria")
    neighbour = make_member(session, home, display_name="Bert")
    return {"home": home, "nearby": nearby, "far": far, "reader": reader, "neighbour": neighbour}


def queued_mails(session) -> list[dict]:
    return [{"to": row.to_address, "subject": row.subject, "body": row.body, "headers": json.loads(row.headers or "{}")}
            for row in mail.list_outbox(session=session)]


def test_the_week_is_monday_in_amsterdam_and_the_send_time_is_monday_morning():
    assert digest.week_of(MONDAY) == date(2026, 12, 7)
    assert digest.week_of(datetime(2026, 12, 6, 23, 30, tzinfo=UTC)) == date(2026, 12, 7)  # 00:30 Monday there
    start, end = digest.window(date(2026, 12, 7))
    assert (start, end) == (datetime(2026, 11, 29, 23, 0, tzinfo=UTC), datetime(2026, 12, 6, 23, 0, tzinfo=UTC))
    assert digest.is_send_time(MONDAY)
    assert not digest.is_send_time(MONDAY - timedelta(hours=2))  # 06:00 there
    assert not digest.is_send_time(MONDAY + timedelta(days=1))


def test_the_digest_tells_open_requests_nobody_answered_new_offers_matches_and_thanks_of_the_week(session, town):
    home, nearby, far, reader, bert = (town[k] for k in ("home", "nearby", "far", "reader", "neighbour"))
    make_post(session, author=bert, neighbourhood=home, title="Wie tilt mijn kast?", created_at=BEFORE_THE_WEEK,
              expires_at=MONDAY + timedelta(days=10))
    make_post(session, author=bert, neighbourhood=home, title="Al in contact", status="in_contact",
              created_at=IN_THE_WEEK)
    make_post(session, author=reader, neighbourhood=home, title="Mijn eigen vraag", created_at=IN_THE_WEEK)
    make_post(session, author=bert, neighbourhood=home, kind="offer", title="Ik leen mijn boor uit",
              created_at=IN_THE_WEEK)
    make_post(session, author=bert, neighbourhood=home, kind="offer", title="Oud aanbod", created_at=BEFORE_THE_WEEK)
    make_post(session, author=bert, neighbourhood=home, title="Boodschappen gedaan", status="matched",
              created_at=BEFORE_THE_WEEK, matched_at=IN_THE_WEEK, thank_you="Dank je wel, Ria!")
    make_post(session, author=bert, neighbourhood=nearby, title="Hulp in Stevenshof", created_at=IN_THE_WEEK)
    make_post(session, author=bert, neighbourhood=far, title="Te ver weg", created_at=IN_THE_WEEK)
    digest.set_nearby(session=session, user=reader, neighbourhood_ids=[nearby.id, 999_999])

    built = digest.build_digest(session=session, user=reader, week=digest.week_of(MONDAY), now=MONDAY)
    assert [i.title for i in built.open_requests] == ["Wie tilt mijn kast?", "Hulp in Stevenshof"]
    assert [i.title for i in built.offers] == ["Ik leen mijn boor uit"]
    assert [i.title for i in built.matches] == ["Boodschappen gedaan"]

    assert digest.send_weekly(session=session, now=MONDAY) == 2  # Ria, and Bert (the match in his wijk)
    mail = next(m for m in queued_mails(session) if m["to"] == reader.email)
    body = mail["body"]
    assert mail["subject"] == "Deze week in Merenwijk op BUUV"
    assert body.startswith("Hallo Ria,")
    assert "Nog niemand heeft gereageerd op deze vragen:" in body and "Wie tilt mijn kast?" in body
    assert "Hulp in Stevenshof (Stevenshof)" in body
    assert "Nieuw aanbod:\n- Ik leen mijn boor uit" in body
    assert "Buren hielpen elkaar 1 keer:" in body and "\"Dank je wel, Ria!\"" in body
    for absent in ("Al in contact", "Mijn eigen vraag", "Oud aanbod", "Te ver weg"):
        assert absent not in body
    assert max(len(line) for line in body.splitlines() if not line.strip().startswith("http")) < 80  # a phone
    assert "/account#meldingen" in body  # all mail and push kinds on one page
    unsubscribe = digest.unsubscribe_url(reader.id)
    assert unsubscribe in body
    assert mail["headers"] == {"List-Unsubscribe": f"<{unsubscribe}>",
                               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def test_the_sender_puts_the_unsubscribe_headers_on_the_mail(session, town, monkeypatch):
    from buuv_app.settings import Settings
    from tests.unit.test_mail import FakeSMTP

    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    settings = Settings(_env_file=None, SMTP_HOST="smtp.example.org")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    make_post(session, author=town["neighbour"], neighbourhood=town["home"], created_at=IN_THE_WEEK,
              expires_at=MONDAY + timedelta(days=10))
    assert digest.send_weekly(session=session, now=MONDAY) == 1  # Bert's own request is no news to him
    assert mail.send_due(session=session, now=MONDAY) == 1
    [message] = FakeSMTP.sent
    assert message["List-Unsubscribe"] == f"<{digest.unsubscribe_url(town['reader'].id)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hallo Ria," in message.get_content()


def test_a_week_without_news_sends_nothing_and_members_who_opted_out_or_are_not_confirmed_get_none(session, town):
    make_post(session, author=town["neighbour"], neighbourhood=town["far"], created_at=IN_THE_WEEK)
    assert digest.send_weekly(session=session, now=MONDAY) == 0
    assert count_rows(session, DigestSent) == 0 and queued_mails(session) == []

    make_post(session, author=town["neighbour"], neighbourhood=town["home"], created_at=IN_THE_WEEK)
    for user in (town["reader"], town["neighbour"]):
        user.digest_mail = False
        session.add(user)
    make_member(session, town["home"], email_verified_at=None)
    session.commit()
    assert digest.send_weekly(session=session, now=MONDAY) == 0


def test_running_twice_in_a_week_sends_once_and_the_next_week_again(session, town):
    make_post(session, author=town["neighbour"], neighbourhood=town["home"], created_at=IN_THE_WEEK,
              expires_at=MONDAY + timedelta(days=30))
    assert digest.send_weekly(session=session, now=MONDAY) == 1
    assert digest.send_weekly(session=session, now=MONDAY + timedelta(hours=3)) == 0
    assert len(queued_mails(session)) == 1
    assert digest.send_weekly(session=session, now=MONDAY + timedelta(days=7)) == 1  # still open, nobody reacted


def test_two_concurrent_runs_queue_exactly_one_digest_per_member(session, engine, town):
    # Runs on PostgreSQL too with BUUV_TEST_DATABASE_URL set.
    members = [make_member(session, town["home"]) for _ in range(30)]
    make_post(session, author=town["neighbour"], neighbourhood=town["home"], created_at=IN_THE_WEEK)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            with Session(engine, expire_on_commit=False) as own:
                barrier.wait()
                counts.append(digest.send_weekly(session=own, now=MONDAY))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = len(members) + 1  # Ria and the new members; Bert wrote the only news
    assert sum(counts) == expected
    recipients = [m["to"] for m in queued_mails(session)]
    assert len(recipients) == len(set(recipients)) == expected
    assert count_rows(session, DigestSent) == expected


def test_one_click_unsubscribe_works_without_login_and_refuses_a_forged_token(session, engine, town, monkeypatch):
    from buuv_app import db as buuv_db
    from buuv_app.api import create_api

    monkeypatch.setattr(buuv_db, "get_engine", lambda: engine, raising=False)
    monkeypatch.setattr("buuv_app.api.unsubscribe.session_scope", _scope_on(engine))
    reader = town["reader"]
    url = digest.unsubscribe_url(reader.id).split("://", 1)[1].split("/", 1)[1]
    client = TestClient(create_api())

    page = client.get("/" + url)  # a link scanner or a click: asks, changes nothing
    assert page.status_code == 200 and "Ja, uitschrijven" in page.text and 'method="post"' in page.text
    session.refresh(reader)
    assert reader.digest_mail is True

    forged = client.post("/" + url.replace(url.rsplit(".", 1)[1], "0" * 32), data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 400
    other = client.post(f"/api/uitschrijven?soort=digest&token={town['neighbour'].id}.{url.rsplit('.', 1)[1]}")
    assert other.status_code == 400  # one member's signature does not work for another

    done = client.post("/" + url, data={"List-Unsubscribe": "One-Click"})  # RFC 8058, no cookie
    assert done.status_code == 200 and "uitgeschreven" in done.text
    session.refresh(reader)
    assert reader.digest_mail is False
    assert session.get(User, town["neighbour"].id).digest_mail is True


def _scope_on(engine):
    from contextlib import contextmanager

    @contextmanager
    def scope():
        with Session(engine, expire_on_commit=False) as own:
            yield own

    return scope


def test_nearby_wijken_are_chosen_from_ones_own_town_by_slug_and_the_rest_is_ignored(session, town):
    reader, home, nearby = town["reader"], town["home"], town["nearby"]
    elsewhere = make_neighbourhood(session, name="Andere stad")
    choices = digest.list_nearby_choices(session=session, user=reader)
    assert [c.name for c in choices] == ["Stevenshof", "Ver weg"] and not any(c.chosen for c in choices)

    digest.set_nearby_slugs(session=session, user=reader, slugs=[nearby.slug, home.slug, "bestaat-niet", 12, None])
    assert [c.name for c in digest.list_nearby_choices(session=session, user=reader) if c.chosen] == ["Stevenshof"]
    digest.set_nearby_slugs(session=session, user=reader, slugs="niet-een-lijst")
    assert not any(c.chosen for c in digest.list_nearby_choices(session=session, user=reader))
    assert elsewhere.name not in [c.name for c in choices]

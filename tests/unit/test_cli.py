"""The command line: the first admin comes from `make admin EMAIL=...`."""

from __future__ import annotations

import pytest

from buuv_app import cli
from tests.factories import make_member, make_post


@pytest.fixture
def cli_database(engine, monkeypatch):
    """Point the CLI's session_scope at this test's database."""
    from contextlib import contextmanager

    from sqlmodel import Session

    @contextmanager
    def scope():
        with Session(engine, expire_on_commit=False) as session:
            yield session

    monkeypatch.setattr(cli, "session_scope", scope)
    return engine


def test_make_admin_promotes_a_confirmed_account(session, cli_database, capsys):
    member = make_member(session, email="beheer@example.org", display_name="Beheer")
    assert cli.main(["make-admin", "beheer@example.org"]) == 0
    session.refresh(member)
    assert member.role == "admin"
    assert "is nu beheerder" in capsys.readouterr().out


def test_make_admin_refuses_an_unknown_address(session, cli_database, capsys):
    assert cli.main(["make-admin", "niemand@example.org"]) == 1
    assert "Geen bevestigd account" in capsys.readouterr().err


def test_moderation_reminders_run_twice_a_day_mail_once(session, cli_database, capsys):
    from datetime import timedelta

    from buuv_app.models import Report
    from buuv_app.services import moderation
    from tests.factories import make_municipality

    town = make_municipality(session)
    make_member(session, role="professional", municipality_id=town.id)
    session.add(Report(reporter_id=make_member(session).id, reason="spam", municipality_id=town.id,
                       created_at=moderation.utcnow() - timedelta(hours=50)))
    session.commit()
    assert cli.main(["moderation-reminders"]) == 0
    assert cli.main(["moderation-reminders"]) == 0
    out = capsys.readouterr().out
    assert "1 herinneringen over meldingen" in out and "0 herinneringen over meldingen" in out


def test_rebuild_figures_makes_the_overviews_facts_from_rows_written_behind_the_apps_back(session, cli_database,
                                                                                          capsys):
    from sqlmodel import select

    from buuv_app.models import Conversation, FirstContact, Post

    post = make_post(session)
    responder = make_member(session)
    session.add(Conversation(post_id=post.id, responder_id=responder.id, contact_id=post.author_id,
                             created_at=post.created_at))  # not through messaging.start_conversation
    session.commit()
    assert session.exec(select(FirstContact)).all() == []
    assert cli.main(["rebuild-figures"]) == 0
    session.expire_all()
    assert session.get(Post, post.id).first_reaction_at == post.created_at
    assert len(session.exec(select(FirstContact)).all()) == 3  # everywhere, the municipality, the wijk
    assert "opnieuw berekend" in capsys.readouterr().out

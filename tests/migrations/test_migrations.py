"""Migrations: `upgrade head` on an empty database gives exactly the models' schema, and
`downgrade base` removes it again, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import buuv_app.models  # noqa: F401
from alembic import command
from buuv_app.cli import alembic_config
from buuv_app.db import make_engine
from buuv_app.services import search
from buuv_app.services.search import include_in_migrations


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    return request.getfixturevalue("throwaway_postgres")()


def _config(url: str):
    config = alembic_config(url)
    config.attributes["configure_logger"] = False
    return config


def test_upgrade_head_gives_exactly_the_models_schema(empty_database_url):
    command.upgrade(_config(empty_database_url), "head")
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_in_migrations})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_downgrade_base_removes_every_table(empty_database_url):
    config = _config(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = make_engine(empty_database_url)
    tables = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()  # the FTS5 table and its shadow tables are gone too


def test_every_revision_has_a_message():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config("sqlite://"))
    revisions = list(script.walk_revisions())
    assert revisions
    assert all(revision.doc and revision.doc.strip() for revision in revisions)


REFERENCE_ROWS = (
    "INSERT INTO municipality (id, slug, name) VALUES (1, 'leiden', 'Leiden')",
    "INSERT INTO neighbourhood (id, slug, name, municipality_id, sort_order) VALUES (1, 'merenwijk', 'Merenwijk', 1, 0)",
    "INSERT INTO category (id, slug, name_nl, name_en, icon, sort_order) VALUES (1, 'tuin', 'Tuin', 'Garden', 'flower-2', 0)",
)


def test_accounts_revision_keeps_existing_users_and_their_posts(empty_database_url):
    """Rebuilding the user table must work while posts point at it (a real database has both)."""
    config = _config(empty_database_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        for statement in (
            *REFERENCE_ROWS,
            "INSERT INTO \"user\" (id, display_name, role, is_demo, created_at) VALUES (1, 'Anneke', 'resident', false, CURRENT_TIMESTAMP)",
            "INSERT INTO post (kind, title, body, category_id, neighbourhood_id, author_id, status, is_demo, created_at, updated_at, expires_at) "
            "VALUES ('request', 'Heg', 'Wie snoeit mee?', 1, 1, 1, 'open', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        ):
            connection.execute(sa.text(statement))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        row = connection.execute(sa.text('SELECT display_name, updated_at FROM "user"')).one()
        posts = connection.execute(sa.text("SELECT author_id FROM post")).all()
    engine.dispose()
    assert row.display_name == "Anneke"
    assert row.updated_at is not None
    assert [p.author_id for p in posts] == [1]


def test_a_migration_that_fails_halfway_leaves_nothing_behind(empty_database_url):
    config = _config(empty_database_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        # A stray table makes 0002 fail after it has already created other tables.
        connection.execute(sa.text("CREATE TABLE user_token (id INTEGER PRIMARY KEY)"))
    with pytest.raises(Exception):
        command.upgrade(config, "0002")
    tables = set(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert version == "0001"
    assert not tables & {"auth_attempt", "auth_session", "outbox_mail"}


def test_backfill_gives_existing_posts_a_unique_code_and_makes_them_searchable(empty_database_url):
    config = _config(empty_database_url)
    command.upgrade(config, "0003")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        for statement in (
            *REFERENCE_ROWS,
            "INSERT INTO \"user\" (id, display_name, role, is_demo, created_at, updated_at) VALUES (1, 'Anneke', 'resident', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        ):
            connection.execute(sa.text(statement))
        for title in ("Wie snoeit mijn heg?", "Hulp bij de CAFÉ-kassa"):
            connection.execute(sa.text(
                "INSERT INTO post (kind, title, body, category_id, neighbourhood_id, author_id, status, is_demo, "
                "created_at, updated_at, expires_at) VALUES ('request', :title, 'Graag!', 1, 1, 1, 'open', false, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"title": title})
    command.upgrade(config, "head")
    with engine.connect() as connection:
        codes = [row.short_code for row in connection.execute(sa.text("SELECT short_code FROM post"))]
        texts = [row.search_text for row in connection.execute(sa.text("SELECT search_text FROM post ORDER BY id"))]
        clause = search.matches(connection.dialect.name, "cafe", sa.column("id"), sa.column("search_text"))
        found = connection.execute(sa.select(sa.column("id")).select_from(sa.table("post")).where(clause)).all()
    engine.dispose()
    assert len(codes) == 2 and len(set(codes)) == 2 and all(codes)
    assert "merenwijk" in texts[0] and "tuin" in texts[0]
    assert len(found) == 1


def _search(connection, words: str) -> list[int]:
    clause = search.matches(connection.dialect.name, words, sa.column("id"), sa.column("search_text"))
    return [row.id for row in connection.execute(sa.select(sa.column("id")).select_from(sa.table("post")).where(clause))]


def test_neighbours_revision_keeps_posts_searchable_both_ways(empty_database_url):
    """0010 rebuilds the post table on SQLite: existing posts stay, and search keeps working for
    old and new posts after upgrading and after downgrading again."""
    config = _config(empty_database_url)
    command.upgrade(config, "0008")
    engine = make_engine(empty_database_url)
    insert_post = sa.text(
        "INSERT INTO post (kind, title, body, category_id, neighbourhood_id, author_id, status, is_demo, created_at, "
        "updated_at, expires_at, short_code, visibility, when_kind, search_text) VALUES ('request', :title, 'Graag', "
        "1, 1, 1, 'open', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :code, 'everyone', "
        "'flexible', :text)")
    with engine.begin() as connection:
        for statement in (
            *REFERENCE_ROWS,
            "INSERT INTO \"user\" (id, display_name, role, is_demo, message_mail, created_at, updated_at) "
            "VALUES (1, 'Anneke', 'resident', false, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        ):
            connection.execute(sa.text(statement))
        connection.execute(insert_post, {"title": "Heg", "code": "AAAAA", "text": "wie snoeit mijn heg"})
    command.upgrade(config, "0010")
    with engine.begin() as connection:
        connection.execute(insert_post, {"title": "Gras", "code": "BBBBB", "text": "wie maait het gras"})
        row = connection.execute(sa.text("SELECT title, neighbour_id, ambassador_id FROM post WHERE short_code = 'AAAAA'")).one()
        assert (row.title, row.neighbour_id, row.ambassador_id) == ("Heg", None, None)
        assert len(_search(connection, "heg")) == 1 and len(_search(connection, "gras")) == 1
    command.downgrade(config, "0008")
    with engine.begin() as connection:
        connection.execute(insert_post, {"title": "Kat", "code": "CCCCC", "text": "wie voert de kat"})
        assert [len(_search(connection, w)) for w in ("heg", "gras", "kat")] == [1, 1, 1]
    engine.dispose()


def test_moderation_revision_keeps_conversation_reports_as_notes(empty_database_url):
    """0060: an earlier report's free text becomes its note (reason "iets anders"), about the other
    participant, in the post's municipality; and it goes back on downgrade."""
    config = _config(empty_database_url)
    command.upgrade(config, "0070")
    engine = make_engine(empty_database_url)
    now = "CURRENT_TIMESTAMP"
    with engine.begin() as connection:
        for statement in (
            *REFERENCE_ROWS,
            *(f"INSERT INTO \"user\" (id, display_name, role, is_demo, message_mail, created_at, updated_at) "
              f"VALUES ({n}, 'Buur {n}', 'resident', false, true, {now}, {now})" for n in (1, 2)),
            "INSERT INTO post (id, kind, title, body, category_id, neighbourhood_id, author_id, status, is_demo, "
            "created_at, updated_at, expires_at, short_code, visibility, when_kind, search_text) VALUES (1, 'request', "
            f"'Heg', 'Wie snoeit mee?', 1, 1, 1, 'open', false, {now}, {now}, {now}, 'ABCDE', 'everyone', "
            "'flexible', 'heg')",
            f"INSERT INTO conversation (id, post_id, responder_id, contact_id, created_at, last_message_at) "
            f"VALUES (1, 1, 2, 1, {now}, {now})",
            f"INSERT INTO report (reporter_id, conversation_id, reason, created_at) VALUES (2, 1, 'Vraagt om geld', {now})",
        ):
            connection.execute(sa.text(statement))
    command.upgrade(config, "0060")
    with engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT reason, note, subject_id, municipality_id, status FROM report")).one()
    assert tuple(row) == ("anders", "Vraagt om geld", 1, 1, "open")
    command.downgrade(config, "0070")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT reason FROM report")).scalar_one() == "Vraagt om geld"
    engine.dispose()


def test_audit_log_revision_makes_the_database_refuse_changes_and_its_downgrade_lifts_that(empty_database_url):
    from alembic.script import ScriptDirectory

    config = _config(empty_database_url)
    command.upgrade(config, "head")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO moderation_action (action, reason, created_at) "
                                   "VALUES ('hold', 'drie meldingen', CURRENT_TIMESTAMP)"))
    for statement in ("UPDATE moderation_action SET reason = 'anders'", "DELETE FROM moderation_action"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text(statement))
    engine.dispose()
    command.downgrade(config, ScriptDirectory.from_config(config).get_revision("0065").down_revision)
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        assert connection.execute(sa.text("DELETE FROM moderation_action")).rowcount == 1
    engine.dispose()


def test_the_search_triggers_survive_the_rebuild_of_the_post_table_in_0100(tmp_path):
    """On SQLite, adding post.helped_by_id's foreign key rebuilds the post table, which drops the
    full-text search triggers with it: 0100 puts them back, up and down."""
    url = f"sqlite:///{tmp_path / 'search.db'}"
    config = _config(url)
    engine = make_engine(url)
    wanted = {"post_fts_insert", "post_fts_delete", "post_fts_update"}

    def triggers() -> set[str]:
        with engine.connect() as connection:
            return {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}

    command.upgrade(config, "0100")
    assert wanted <= triggers()
    command.downgrade(config, "0083")
    assert wanted <= triggers()
    engine.dispose()


def test_the_frozen_statements_that_old_revisions_share_never_change():
    """0004, 0010, 0100 and 0101 import their SQLite search statements from one frozen module:
    editing it would change what those revisions make. A revision that needs other statements
    gets new constants instead."""
    import hashlib

    from buuv_app import frozen_migration_sql as frozen

    def checksum(statements: tuple[str, ...]) -> str:
        return hashlib.sha256("\n".join(statements).encode()).hexdigest()

    assert checksum(frozen.SQLITE_SEARCH) == "2ebf97b32a46caacbf94c426227deb33bc12f3882f85f4dd687346028b06b9b5"
    assert checksum(frozen.SQLITE_SEARCH_DROP) == "7bb27e89618e824294673f15fd27d0c164ed3ebf7faf5ef64c6ff22286b5f954"

"""Migrations: `upgrade head` on an empty database gives exactly the models' schema, and
`downgrade base` removes it again, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import buuv_app.models  # noqa: F401
from buuv_app.cli import alembic_config
from buuv_app.db import make_engine


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
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
    assert tables == set()


def test_every_revision_has_a_message():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config("sqlite://"))
    revisions = list(script.walk_revisions())
    assert revisions
    assert all(revision.doc and revision.doc.strip() for revision in revisions)


def test_accounts_revision_keeps_existing_users_and_gives_them_an_updated_at(empty_database_url):
    config = _config(empty_database_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO \"user\" (display_name, role, is_demo, created_at) "
            "VALUES ('Anneke', 'resident', false, CURRENT_TIMESTAMP)"
        ))
    command.upgrade(config, "0002")
    with engine.connect() as connection:
        row = connection.execute(sa.text('SELECT display_name, updated_at FROM "user"')).one()
    engine.dispose()
    assert row.display_name == "Anneke"
    assert row.updated_at is not None

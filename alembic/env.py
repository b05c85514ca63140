"""Alembic environment: the URL comes from buuv_app.settings, the schema from SQLModel.metadata."""

from logging.config import fileConfig

from sqlmodel import SQLModel

import buuv_app.models  # noqa: F401  (registers every table on the metadata)
from alembic import context
from buuv_app.db import make_engine
from buuv_app.services.search import include_in_migrations
from buuv_app.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    # Tests hand a URL in through the config; otherwise the app's own settings decide.
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), transactional_ddl=True)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copy, drop and rename; with foreign keys enforced the
        # drop fails as soon as other rows point at the table. Alembic's own advice: turn them
        # off for the migration. The pragma only works outside a transaction, so it goes to the
        # driver connection directly, before SQLAlchemy begins one.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        _configure_and_run(connection)
    finally:
        if sqlite:
            connection.rollback()  # ends nothing that matters: the migration has committed
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        include_object=include_in_migrations,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        # SQLite can roll DDL back too: a migration that fails halfway leaves nothing behind.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""The database engine and sessions, for the app, the CLI and the tests alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from buuv_app.settings import get_settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer writes; busy_timeout waits instead of failing
    # with "database is locked"; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_no_implicit_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, transactional_ddl: bool = False) -> Engine:
    """An engine for `url`, with SQLite tuned for a web app (and its folder created).

    Python's sqlite3 module opens a transaction only right before INSERT/UPDATE/DELETE. For the
    app that is what we want: a unit of work that reads and then writes never holds a stale
    read snapshot, so a concurrent writer makes it wait (busy_timeout) instead of failing with
    "database is locked". Schema changes, though, would run outside any transaction; migrations
    ask for `transactional_ddl`, where we BEGIN ourselves so a failed migration leaves nothing.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        if transactional_ddl:
            sa.event.listen(engine, "connect", _sqlite_no_implicit_transactions)
            sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A database that went away must not hang a handler: connecting gives up after a few seconds,
    # a dead pooled connection is noticed before use (pre-ping) and replaced once it is back.
    return sa.create_engine(url, pool_pre_ping=True, pool_timeout=10, connect_args={"connect_timeout": 5})


def database_unavailable(error: BaseException) -> bool:
    """Did this fail because the database could not be reached (stopped, restarting, network)?"""
    if isinstance(error, sa.exc.TimeoutError):  # no pooled connection came free
        return True
    if isinstance(error, sa.exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError)
    return False


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for one unit of work; services commit, errors roll back."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise

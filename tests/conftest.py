"""Shared fixtures: a fresh database per test, on SQLite or (BUUV_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import uuid

# Before anything reads the settings: cheap argon2 parameters for the unit tests (the browser tests'
# app server is started without this and hashes for real) and no real SMTP.
os.environ.setdefault("BUUV_FAST_PASSWORD_HASHING", "1")
os.environ.setdefault("BUUV_ENV", "test")
for _smtp in ("SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD"):
    os.environ.pop(_smtp, None)
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import buuv_app.models  # noqa: F401  (registers the tables)
from buuv_app.db import make_engine
from buuv_app.models import create_audit_guard
from buuv_app.services.search import create_search_index
from buuv_app.settings import normalize_database_url

PG_URL_ENV = "BUUV_TEST_DATABASE_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_required() -> bool:
    """In CI a missing PostgreSQL is a failure, not a skip."""
    return os.environ.get("BUUV_REQUIRE_POSTGRES") == "1"


def postgres_admin_url() -> str:
    return normalize_database_url(os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL)


def postgres_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, otherwise the reason it does not."""
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as error:  # noqa: BLE001 (any failure means "not here")
        return f"PostgreSQL not reachable at {url}: {type(error).__name__}: {str(error).splitlines()[0]}"


def skip_or_fail_without_postgres(url: str) -> None:
    reason = postgres_reachable(url)
    if reason is None:
        return
    if postgres_required():
        pytest.fail(f"{reason} (BUUV_REQUIRE_POSTGRES=1: CI must test PostgreSQL)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def throwaway_postgres():
    """Make a uniquely named PostgreSQL database; yields a factory, drops them all at the end."""
    admin_url = postgres_admin_url()
    created: list[str] = []

    def create() -> str:
        skip_or_fail_without_postgres(admin_url)
        name = f"buuv_test_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        created.append(name)
        return admin_url.rsplit("/", 1)[0] + f"/{name}"

    yield create
    if created:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create_schema(engine) -> None:
    """The models' tables plus what lives outside the metadata: the full-text index and the
    triggers that keep the audit log append-only (as the Alembic revisions make them)."""
    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:
        create_search_index(connection)
        create_audit_guard(connection)


@pytest.fixture(scope="session")
def _postgres_schema_url(throwaway_postgres) -> str:
    url = throwaway_postgres()
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(request, tmp_path) -> Iterator[sa.Engine]:
    """A database with the models' schema and no rows, new for every test."""
    if os.environ.get(PG_URL_ENV):
        url = request.getfixturevalue("_postgres_schema_url")
        engine = make_engine(url)
        yield engine
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        create_schema(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# --- the running production app, shared by the browser tests and the hostile-client suite ---

E2E_BASE_URL_ENV = "BUUV_E2E_BASE_URL"


@pytest.fixture(scope="session")
def running(tmp_path_factory):
    """The app this test run started (None when BUUV_E2E_BASE_URL points at another instance)."""
    if os.environ.get(E2E_BASE_URL_ENV):
        yield None
        return
    from tests.appserver import running_app

    with running_app(tmp_path_factory.mktemp("app")) as app:
        yield app


@pytest.fixture(scope="session")
def app_url(running) -> str:
    """The base URL of a running BUUV app."""
    return running.url if running else os.environ[E2E_BASE_URL_ENV].rstrip("/")


@pytest.fixture(scope="session")
def own_app(running) -> bool:
    """True when the scenarios run against the app this harness started (with demo data)."""
    return running is not None


@pytest.fixture
def app_db(running) -> Iterator[Session]:
    """A session on the running app's database (only for the app this run started)."""
    if running is None:
        pytest.skip("needs direct access to the app's database (not available with BUUV_E2E_BASE_URL)")
    engine = make_engine(running.database_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


# --- one more try for the suites that drive browsers, websockets and server processes ---

# A test that fails there runs once more (pytest-rerunfailures) and the run's summary names it
# ("R", "1 rerun"): a failure that comes back fails the run, a flake is reported without hiding
# the rest of a 15-minute run behind a timing accident on a shared 2-core machine. Unit and
# migration tests never get one: they have no timing to be unlucky with.
RERUN_SUITES = ("e2e", "security", "scale")
RERUNS = 1


def pytest_collection_modifyitems(config, items) -> None:
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        try:
            suite = Path(item.path).resolve().relative_to(tests_dir).parts[0]
        except ValueError:
            continue
        if suite in RERUN_SUITES and item.get_closest_marker("flaky") is None:
            item.add_marker(pytest.mark.flaky(reruns=RERUNS))

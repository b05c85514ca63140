"""When the database is away for a moment, handlers say so plainly and the app recovers by itself."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from buuv_app.db import database_unavailable, make_engine
from buuv_app.state.backend_errors import DATABASE_AWAY, handle_backend_exception
from tests.conftest import postgres_admin_url, skip_or_fail_without_postgres
from tests.tcpproxy import CuttableProxy, through


def _operational_error() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_an_unreachable_database_is_told_in_dutch_not_as_a_stack_trace():
    event = handle_backend_exception(_operational_error())
    assert DATABASE_AWAY in str(event)
    assert "even geen verbinding, we proberen het opnieuw" in DATABASE_AWAY.lower()


def test_other_errors_still_go_to_reflexs_own_handler():
    assert DATABASE_AWAY not in str(handle_backend_exception(ValueError("a bug")))
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(sa.exc.IntegrityError("INSERT", {}, Exception("duplicate")))


def test_a_pool_that_gives_no_connection_counts_as_unavailable():
    assert database_unavailable(sa.exc.TimeoutError("QueuePool limit reached"))


@pytest.mark.postgres
def test_the_app_engine_answers_fast_while_postgres_is_away_and_recovers_without_a_restart():
    admin_url = postgres_admin_url()
    skip_or_fail_without_postgres(admin_url)
    url = sa.engine.make_url(admin_url)
    proxy = CuttableProxy((url.host or "127.0.0.1", url.port or 5432))
    engine = make_engine(through(proxy, admin_url))
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("select 1")).scalar_one() == 1

        proxy.cut()  # PostgreSQL "stopped": the pooled connection is dead, new ones are refused
        started = time.monotonic()
        with pytest.raises(sa.exc.DBAPIError) as failure, engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        assert database_unavailable(failure.value)
        assert time.monotonic() - started < 6  # an answer, not a hang

        proxy.resume()  # and back: the same engine works again
        with engine.connect() as connection:
            assert connection.execute(sa.text("select 1")).scalar_one() == 1
    finally:
        engine.dispose()
        proxy.close()

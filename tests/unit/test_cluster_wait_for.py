"""deploy.cluster.wait_for: waits on a condition, treats "nothing listening yet" as not yet."""

from __future__ import annotations

import httpx
import pytest

from deploy.cluster import wait_for


def test_wait_for_returns_once_the_check_holds_and_retries_a_refused_connection():
    answers = iter([httpx.ConnectError("refused"), False, True])

    def check() -> bool:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    wait_for(check, timeout=10, message="never")


def test_wait_for_quotes_the_log_as_it_is_at_the_timeout_not_as_it_was_at_the_start():
    log: list[str] = []

    def check() -> bool:
        log.append("still starting")
        return False

    with pytest.raises(RuntimeError) as raised:
        wait_for(check, timeout=0.5, message=lambda: f"did not answer; log: {log}")
    assert "still starting" in str(raised.value)


def test_an_error_other_than_a_refused_connection_ends_the_wait_at_once():
    def check() -> bool:
        raise RuntimeError("the server stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        wait_for(check, timeout=60, message="never")

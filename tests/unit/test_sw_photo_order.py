"""The service worker keeps a photo's copy by the answer asked for last, whatever order the answers
arrive in: a slow "still open" asked before the post closed must not bring back the copy that the
later 404 took away (seen once in CI as a closed post's photo served from the device)."""

from __future__ import annotations

from tests.unit.sw_script import needs_node, run_worker_script


@needs_node
def test_a_late_answer_from_before_the_close_does_not_bring_the_photo_back():
    outcome = run_worker_script("sw_photo_order.mjs")
    assert outcome == {"asked": 2, "kept_after_close": False}

"""Offline, a back-office page the device never opened starts and says so, instead of reloading for
ever: the service worker answers its route module (left out of the precache, precache.py) with a
stub that draws nothing; any other missing file still fails as a missing file."""

from __future__ import annotations

from tests.unit.sw_script import needs_node, run_worker_script


@needs_node
def test_offline_a_back_office_route_module_not_on_the_device_is_answered_with_a_stub():
    outcome = run_worker_script("sw_on_demand.mjs")
    assert outcome["back_office"] == {"status": 200, "type": "text/javascript; charset=utf-8",
                                      "exports_default": True}
    assert "failed" in outcome["other"]  # not the back office: no stub hides a missing file
    assert outcome["precached"] == {"status": 200, "type": "text/plain;charset=UTF-8", "text": "root"}

"""The benchmark's own rules: which core runs what, what counts as lost or late, and what a page is compared with."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench import lighthouse, pinning
from bench.messages import CAPACITY_P95_MS, LATE_S, _passes, servers_cpu_s, step_figures


def test_a_message_never_stored_or_never_delivered_is_lost_and_a_slow_one_is_late():
    result = {
        "sent": ["on-time", "slow", "not-stored", "not-delivered"],
        "arrived": {"on-time": 0.05, "slow": LATE_S + 0.5, "not-stored": 0.05},
        "duplicated": 0,
        "load_cpu": 0.1,
    }
    figures = step_figures(result, stored={"on-time", "slow", "not-delivered"})
    assert figures["lost"] == 2
    assert figures["never_stored"] == 1
    assert figures["late"] == 1
    assert figures["sent"] == 4


def test_a_step_passes_only_within_the_p95_limit_and_with_nothing_lost():
    fast = step_figures({"sent": ["a"], "arrived": {"a": 0.01}, "duplicated": 0, "load_cpu": 0}, stored={"a"})
    slow = step_figures({"sent": ["a"], "arrived": {"a": CAPACITY_P95_MS / 1000 + 0.1}, "duplicated": 0,
                         "load_cpu": 0}, stored={"a"})
    lost = step_figures({"sent": ["a", "b"], "arrived": {"a": 0.01}, "duplicated": 0, "load_cpu": 0},
                        stored={"a", "b"})
    assert _passes(fast)
    assert not _passes(slow)
    assert not _passes(lost)


@pytest.mark.skipif(not pinning.PINNED, reason="one usable core: the bench runs unpinned and says so")
def test_servers_go_to_one_core_and_registered_load_generators_stay_on_the_other():
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    load = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    before = os.sched_getaffinity(0)
    try:
        pinning.pin_load(load.pid)
        pinning.pin_servers()
        assert pinning.cores_of(server.pid) == {pinning.SERVER_CORE}
        assert pinning.cores_of(load.pid) == {pinning.LOAD_CORE}
        assert pinning.SERVER_CORE != pinning.LOAD_CORE
    finally:
        for process in (server, load):
            process.kill()
            process.wait()  # reaped
        pinning._load_pids.discard(load.pid)
        os.sched_setaffinity(0, before)


def test_the_servers_cpu_per_message_leaves_the_load_generators_out():
    """message_server_cpu_ms_*: the CPU of the processes the bench started, except its load generators."""
    import psutil

    # Each burns 0.3 s of CPU, says so, then waits (holding its CPU time) until its stdin closes.
    burn = ("import sys, time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
            "print('burnt', flush=True)\nsys.stdin.read()")
    server, load = (subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True) for _ in range(2))
    before = os.sched_getaffinity(0)
    try:
        pinning.pin_load(load.pid)
        processes = [psutil.Process(server.pid), psutil.Process(load.pid)]

        def cpu(process: psutil.Process) -> float:
            times = process.cpu_times()
            return times.user + times.system

        assert server.stdout.readline().strip() == "burnt" and load.stdout.readline().strip() == "burnt"
        assert servers_cpu_s(processes) == pytest.approx(cpu(processes[0]))
        assert cpu(processes[1]) >= 0.3  # the load generator's was there, and left out
    finally:
        for process in (server, load):
            process.kill()
            process.communicate()  # reaped, its pipes closed
        pinning._load_pids.discard(load.pid)
        os.sched_setaffinity(0, before)


def test_each_page_is_read_beside_the_blank_reflex_app_of_the_same_run():
    results = {
        "lighthouse_performance_blank_reflex": {"value": 88, "unit": "/100"},
        "tbt_ms_blank_reflex": {"value": 120, "unit": "ms"},
        "lighthouse_performance_home": {"value": 73, "unit": "/100"},
        "tbt_ms_home": {"value": 1739, "unit": "ms"},
        "lighthouse_performance_hulp": {"value": 90, "unit": "/100"},
        "tbt_ms_hulp": {"value": 100, "unit": "ms"},
    }

    compared = lighthouse.compare_with_blank(results)

    assert compared["lighthouse_performance_home_below_blank_reflex"]["value"] == 15
    assert compared["tbt_ms_home_beyond_blank_reflex"]["value"] == 1619
    assert compared["lighthouse_performance_hulp_below_blank_reflex"]["value"] == -2  # better than blank
    assert compared["tbt_ms_hulp_beyond_blank_reflex"]["value"] == -20
    assert not any("buurt" in name for name in compared)  # not measured: nothing made up
    assert lighthouse.compare_with_blank({"tbt_ms_home": {"value": 5, "unit": "ms"}}) == {}

"""Tests and benchmarks build in folders of their own, never in the .web/ that `make run` serves."""

from __future__ import annotations

from pathlib import Path

from tests.appserver import ROOT, app_environment


def _dirs(env: dict[str, str]) -> tuple[Path, Path]:
    return Path(env["REFLEX_WEB_WORKDIR"]).resolve(), Path(env["REFLEX_STATES_WORKDIR"]).resolve()


def test_the_test_harness_never_builds_in_the_web_folder_make_run_serves():
    web, states = _dirs(app_environment("sqlite:///unused.db"))
    assert web != (ROOT / ".web").resolve() and states != (ROOT / ".states").resolve()
    assert web.is_relative_to((ROOT / ".build" / "test").resolve())
    assert states.is_relative_to((ROOT / ".build" / "test").resolve())


def test_benchmarks_and_tests_build_apart_from_each_other():
    test_web, _ = _dirs(app_environment("sqlite:///unused.db", "test"))
    bench_web, _ = _dirs(app_environment("sqlite:///unused.db", "bench"))
    assert test_web != bench_web
    assert bench_web.is_relative_to((ROOT / ".build" / "bench").resolve())


def test_the_build_folders_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".build/" in ignored

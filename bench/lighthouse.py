"""Lighthouse on three public pages of the production build: what a phone on a slow network sees.

Lighthouse (the npm package, pinned in the Makefile, `make lighthouse` installs it into
.tools/lighthouse/) drives Debian's Chromium with its mobile preset: a Moto G-sized screen,
simulated slow 4G and a 4× slower CPU. Per page (home `/`, `/hulp`, `/buurt/merenwijk`):
- lighthouse_performance_<page>: the performance score (0–100);
- lcp_ms_<page>: Largest Contentful Paint; tbt_ms_<page>: Total Blocking Time;
- lighthouse_accessibility_<page>: the accessibility score (0–100).
Each page is measured RUNS times and the median run is reported; its JSON report is kept in
bench/lighthouse/<page>.report.json (open it in https://googlechrome.github.io/lighthouse/viewer/).
Simulated throttling scales what this machine does: on a busy machine the figures are worse, so
README rows say the load average they were measured at.

`python -m bench.lighthouse` builds and serves the app on the demo data and runs only this part.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from tests.appserver import DEBIAN_CHROMIUM, ROOT, running_app

PAGES = {"home": "/", "hulp": "/hulp", "buurt": "/buurt/merenwijk"}
RUNS = int(os.environ.get("BUUV_LIGHTHOUSE_RUNS", "3"))
REPORTS = Path(__file__).resolve().parent / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
TARGETS = {
    **{f"lighthouse_performance_{name}": "≥ 90" for name in PAGES},
    **{f"lcp_ms_{name}": "≤ 2500 ms" for name in PAGES},
    **{f"tbt_ms_{name}": "≤ 200 ms" for name in PAGES},
    **{f"lighthouse_accessibility_{name}": "100" for name in PAGES},
}


def lighthouse_command() -> str:
    """The pinned Lighthouse from `make lighthouse` (BUUV_LIGHTHOUSE may name another)."""
    command = os.environ.get("BUUV_LIGHTHOUSE") or str(ROOT / ".tools/lighthouse/node_modules/.bin/lighthouse")
    if not Path(command).exists():
        raise RuntimeError(f"no Lighthouse at {command}: run `make lighthouse`")
    return command


def audit(url: str, output: Path) -> dict:
    """One Lighthouse run (mobile preset, simulated throttling) of `url`; the report is written to
    `output` and returned."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("BUUV_CHROMIUM", DEBIAN_CHROMIUM)}
    subprocess.run(
        [lighthouse_command(), url, "--quiet", "--output=json", f"--output-path={output}",
         "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}"],
        env=env, check=True, capture_output=True, timeout=300,
    )
    return json.loads(output.read_text(encoding="utf-8"))


def figures(report: dict) -> dict[str, float]:
    """The four figures of one report."""
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp_ms": round(report["audits"]["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(report["audits"]["total-blocking-time"]["numericValue"]),
    }


def run(url: str, runs: int = RUNS, reports: Path = REPORTS, pages: dict[str, str] = PAGES) -> dict[str, dict]:
    """Every page `runs` times; the run with the median performance score is reported and kept."""
    reports.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="buuv-lighthouse-") as scratch:
        for name, path in pages.items():
            rows: list[tuple[dict[str, float], Path]] = []
            for attempt in range(runs):
                output = Path(scratch) / f"{name}-{attempt}.json"
                rows.append((figures(audit(url + path, output)), output))
            rows.sort(key=lambda row: (row[0]["performance"], -row[0]["tbt_ms"]))
            median, report = rows[len(rows) // 2]
            (reports / f"{name}.report.json").write_text(report.read_text(encoding="utf-8"), encoding="utf-8")
            print(f"lighthouse {path}: " + "; ".join(
                f"performance {row['performance']} lcp {row['lcp_ms']} tbt {row['tbt_ms']}" for row, _ in rows))
            results[f"lighthouse_performance_{name}"] = {"value": median["performance"], "unit": "/100"}
            results[f"lcp_ms_{name}"] = {"value": statistics.median(row["lcp_ms"] for row, _ in rows), "unit": "ms"}
            results[f"tbt_ms_{name}"] = {"value": statistics.median(row["tbt_ms"] for row, _ in rows), "unit": "ms"}
            results[f"lighthouse_accessibility_{name}"] = {"value": median["accessibility"], "unit": "/100"}
    suffix = "" if pages is PAGES else "_" + "_".join(pages)
    results[f"lighthouse_load_average{suffix}"] = {"value": round(os.getloadavg()[0], 1), "unit": "(1 min)"}
    return results


def blank_reference(url: str, runs: int = RUNS, reports: Path = REPORTS) -> dict[str, dict]:
    """Reflex's blank template (served at `url`) measured the same way: what an app with nothing on
    it scores with the same tool, pinning and load. BUUV's pages are read beside it."""
    return run(url, runs, reports, pages={"blank_reflex": "/"})


def compare_with_blank(results: dict[str, dict]) -> dict[str, dict]:
    """How far each page's performance score is below the blank Reflex app's of the same run, and
    its TBT beyond the blank app's (a blank app's own start-up is in its TBT too)."""
    compared: dict[str, dict] = {}
    blank_score = results.get("lighthouse_performance_blank_reflex", {}).get("value")
    blank_tbt = results.get("tbt_ms_blank_reflex", {}).get("value")
    for name in PAGES:
        score = results.get(f"lighthouse_performance_{name}", {}).get("value")
        tbt = results.get(f"tbt_ms_{name}", {}).get("value")
        if blank_score is not None and score is not None:
            compared[f"lighthouse_performance_{name}_below_blank_reflex"] = {"value": blank_score - score,
                                                                             "unit": "points"}
        if blank_tbt is not None and tbt is not None:
            compared[f"tbt_ms_{name}_beyond_blank_reflex"] = {"value": round(tbt - blank_tbt), "unit": "ms"}
    return compared


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="buuv-bench-lighthouse-") as workdir:
        with running_app(Path(workdir), purpose="bench") as app:
            results = run(app.url)
    for name, figure in results.items():
        target = f"   (target {TARGETS[name]})" if name in TARGETS else ""
        print(f"{name}: {figure['value']} {figure['unit']}{target}")


if __name__ == "__main__":
    main()

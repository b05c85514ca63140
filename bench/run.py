"""Benchmarks: print performance figures and write them to bench/results.json.

Figures, not pass/fail: the targets are read by people (README). `make bench` runs this:
a production build on a database with 100,000 posts (`make bench SIZE=1000000`: another number,
for the browse, search and dashboard figures; written to results-<size>.json), then
- the installable app (bench/pwa.py): first_load_js_gzip_kb, the home page's transfer and its cold
  and warm (service worker) load times, and a blank Reflex app's first-load JavaScript and Lighthouse
  figures beside it (served, pinned and measured the same way);
- browse/search query timings through the services (bench/browse.py), search also on a
  throwaway PostgreSQL database when one is reachable;
- event round trips over the websocket: a no-op and a filter change (bench/events.py);
- message delivery with 200 connected clients on one worker, and on two workers sharing
  PostgreSQL and Redis when those are reachable (bench/messages.py); beside its memory per member,
  what one open websocket costs the same server without the app, and Granian beside it
  (bench/websocket_floor.py);
- a board's printable sheet of 200 posts, query and PDF (bench/boards.py), and a no-op event's
  round trip while 20 clients fetch sheets at once (bench/sheet_load.py);
- the back office's overview for one municipality over a year (bench/dashboard.py);
- the weekly digest built and queued for 10,000 members (bench/digest.py);
- the deployed layout through nginx: delivery with 1, 2 and 4 backends, and a backend killed under
  load (bench/cluster.py), when PostgreSQL, Redis and nginx are here.

The servers run on one core and this process and the load generators on the other (bench/pinning.py);
every timed figure is printed with the no-op event p95 of the same run beside it (`noop_p95_ms` and
`vs_noop` in results.json).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from bench import (boards, browse, cluster, dashboard, digest, events, lighthouse, messages, pinning, posts_data, pwa,
                   sheet_load, websocket_floor)
from buuv_app.db import make_engine
from buuv_app.models import Category
from tests.appserver import running_app

RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {
    "browse_query_p95_ms": "≤ 10 ms",
    "search_p95_ms": "≤ 15 ms",
    "search_p95_ms_postgres": "≤ 15 ms",
    "browse_event_p95_ms": "≤ 2 × (noop_event_p95_ms + browse_query_p95_ms)",
    "message_delivery_p95_ms_1worker": "≤ 100 ms",
    "message_delivery_p95_ms_2workers": "≤ 250 ms",
    # 3 × the load of 200 members sending one message each 10 s (20 messages/s).
    "message_capacity_per_s_1worker": "≥ 60 messages/s (delivery p95 ≤ 250 ms)",
    "message_capacity_per_s_2workers": "≥ 60 messages/s (delivery p95 ≤ 250 ms)",
    "backend_kb_per_client": "≤ 150 KB",
    "messages_lost_1worker": "0",
    "messages_duplicated_1worker": "0",
    "messages_lost_2workers": "0",
    "messages_duplicated_2workers": "0",
    "reconnect_after_kill_s": "< 5 s",
    "acknowledged_lost": "0",
    "duplicated": "0",
    **pwa.TARGETS,
    **lighthouse.TARGETS,
    "board_pdf_200_posts_ms": "≤ 700 ms (the slowest of five)",
    "board_pdf_cached_ms": "≤ 50 ms",
    "board_pdf_20_parallel_noop_event_p95_ms": sheet_load.TARGET,
    "dashboard_ms": f"{dashboard.TARGET} (cold, in-process: add noop_event_p95_ms for the round trip)",
    "digest_10k_members_s": digest.TARGET,
}


DEFAULT_SIZE = 100_000
TIMED_UNITS = ("ms", "s", "messages/s")


def results_path(size: int, parts: str = "all") -> Path:
    """results.json for the usual 100,000 posts; another size, or the data figures alone, keep a
    file of their own beside it (results-1000000.json, results-100000-data.json)."""
    if size == DEFAULT_SIZE and parts == "all":
        return RESULTS
    return RESULTS.with_name(f"results-{size}{'' if parts == 'all' else '-' + parts}.json")


def beside_noop(results: dict[str, dict], noop_ms: float) -> None:
    """Give every timed figure the no-op event p95 of the same run (unless it measured its own,
    against its own servers, as the message figures do) and its ratio to it."""
    for figure in results.values():
        if figure.get("unit") in TIMED_UNITS and isinstance(figure.get("value"), (int, float)) \
                and figure is not results.get("noop_event_p95_ms_at_start"):
            figure.setdefault("noop_p95_ms", noop_ms)
            if figure["unit"] != "messages/s" and figure["noop_p95_ms"]:
                scale = 1000 if figure["unit"] == "s" else 1
                figure["vs_noop"] = round(figure["value"] * scale / figure["noop_p95_ms"], 1)


def main(size: int = DEFAULT_SIZE, parts: str = "all") -> None:
    """`parts`: "all", or "data" for only the figures that grow with the number of posts (browse,
    search on SQLite and PostgreSQL, the overview) beside the same run's no-op event: how their
    cost grows from 100,000 to 1,000,000 posts, without the rest of the run."""
    results: dict[str, dict] = {}
    seconds: dict[str, float] = {}

    def populate(database_url: str) -> None:
        seconds["populate"] = posts_data.populate(database_url, n_posts=size)

    with tempfile.TemporaryDirectory(prefix="buuv-bench-") as workdir:
        with running_app(Path(workdir), populate=populate, purpose="bench") as app:
            # Servers on one core, this process and the load generators on the other.
            pinning.arrange()
            results["pinning"] = {"value": pinning.describe(), "unit": ""}
            results["noop_event_p95_ms_at_start"] = {"value": events.noop_p95(app.url), "unit": "ms"}
            results["posts_seeded"] = {"value": size, "unit": "posts"}
            if parts == "data":
                results.update(browse.run(app.database_url))
                results["noop_event_p95_ms"] = {"value": events.noop_p95(app.url), "unit": "ms"}
            else:
                run_app_figures(app, results)
        results.update(dashboard.run(Path(workdir), n_posts=size))
        try:
            results.update(browse.run_postgres(size=size))
        except Exception as error:  # noqa: BLE001 (no PostgreSQL here: say so, keep the rest)
            print(f"search on PostgreSQL skipped: {type(error).__name__}: {error}")
        if parts == "data":
            report(results, size, parts, seconds)
            return
        results.update(websocket_floor.run())
        results.update(pwa.blank_first_load_js(Path(workdir), lighthouse_too=True))
        results.update(digest.run(Path(workdir)))
        results.update(pwa.compare_with_blank(results))
        results.update(lighthouse.compare_with_blank(results))
        try:
            results.update(messages.run_two_workers(Path(workdir)))
        except Exception as error:  # noqa: BLE001 (no PostgreSQL or Redis here: say so, keep the rest)
            print(f"two-worker message figures skipped: {type(error).__name__}: {error}")
        try:
            results.update(cluster.run(Path(workdir)))
        except Exception as error:  # noqa: BLE001 (no PostgreSQL, Redis or nginx here: say so)
            print(f"figures through nginx skipped: {type(error).__name__}: {error}")
    floor = results["noop_event_p95_ms"]["value"] + results["browse_query_p95_ms"]["value"]
    results["browse_event_budget_ms"] = {"value": round(2 * floor, 2), "unit": "ms"}
    report(results, size, parts, seconds)


def run_app_figures(app, results: dict[str, dict]) -> None:
    """The figures measured against the running app (all but the data-only part)."""
    results.update(pwa.run(app.url))
    results.update(lighthouse.run(app.url))
    results.update(browse.run(app.database_url))
    results.update(boards.run(app.database_url))
    engine = make_engine(app.database_url)
    with Session(engine) as session:
        categories = list(session.exec(select(Category.slug)).all())
    engine.dispose()
    results.update(events.run(app.url, "merenwijk", categories))
    results.update(sheet_load.run(app.url))
    results.update(messages.run([app.url], app.database_url))


def report(results: dict[str, dict], size: int, parts: str, seconds: dict[str, float]) -> None:
    """Every timed figure beside the same run's no-op p95, written to its file and printed."""
    if results.get("noop_event_p95_ms", {}).get("value"):
        # The machine's speed at the moment, as a yardstick: the overview in no-op round trips.
        results["dashboard_vs_noop"] = {"value": round(results["dashboard_ms"]["value"]
                                                       / results["noop_event_p95_ms"]["value"], 1), "unit": "×"}
    beside_noop(results, results["noop_event_p95_ms_at_start"]["value"])
    path = results_path(size, parts)
    path.write_text(json.dumps(results, indent=2) + "\n")
    for name, figure in results.items():
        target = f"   (target {TARGETS[name]})" if name in TARGETS else ""
        noop = f"   (noop p95 {figure['noop_p95_ms']} ms)" if "noop_p95_ms" in figure else ""
        print(f"{name}: {figure['value']} {figure['unit']}{noop}{target}")
    print(f"({size:,} posts seeded in {seconds.get('populate', 0):.1f} s)")
    print(f"written to {path}")

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="all benchmark figures (make bench)")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE,
                        help="posts in the browse/search database and the dashboard's (make bench SIZE=1000000)")
    parser.add_argument("--parts", choices=("all", "data"), default="all",
                        help="data: only browse, search and the overview, which grow with the posts (make bench PARTS=data)")
    arguments = parser.parse_args()
    main(arguments.size, arguments.parts)

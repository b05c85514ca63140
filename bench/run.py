"""Benchmarks: print performance figures and write them to bench/results.json.

Figures, not pass/fail: the targets are read by people (README). `make bench` runs this:
a production build on a database with 100,000 posts, then
- the installable app (bench/pwa.py): first_load_js_gzip_kb, the home page's transfer and its cold
  and warm (service worker) load times, and a blank Reflex app's first-load JavaScript beside it;
- browse/search query timings through the services (bench/browse.py);
- event round trips over the websocket: a no-op and a filter change (bench/events.py);
- message delivery with 200 connected clients on one worker, and on two workers sharing
  PostgreSQL and Redis when those are reachable (bench/messages.py);
- a board's printable sheet of 200 posts, query and PDF (bench/boards.py);
- the back office's overview for one municipality over a year (bench/dashboard.py);
- the weekly digest built and queued for 10,000 members (bench/digest.py).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from bench import boards, browse, dashboard, digest, events, messages, posts_data, pwa
from buuv_app.db import make_engine
from buuv_app.models import Category
from tests.appserver import running_app

RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {
    "browse_query_p95_ms": "≤ 10 ms",
    "search_p95_ms": "≤ 50 ms",
    "browse_event_p95_ms": "≤ 2 × (noop_event_p95_ms + browse_query_p95_ms)",
    "message_delivery_p95_ms_1worker": "≤ 100 ms",
    "message_delivery_p95_ms_2workers": "≤ 250 ms",
    "messages_lost_1worker": "0",
    "messages_duplicated_1worker": "0",
    "messages_lost_2workers": "0",
    "messages_duplicated_2workers": "0",
    **pwa.TARGETS,
    "board_pdf_200_posts_ms": "≤ 2000 ms (the slowest of five)",
    "dashboard_ms": f"{dashboard.TARGET} (cold, in-process: add noop_event_p95_ms for the round trip)",
    "digest_10k_members_s": digest.TARGET,
}


def main() -> None:
    results: dict[str, dict] = {}
    seconds: dict[str, float] = {}

    def populate(database_url: str) -> None:
        seconds["populate"] = posts_data.populate(database_url)

    with tempfile.TemporaryDirectory(prefix="buuv-bench-") as workdir:
        with running_app(Path(workdir), populate=populate, purpose="bench") as app:
            results["posts_seeded"] = {"value": 100_000, "unit": "posts"}
            results.update(pwa.run(app.url))
            results.update(browse.run(app.database_url))
            results.update(boards.run(app.database_url))
            engine = make_engine(app.database_url)
            with Session(engine) as session:
                categories = list(session.exec(select(Category.slug)).all())
            engine.dispose()
            results.update(events.run(app.url, "merenwijk", categories))
            results.update(messages.run([app.url], app.database_url))
        results.update(pwa.blank_first_load_js(Path(workdir)))
        results.update(dashboard.run(Path(workdir)))
        results.update(digest.run(Path(workdir)))
        results.update(pwa.compare_with_blank(results))
        try:
            results.update(messages.run_two_workers(Path(workdir)))
        except Exception as error:  # noqa: BLE001 (no PostgreSQL or Redis here: say so, keep the rest)
            print(f"two-worker message figures skipped: {type(error).__name__}: {error}")
    floor = results["noop_event_p95_ms"]["value"] + results["browse_query_p95_ms"]["value"]
    results["browse_event_budget_ms"] = {"value": round(2 * floor, 2), "unit": "ms"}
    if results.get("noop_event_p95_ms", {}).get("value"):
        # The machine's speed at the moment, as a yardstick: the overview in no-op round trips.
        results["dashboard_vs_noop"] = {"value": round(results["dashboard_ms"]["value"]
                                                       / results["noop_event_p95_ms"]["value"], 1), "unit": "×"}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    for name, figure in results.items():
        target = f"   (target {TARGETS[name]})" if name in TARGETS else ""
        print(f"{name}: {figure['value']} {figure['unit']}{target}")
    print(f"(100,000 posts seeded in {seconds.get('populate', 0):.1f} s)")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

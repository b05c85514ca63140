"""`python -m bench.table [results.json]`: the README's table of one `make bench` run, every timed
figure beside the no-op event p95 of the same run and its target, so a reader can compare a run of
their own figure by figure (absolute times move with the machine; the × no-op column much less)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.run import RESULTS, TARGETS

SKIPPED = {"pinning"}  # printed above the table


def _value(figure: dict) -> str:
    value = figure.get("value")
    if isinstance(value, float):
        value = f"{value:,.1f}" if abs(value) >= 10 else f"{value:g}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value} {figure.get('unit', '')}".strip()


def table(results: dict[str, dict]) -> str:
    rows = ["| figure | value | no-op event p95 of the run | × no-op | target |", "| --- | --- | --- | --- | --- |"]
    for name, figure in results.items():
        if name in SKIPPED or not isinstance(figure, dict) or "value" not in figure:
            continue
        if isinstance(figure["value"], (dict, list)):
            continue  # the capacity steps and other detail stay in results.json
        noop = figure.get("noop_p95_ms")
        ratio = figure.get("vs_noop")
        rows.append(f"| `{name}` | {_value(figure)} | {f'{noop:g} ms' if noop is not None else ''} | "
                    f"{f'{ratio:g} ×' if ratio is not None else ''} | {TARGETS.get(name, '')} |")
    return "\n".join(rows)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS
    results = json.loads(path.read_text())
    if "pinning" in results:
        print(f"Pinning: {results['pinning']['value']}\n")
    print(table(results))


if __name__ == "__main__":
    main()

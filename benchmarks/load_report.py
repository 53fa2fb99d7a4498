"""Summarise locust CSV statistics (benchmarks/locustfile.py) as a Markdown table.

    python -m benchmarks.load_report test-artifacts/load-steady test-artifacts/load-import

Each argument is a locust `--csv` prefix; the table gives requests, failures, p50/p95/p99 in ms
and requests/s per route, one block per phase.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def rows(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def table(prefix: str) -> list[str]:
    out = [
        f"**{Path(prefix).name}**",
        "",
        "| route | requests | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows(prefix):
        out.append(
            f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | "
            f"{r['95%']} | {r['99%']} | {float(r['Requests/s']):.1f} |"
        )
    return out


if __name__ == "__main__":
    for prefix in sys.argv[1:]:
        print("\n".join(table(prefix)) + "\n")

"""Summarise a locust run from its CSV files, and judge it.

    python -m loadtest.report var/load/locust [--max-failure-percent 1]

Reads `<prefix>_stats.csv` and `<prefix>_failures.csv` (locust's `--csv
<prefix>`), prints a Markdown table (requests per second, p50, p95, p99 and
failures per request name and in total) and the failures by kind. The exit code
is 1 when any answer was a 5xx or a 403 (a refused Twilio signature would
otherwise pass for a fast answer), or when failures of any kind exceed the
given share of all requests; 0 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FATAL = re.compile(r"HTTP (5\d\d|403)\b")


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    per_second: float
    p50: str
    p95: str
    p99: str


@dataclass(frozen=True)
class Failure:
    method: str
    name: str
    error: str
    occurrences: int


def read_stats(path: Path) -> list[Row]:
    with path.open(newline="") as source:
        return [
            Row(
                name=line["Name"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                per_second=float(line["Requests/s"]),
                p50=line["50%"],
                p95=line["95%"],
                p99=line["99%"],
            )
            for line in csv.DictReader(source)
        ]


def read_failures(path: Path) -> list[Failure]:
    if not path.exists():
        return []
    with path.open(newline="") as source:
        return [
            Failure(
                method=line["Method"],
                name=line["Name"],
                error=line["Error"],
                occurrences=int(line["Occurrences"]),
            )
            for line in csv.DictReader(source)
        ]


def table(rows: Sequence[Row]) -> str:
    """Markdown, the aggregated row last and in bold."""
    lines = [
        "| request | requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        aggregated = row.name == "Aggregated"
        name = "**all**" if aggregated else row.name
        share = f" ({100 * row.failures / row.requests:.1f} %)" if row.failures else ""
        lines.append(
            f"| {name} | {row.requests} | {row.per_second:.1f} | {row.p50} | {row.p95} "
            f"| {row.p99} | {row.failures}{share} |"
        )
    return "\n".join(lines)


def verdict(
    rows: Sequence[Row], failures: Sequence[Failure], *, max_failure_percent: float
) -> list[str]:
    """Why the run fails; empty when it passes."""
    problems = [
        f"{failure.occurrences} × {failure.error} on {failure.name}"
        for failure in failures
        if FATAL.search(failure.error)
    ]
    total = next((row for row in rows if row.name == "Aggregated"), None)
    if total is None or total.requests == 0:
        problems.append("no requests were made")
    elif 100 * total.failures / total.requests > max_failure_percent:
        problems.append(
            f"{total.failures} of {total.requests} requests failed, "
            f"more than {max_failure_percent} %"
        )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.report", description=__doc__)
    parser.add_argument("prefix", help="the prefix given to locust's --csv")
    parser.add_argument("--max-failure-percent", type=float, default=1.0)
    arguments = parser.parse_args(argv)
    rows = read_stats(Path(f"{arguments.prefix}_stats.csv"))
    failures = read_failures(Path(f"{arguments.prefix}_failures.csv"))
    print(table(rows))
    if failures:
        print("\nFailures:")
        for failure in failures:
            print(f"  {failure.occurrences} × {failure.method} {failure.name}: {failure.error}")
    problems = verdict(rows, failures, max_failure_percent=arguments.max_failure_percent)
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

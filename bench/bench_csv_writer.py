"""Benchmark: the cost of the one CSV writer's formula guard, paired against raw cells.

Writes the same 45,000 attempt rows (in memory, no database) to a null sink, alternating
the pre-guard writer (cells written raw, as ``uxlab export`` did) and ``export.write_csv``
seven times each, and prints the median CPU time of each (CPU time, not wall time: the
machine is shared, and the pairing keeps both under the same load).

    .venv/bin/python bench/bench_csv_writer.py
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from uxlab.reports import export

ROWS = 45_000
REPEATS = 7


class NullSink(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def attempt_rows() -> list[dict[str, Any]]:
    """Rows shaped like ``export.iter_attempt_rows`` yields; every other one has a typed answer."""
    return [
        {
            "study": "helpdesk",
            "version": 1,
            "participant": f"p{n:08d}",
            "device": "desktop",
            "language": "en",
            "task": "find-helpdesk",
            "task_position": n % 4,
            "stage": "retention",
            "outcome": "success",
            "started_at": "2026-12-05T01:00:00.000Z",
            "ended_at": "2026-12-05T01:00:31.000Z",
            "time_on_task_s": 31.0,
            "click_count": 3,
            "path": ["/", "/support", "/support/helpdesk"],
            "direct": True,
            "answer": "+1 555 0100" if n % 2 else None,
            "seq": 6,
        }
        for n in range(ROWS)
    ]


def raw_cells(rows: list[dict[str, Any]]) -> None:
    """The CLI's writer before the one CSV writer: no formula guard."""

    def cell(value: Any) -> Any:
        if isinstance(value, list):
            return " > ".join(str(item) for item in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else value

    writer = csv.writer(NullSink(), lineterminator="\n")
    writer.writerow(export.ATTEMPT_COLUMNS)
    for row in rows:
        writer.writerow([cell(row[name]) for name in export.ATTEMPT_COLUMNS])


def one_writer(rows: list[dict[str, Any]]) -> None:
    export.write_csv(NullSink(), export.ATTEMPT_COLUMNS, rows)


def main() -> None:
    rows = attempt_rows()
    writers: dict[str, Callable[[list[dict[str, Any]]], None]] = {"raw": raw_cells, "guarded": one_writer}
    times: dict[str, list[float]] = {name: [] for name in writers}
    for _ in range(REPEATS):
        for name, write in writers.items():
            start = time.process_time()
            write(rows)
            times[name].append(time.process_time() - start)
    raw, guarded = (statistics.median(times[name]) for name in writers)
    print(
        f"{ROWS} attempt rows, CPU time median of {REPEATS}: "
        f"raw cells {raw:.3f} s ({ROWS / raw:.0f} rows/s), "
        f"one writer with the formula guard {guarded:.3f} s ({ROWS / guarded:.0f} rows/s), "
        f"ratio {guarded / raw:.2f}"
    )


if __name__ == "__main__":
    main()

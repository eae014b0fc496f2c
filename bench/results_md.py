"""Record a benchmark figure as one line of bench/RESULTS.md (appended: earlier lines stay as history)."""

from __future__ import annotations

import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n\n| date | benchmark | figure | command |\n|---|---|---|---|\n"


def record(benchmark: str, figure: str, command: str) -> None:
    """Append ``| date | benchmark | figure | command |``; a benchmark's earlier lines stay (the
    newest is the last line of that name), so a rerun never erases the figure it is compared with."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    row = f"| {datetime.date.today().isoformat()} | {benchmark} | {figure} | `{command}` |"
    RESULTS.write_text(text.rstrip("\n") + "\n" + row + "\n", encoding="utf-8")
    print(f"recorded in {RESULTS}: {row}")

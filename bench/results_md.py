"""Record a benchmark figure as one line of bench/RESULTS.md (replacing that benchmark's old line)."""

from __future__ import annotations

import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n\n| date | benchmark | figure | command |\n|---|---|---|---|\n"


def record(benchmark: str, figure: str, command: str) -> None:
    """Write ``| date | benchmark | figure | command |``; an existing line of the benchmark is replaced."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    row = f"| {datetime.date.today().isoformat()} | {benchmark} | {figure} | `{command}` |"
    lines = text.rstrip("\n").split("\n")
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 2 and cells[2] == benchmark:
            lines[i] = row
            break
    else:
        lines.append(row)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"recorded in {RESULTS}: {row}")

"""Record Lighthouse 13's metrics on the test pages tests/probe/test_lighthouse_agreement.py checks.

Runs the Lighthouse CLI (bench/lighthouse_cli.py: desktop preset, provided throttling,
the same Chromium as uxlab) RUNS times on each page of ``AGREEMENT_PAGES`` served by
tests/probe/sites.py and writes every run and the medians to
tests/probe/lighthouse13_values.json, with the command, date, Lighthouse and Chromium
versions. The test suite needs no Lighthouse: it reads that file.

Run:
    .venv/bin/python bench/record_lighthouse.py [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "probe"))
sys.path.insert(0, str(ROOT / "bench"))

import lighthouse_cli  # noqa: E402
from sites import serve_test_site  # noqa: E402

from uxlab.config import chromium_path  # noqa: E402

OUT = ROOT / "tests" / "probe" / "lighthouse13_values.json"
AGREEMENT_PAGES = (
    "/shift-after-load-200",
    "/shift-after-load-500",
    "/shift-after-load-900",
    "/slow-image",
    "/lcp-after-load",
    "/long-tasks-after-load",
)
METRICS = ("fcp_ms", "lcp_ms", "si_ms", "tbt_ms", "cls", "ttfb_ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, object]]] = {}
    with serve_test_site() as base:
        for page in AGREEMENT_PAGES:
            runs[page] = [lighthouse_cli.run(base + page, "desktop") for _ in range(args.runs)]
            print(page, runs[page])
    chromium = subprocess.run(
        [chromium_path() or "chromium", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    medians = {
        page: {m: statistics.median(float(r[m]) for r in rows if r[m] is not None) for m in METRICS}
        for page, rows in runs.items()
    }
    record = {
        "produced_by": f".venv/bin/python bench/record_lighthouse.py --runs {args.runs}",
        "how": "Lighthouse CLI, --preset=desktop --throttling-method=provided --only-categories=performance, "
        "chrome flags --headless=new plus uxlab's CHROMIUM_ARGS, "
        "pages from tests/probe/sites.py on a local port",
        "date": datetime.date.today().isoformat(),
        "lighthouse": lighthouse_cli.version(),
        "chromium": chromium,
        "load_average": round(os.getloadavg()[0], 1),
        "medians": medians,
        "runs": runs,
    }
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Benchmark: the tracker's size as sites download it (gzip), against the 4.5 KB budget.

Prints tracker.js's raw size, its gzipped size at level 9 (what a static file server with
pre-compression sends) and at level 6 (the usual on-the-fly default), and the size of the
inline loader every page carries (uxlab/participants/snippet.py, rendered with the README's URL; budget
1 KB raw). Exit status 1 when tracker.js gzipped is over 4608 bytes or the loader over
1024. ``--record`` adds the figure to bench/RESULTS.md.

    .venv/bin/python bench/bench_snippet_size.py [--record]
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from results_md import record  # noqa: E402

SNIPPET = ROOT / "uxlab" / "static" / "tracker.js"
BENCHMARK = "tracker snippet size (gzip)"
BUDGET_BYTES = 4608
LOADER_BUDGET_BYTES = 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write the figure to bench/RESULTS.md")
    args = parser.parse_args()
    raw = SNIPPET.read_bytes()
    best = len(gzip.compress(raw, compresslevel=9, mtime=0))
    usual = len(gzip.compress(raw, compresslevel=6, mtime=0))
    print(f"{SNIPPET.relative_to(ROOT)}: {len(raw):,} bytes raw")
    print(f"gzip -9: {best:,} bytes   gzip -6: {usual:,} bytes   budget: {BUDGET_BYTES:,} bytes")
    sys.path.insert(0, str(ROOT))
    from uxlab.participants.snippet import render

    loader = str(render("https://uxlab.example.com/static/tracker.js")).encode()
    loader_gz = len(gzip.compress(loader, compresslevel=9, mtime=0))
    print(
        f"inline loader: {len(loader):,} bytes raw, {loader_gz:,} gzip -9; budget {LOADER_BUDGET_BYTES:,} raw"
    )
    ok = max(best, usual) <= BUDGET_BYTES and len(loader) <= LOADER_BUDGET_BYTES
    verdict = "within" if ok else "OVER"
    print(f"{verdict} budget ({BUDGET_BYTES - max(best, usual):+,} bytes to spare for tracker.js)")
    if args.record:
        figure = (
            f"tracker.js {best:,} B gzip -9 ({usual:,} B gzip -6; {len(raw):,} B raw), "
            f"budget {BUDGET_BYTES:,} B; inline loader on every page {len(loader):,} B raw "
            f"({loader_gz:,} B gzip -9), budget {LOADER_BUDGET_BYTES:,} B raw"
        )
        record(BENCHMARK, figure, ".venv/bin/python bench/bench_snippet_size.py --record")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

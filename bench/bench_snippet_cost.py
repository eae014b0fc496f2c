"""The tracker snippet's cost to a host page: the same page with and without it.

Loads ``/host`` and ``/host-snippet`` (tests/probe/sites.py: the same article page, the
second with ``<script src="/static/tracker.js" defer>``) alternately, N times each, in
fresh contexts of one Chromium, desktop profile, unthrottled, and reports the median of
the paired differences in load and FCP, the snippet's transferred bytes and the largest CLS
with the snippet. The snippet is measured as every visitor without an attempt token
meets it (inert). Target (issue 4): under 5 ms added to load and no layout shift.

    .venv/bin/python bench/bench_snippet_cost.py [--runs 31]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "probe"))
sys.path.insert(0, str(ROOT / "bench"))

from results_md import record  # noqa: E402
from sites import serve_test_site  # noqa: E402

from uxlab.probe.browser import open_browser  # noqa: E402
from uxlab.probe.measure import RunResult, measure  # noqa: E402
from uxlab.scenarios import BUILTIN_PROFILES  # noqa: E402


async def collect(base: str, runs: int) -> tuple[list[RunResult], list[RunResult]]:
    """Return (without, with) runs, alternating which goes first to cancel drift."""
    profile = BUILTIN_PROFILES["desktop"]
    plain: list[RunResult] = []
    snippet: list[RunResult] = []
    async with open_browser() as browser:
        await measure(browser, base + "/host", profile)  # warm-up, not counted
        for i in range(runs):
            order = [("/host", plain), ("/host-snippet", snippet)]
            for path, into in order if i % 2 == 0 else order[::-1]:
                into.append(await measure(browser, base + path, profile))
    return plain, snippet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()
    with serve_test_site() as base:
        plain, snippet = asyncio.run(collect(base, args.runs))

    def paired(metric: str) -> float:
        return statistics.median(
            float(s.metrics[metric] or 0) - float(p.metrics[metric] or 0)
            for p, s in zip(plain, snippet, strict=True)
        )

    load_delta, fcp_delta = paired("load_ms"), paired("fcp_ms")
    bytes_delta = statistics.median(
        float(s.metrics["transfer_bytes"] or 0) for s in snippet
    ) - statistics.median(float(p.metrics["transfer_bytes"] or 0) for p in plain)
    max_cls = max(float(s.metrics["cls"] or 0) for s in snippet)
    tbt = max(float(s.metrics["tbt_ms"] or 0) for s in snippet)
    print(f"median load without {statistics.median(p.metrics['load_ms'] or 0 for p in plain):.1f} ms")
    print(f"median load with    {statistics.median(s.metrics['load_ms'] or 0 for s in snippet):.1f} ms")
    print(f"paired median difference: load {load_delta:+.1f} ms, FCP {fcp_delta:+.1f} ms")
    print(
        f"snippet transfer {bytes_delta:.0f} bytes; largest CLS with snippet {max_cls:.4f}; "
        f"max TBT {tbt:.0f} ms"
    )
    figure = (
        f"{args.runs} paired desktop loads: snippet adds {load_delta:+.1f} ms to load (median paired "
        f"difference), {fcp_delta:+.1f} ms to FCP, {bytes_delta:.0f} bytes; "
        f"CLS with snippet max {max_cls:.3f}"
    )
    record("tracker snippet cost", figure, f".venv/bin/python bench/bench_snippet_cost.py --runs {args.runs}")


if __name__ == "__main__":
    main()

"""The tracker snippet's cost to a host page: the same page with and without it.

Pages from tests/probe/sites.py: ``/host`` (an article page), ``/host-snippet`` (the same
with ``<script src="/static/tracker.js" defer>``, cacheable like a static file) and
``/host-inline`` (the snippet inline between two clock reads). Desktop profile,
unthrottled, one Chromium, the snippet as every visitor without an attempt token meets
it (inert). Reports:

- execution: the snippet's own parse-and-run time in the page (median of N loads);
- repeat view: median paired difference in load time with the snippet cached (the
  usual case: a site's visitors load it once);
- control: the same for an empty deferred script (what any extra script tag costs here);
- first view: the snippet with an empty cache (one extra request to this Python test server
  in a fresh context: mostly connection and server time, not the snippet's);
- the largest CLS and TBT with the snippet.

Target (issue 4): under 5 ms added to load and no layout shift.

    .venv/bin/python bench/bench_snippet_cost.py [--runs 21]
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

PROFILE = BUILTIN_PROFILES["desktop"]


async def interleaved(
    browser: object, base: str, paths: list[str], runs: int, warm: bool
) -> list[list[RunResult]]:
    """Return runs per path, rotating the order each round to cancel drift."""
    out: list[list[RunResult]] = [[] for _ in paths]
    for i in range(runs):
        for k in range(len(paths)):
            index = (i + k) % len(paths)
            run = await measure(browser, base + paths[index], PROFILE, warm=warm)  # type: ignore[arg-type]
            out[index].append(run)
    return out


async def execution_ms(browser: object, base: str, runs: int) -> float:
    """Median in-page execution time of the inline snippet."""
    times = []
    for _ in range(runs):
        context = await browser.new_context()  # type: ignore[attr-defined]
        page = await context.new_page()
        await page.goto(base + "/host-inline", wait_until="load")
        times.append(float(await page.evaluate("window.snippetMs")))
        await context.close()
    return statistics.median(times)


def median_delta(plain: list[RunResult], snippet: list[RunResult], metric: str) -> float:
    pairs = zip(plain, snippet, strict=True)
    return statistics.median(float(s.metrics[metric] or 0) - float(p.metrics[metric] or 0) for p, s in pairs)


async def collect(base: str, runs: int) -> dict[str, float]:
    async with open_browser() as browser:
        await measure(browser, base + "/host", PROFILE)  # warm-up, not counted
        cold = await interleaved(browser, base, ["/host", "/host-snippet"], runs, warm=False)
        plain, warm, empty = await interleaved(
            browser, base, ["/host", "/host-snippet", "/host-empty"], runs, True
        )
        run_ms = await execution_ms(browser, base, runs)
    with_snippet = cold[1] + warm
    return {
        "execution_ms": run_ms,
        "warm_load_ms": median_delta(plain, warm, "load_ms"),
        "cold_load_ms": median_delta(*cold, "load_ms"),
        "warm_fcp_ms": median_delta(plain, warm, "fcp_ms"),
        "empty_load_ms": median_delta(plain, empty, "load_ms"),
        "max_cls": max(float(s.metrics["cls"] or 0) for s in with_snippet),
        "max_tbt_ms": max(float(s.metrics["tbt_ms"] or 0) for s in with_snippet),
        "bytes": statistics.median(float(s.metrics["transfer_bytes"] or 0) for s in cold[1])
        - statistics.median(float(p.metrics["transfer_bytes"] or 0) for p in cold[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with serve_test_site() as base:
        f = asyncio.run(collect(base, args.runs))
    print(f"snippet execution in the page: {f['execution_ms']:.1f} ms (median)")
    print(f"added to load, repeat view (cached): {f['warm_load_ms']:+.1f} ms; FCP {f['warm_fcp_ms']:+.1f} ms")
    print(f"control: an empty deferred script (cached) adds {f['empty_load_ms']:+.1f} ms to load")
    print(f"added to load, first view (extra request): {f['cold_load_ms']:+.1f} ms; {f['bytes']:.0f} bytes")
    print(f"largest CLS with the snippet {f['max_cls']:.4f}; largest TBT {f['max_tbt_ms']:.0f} ms")
    figure = (
        f"{args.runs} paired desktop loads: snippet runs {f['execution_ms']:.1f} ms; adds "
        f"{f['warm_load_ms']:+.1f} ms to load cached (empty deferred script: {f['empty_load_ms']:+.1f} ms), "
        f"{f['cold_load_ms']:+.1f} ms uncached "
        f"({f['bytes']:.0f} B extra request); max CLS {f['max_cls']:.3f}, max TBT {f['max_tbt_ms']:.0f} ms"
    )
    record("tracker snippet cost", figure, f".venv/bin/python bench/bench_snippet_cost.py --runs {args.runs}")


if __name__ == "__main__":
    main()

"""uxlab probes vs Lighthouse 13 over the same five local pages, same Chromium, desktop, no throttling.

Prints wall time per page load for each tool (equal run counts) and the agreement of median
FCP, LCP, TTFB (within 20% or 50 ms, whichever is larger) and CLS (within 0.02), then
records the figures as a line in bench/RESULTS.md.

Set-up once (the folder is gitignored):
    mkdir -p bench/lighthouse && cd bench/lighthouse && npm install lighthouse@13
Run:
    .venv/bin/python bench/bench_probe.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "probe"))
sys.path.insert(0, str(ROOT / "bench"))

from results_md import record  # noqa: E402
from sites import serve_test_site  # noqa: E402

from uxlab.config import chromium_path  # noqa: E402
from uxlab.metrics import pagespeed  # noqa: E402
from uxlab.probe.browser import CHROMIUM_ARGS, open_browser  # noqa: E402
from uxlab.probe.runner import PageTarget, Plan, execute  # noqa: E402
from uxlab.scenarios import BUILTIN_PROFILES  # noqa: E402

PAGES = ["/fast", "/slow-image", "/shift", "/busy", "/heavy"]
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
METRICS = {"fcp_ms": "firstContentfulPaint", "lcp_ms": "largestContentfulPaint", "ttfb_ms": "timeToFirstByte"}


def run_uxlab(base: str, runs: int) -> tuple[float, dict[str, dict[str, float]]]:
    """Return (seconds per page load including browser start, median metrics per page)."""
    plan = Plan(
        pages=tuple(PageTarget(p, base + p) for p in PAGES),
        profiles=(BUILTIN_PROFILES["desktop"],),
        runs=runs,
    )

    async def go() -> dict[str, Any]:
        async with open_browser() as browser:
            return await execute(browser, plan)

    started = time.perf_counter()
    report = asyncio.run(go())
    per_load = (time.perf_counter() - started) / (len(PAGES) * runs)
    medians = {
        page["path"]: {m: statistics.median(r["metrics"][m] for r in page["runs"]) for m in (*METRICS, "cls")}
        for page in report["pages"]
    }
    return per_load, medians


# (Lighthouse's performance score, uxlab's performance_score of Lighthouse's own metric values)
scores: list[tuple[float, float]] = []
AUDITS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "si_ms": "speed-index",
}


def score_pair(lhr: dict[str, Any]) -> tuple[float, float]:
    """Return Lighthouse's category score and uxlab's score of the same metric values."""
    values = {m: float(lhr["audits"][a]["numericValue"]) for m, a in AUDITS.items()}
    ours = pagespeed.performance_score(values, "desktop").score
    return float(lhr["categories"]["performance"]["score"]), ours


def run_lighthouse(base: str, runs: int) -> tuple[float, dict[str, dict[str, float]]]:
    """Run the Lighthouse 13 CLI ``runs`` times per page; return (seconds per load, medians)."""
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed: see the set-up in {__file__}")
    env = {**os.environ, "CHROME_PATH": chromium_path() or ""}
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    values: dict[str, list[dict[str, float]]] = {p: [] for p in PAGES}
    scores.clear()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lh.json"
        for page in PAGES:
            for _ in range(runs):
                cmd = ["node", str(LIGHTHOUSE), base + page, "--throttling-method=provided"]
                cmd += ["--preset=desktop", "--only-categories=performance", "--output=json"]
                cmd += [f"--output-path={out}", "--quiet", f"--chrome-flags={flags}"]
                subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=180)
                lhr = json.loads(out.read_text(encoding="utf-8"))
                items = lhr["audits"]["metrics"]["details"]["items"][0]
                row = {m: float(items[key]) for m, key in METRICS.items()}
                row["cls"] = float(lhr["audits"]["cumulative-layout-shift"]["numericValue"])
                values[page].append(row)
                scores.append(score_pair(lhr))
    per_load = (time.perf_counter() - started) / (len(PAGES) * runs)
    medians = {
        p: {m: statistics.median(r[m] for r in rows) for m in (*METRICS, "cls")} for p, rows in values.items()
    }
    return per_load, medians


def agrees(metric: str, ours: float, theirs: float) -> bool:
    """The issue's agreement rule: CLS within 0.02; times within 20% or 50 ms, whichever is larger."""
    if metric == "cls":
        return abs(ours - theirs) <= 0.02
    return abs(ours - theirs) <= max(0.2 * theirs, 50.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with serve_test_site() as base:
        ux_s, ux = run_uxlab(base, args.runs)
        load_between = os.getloadavg()[0]
        lh_s, lh = run_lighthouse(base, args.runs)
    load_end = os.getloadavg()[0]
    loads = f"load average {load_before:.1f} before, {load_between:.1f} after uxlab, {load_end:.1f} at end"
    print(f"{'page':12} {'metric':8} {'uxlab':>9} {'LH 13':>9}  agree")
    checks = []
    for page in PAGES:
        for metric in (*METRICS, "cls"):
            ok = agrees(metric, ux[page][metric], lh[page][metric])
            checks.append(ok)
            verdict = "yes" if ok else "NO"
            print(f"{page:12} {metric:8} {ux[page][metric]:9.3f} {lh[page][metric]:9.3f}  {verdict}")
    speedup = lh_s / ux_s
    target = "target 20x met" if speedup >= 20 else "target 20x NOT met"
    print(
        f"wall time per page load: uxlab {ux_s:.2f} s, Lighthouse 13 {lh_s:.2f} s ({speedup:.1f}x; {target})"
    )
    print(f"{loads} (2 shared cores)")
    print(f"agreement: {sum(checks)}/{len(checks)} medians within tolerance")
    same = sum(1 for theirs, ours in scores if theirs == ours)
    print(f"performance score from Lighthouse's own metric values: identical in {same}/{len(scores)} runs")
    figure = (
        f"{len(PAGES)} pages x {args.runs} runs, desktop, unthrottled: uxlab {ux_s:.2f} s/load vs "
        f"Lighthouse 13 {lh_s:.2f} s/load ({speedup:.1f}x faster; {target}); median FCP/LCP/TTFB/CLS agree "
        f"{sum(checks)}/{len(checks)}; uxlab's score of LH's metric values equals LH's score in "
        f"{same}/{len(scores)} runs; {loads} on 2 shared cores"
    )
    record("probe vs Lighthouse 13", figure, f".venv/bin/python bench/bench_probe.py --runs {args.runs}")


if __name__ == "__main__":
    main()

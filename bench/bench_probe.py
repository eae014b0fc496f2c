"""uxlab probes vs Lighthouse 13 over the same five local pages, same Chromium, same run.

Per profile (``desktop`` against Lighthouse's desktop preset with provided throttling;
``lighthouse-mobile`` against Lighthouse's mobile defaults with ``--throttling-method=devtools``):
one ``uxlab probe`` process timed whole (start-up, warm-up load and all runs) and the
Lighthouse 13 CLI the same number of times per page. Prints wall time per page load for
each, the agreement of the per-page medians (TTFB, FCP, LCP within 20% or 50 ms; CLS within
0.02; Speed Index within 10% or 100 ms; performance score within 0.02), with the load
averages, and records a line per profile in bench/RESULTS.md.

``--sweep N`` (repeatable) instead times uxlab alone at ``--parallel N`` for each N in turn
(how the default was chosen). ``--startup`` instead times the start-up alone, for this
checkout and (with ``--baseline DIR``) another one: ``uxlab probe --help``, and a process
that imports everything the probe command runs before it launches Chromium and builds its
plan (the browser launch and the page loads are not part of it). Needs no Lighthouse.

Set-up once: see bench/lighthouse_cli.py (``LIGHTHOUSE_DIR`` or bench/lighthouse).
Run:
    .venv/bin/python bench/bench_probe.py [--runs 3] [--profile desktop --profile lighthouse-mobile]
    .venv/bin/python bench/bench_probe.py --sweep 1 --sweep 2 --sweep 4 [--profile desktop]
    .venv/bin/python bench/bench_probe.py --sweep 4/1 --sweep 6/3 --profile lighthouse-mobile
    .venv/bin/python bench/bench_probe.py --startup [--baseline /path/to/other/checkout]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "probe"))
sys.path.insert(0, str(ROOT / "bench"))

import lighthouse_cli  # noqa: E402
from results_md import record  # noqa: E402
from sites import serve_test_site  # noqa: E402

from uxlab.config import chromium_path  # noqa: E402
from uxlab.probe.cli import default_parallel  # noqa: E402
from uxlab.probe.runner import PageTarget, Plan  # noqa: E402
from uxlab.scenarios import BUILTIN_PROFILES  # noqa: E402

PAGES = ["/fast", "/slow-image", "/shift", "/busy", "/heavy"]
MEDIANS = ("ttfb_ms", "fcp_ms", "lcp_ms", "cls", "si_ms")


def run_uxlab(
    base: str,
    runs: int,
    profile: str,
    parallel: int | None = None,
    concurrency: int | None = None,
    chromium: str = "",
) -> tuple[float, dict[str, dict[str, float]]]:
    """Run one ``uxlab probe`` process over the pages; return (seconds per page load, medians per page).

    ``chromium``: the browser binary it probes with (empty: uxlab's own choice)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "uxlab.cli", "probe", "--runs", str(runs), "--profile", profile]
        cmd += ["--parallel", str(parallel)] if parallel else []
        cmd += ["--concurrency", str(concurrency)] if concurrency else []
        cmd += [arg for page in PAGES for arg in ("--url", base + page)]
        cmd += ["--no-tasks", "--json", str(out)]
        cmd += ["--chromium", chromium] if chromium else []
        started = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True, cwd=ROOT, timeout=900)
        per_load = (time.perf_counter() - started) / (len(PAGES) * runs)
        report = json.loads(out.read_text(encoding="utf-8"))
    medians = {}
    for page in report["pages"]:
        path = "/" + page["url"].split("/", 3)[3]
        row = {m: statistics.median(float(r["metrics"][m] or 0) for r in page["runs"]) for m in MEDIANS}
        row["score"] = statistics.median(float(r["score"] or 0) for r in page["runs"])
        medians[path] = row
    return per_load, medians


# What ``uxlab probe --url URL`` does before it launches Chromium: the CLI, the probe
# command's imports, and the plan.
BEFORE_LAUNCH = """
from uxlab.cli import cli
import click
command = cli.get_command(click.Context(cli), "probe")
from uxlab.probe import browser, loop, report, runner
from uxlab.probe.cli import _plan
_plan(None, ("http://127.0.0.1:1/",), "", 1, ("desktop",))
"""


def _median_s(cmd: list[str], env: dict[str, str], repeats: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of ``cmd``; CPU time depends less on machine load."""
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=tempfile.gettempdir())
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def startup(checkout: Path, repeats: int) -> str:
    """``uxlab probe --help`` and the work before the browser launch: median wall (CPU) seconds."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    help_s = _median_s([sys.executable, "-m", "uxlab.cli", "probe", "--help"], env, repeats)
    before_s = _median_s([sys.executable, "-c", BEFORE_LAUNCH], env, repeats)
    return (
        f"`uxlab probe --help` {help_s[0]:.2f} s ({help_s[1]:.2f} s CPU), "
        f"before the browser launch {before_s[0]:.2f} s ({before_s[1]:.2f} s CPU)"
    )


def main_startup(baseline: Path | None, repeats: int) -> None:
    load_before = os.getloadavg()[0]
    figure = startup(ROOT, repeats)
    if baseline is not None:
        figure += f"; baseline {baseline.name}: {startup(baseline, repeats)}"
    figure += f"; median of {repeats} processes each; load average {load_before:.1f} before, "
    figure += f"{os.getloadavg()[0]:.1f} after, 2 shared cores; target < 0.5 s"
    print(figure)
    command = ".venv/bin/python bench/bench_probe.py --startup"
    record("probe start-up", figure, command + (f" --baseline {baseline}" if baseline else ""))


def main_sweep(profile: str, runs: int, values: list[str], chromium: str = "") -> None:
    """uxlab alone at each ``--parallel`` value (``N``, or ``N/C`` with ``--concurrency C``), in
    turn: seconds per load and the medians' spread."""
    parts = []
    with serve_test_site() as base:
        for value in values:
            parallel, _, concurrency = value.partition("/")
            load_before = os.getloadavg()[0]
            per_load, medians = run_uxlab(
                base, runs, profile, int(parallel), int(concurrency or 0) or None, chromium
            )
            fcp = [round(medians[p]["fcp_ms"]) for p in PAGES]
            lcp = [round(medians[p]["lcp_ms"]) for p in PAGES]
            setting = f"--parallel {parallel}" + (f" --concurrency {concurrency}" if concurrency else "")
            part = f"{setting}: {per_load:.2f} s/load, median FCP {fcp} LCP {lcp} ms"
            parts.append(part + f" (load average {load_before:.1f})")
            print(parts[-1])
    browser = chromium or chromium_path(probe=True)
    figure = f"{len(PAGES)} pages x {runs} runs, `{profile}`, uxlab alone on {browser}: "
    figure += "; ".join(parts)
    figure += f"; pages {', '.join(PAGES)}; 2 shared cores"
    values_arg = " ".join(f"--sweep {v}" for v in values)
    name = "probe --parallel --concurrency" if any("/" in v for v in values) else "probe --parallel"
    option = f" --chromium {chromium}" if chromium else ""
    record(
        f"{name} ({profile}{', ' + Path(chromium).name if chromium else ''})",
        figure,
        f".venv/bin/python bench/bench_probe.py --runs {runs} --profile {profile} {values_arg}{option}",
    )


def run_lighthouse(base: str, runs: int, profile: str) -> tuple[float, dict[str, dict[str, float]]]:
    """Run the Lighthouse 13 CLI ``runs`` times per page; return (seconds per load, medians)."""
    started = time.perf_counter()
    rows = {page: [lighthouse_cli.run(base + page, profile) for _ in range(runs)] for page in PAGES}
    per_load = (time.perf_counter() - started) / (len(PAGES) * runs)
    medians = {
        page: {m: statistics.median(float(r[m] or 0) for r in found) for m in (*MEDIANS, "score")}
        for page, found in rows.items()
    }
    return per_load, medians


def agrees(metric: str, ours: float, theirs: float) -> bool:
    """Issue 14's agreement rules: CLS within 0.02, score within 0.02, Speed Index within 10% or
    100 ms, other times within 20% or 50 ms (whichever is larger)."""
    if metric in ("cls", "score"):
        return abs(ours - theirs) <= 0.02 + 1e-9
    if metric == "si_ms":
        return abs(ours - theirs) <= max(0.1 * theirs, 100.0)
    return abs(ours - theirs) <= max(0.2 * theirs, 50.0)


def cli_default_parallel(profile: str, runs: int) -> int:
    """What ``uxlab probe`` launches for these pages and profile without ``--parallel``."""
    pages = tuple(PageTarget(page, page) for page in PAGES)
    return default_parallel(Plan(pages=pages, profiles=(BUILTIN_PROFILES[profile],), runs=runs))


def compare(profile: str, runs: int, given: int | None, chromium: str = "") -> None:
    """Time and compare both tools on ``profile``; print the table and record the figure."""
    parallel = given or cli_default_parallel(profile, runs)
    setting = f"--parallel {given}" if given else f"default --parallel, {parallel}"
    load_before = os.getloadavg()[0]
    with serve_test_site() as base:
        ux_s, ux = run_uxlab(base, runs, profile, given, chromium=chromium)
        load_between = os.getloadavg()[0]
        lh_s, lh = run_lighthouse(base, runs, profile)
    load_end = os.getloadavg()[0]
    loads = f"load average {load_before:.1f} before, {load_between:.1f} after uxlab, {load_end:.1f} at end"
    print(f"{profile}\n{'page':12} {'metric':8} {'uxlab':>9} {'LH 13':>9}  agree")
    failed = []
    for page in PAGES:
        for metric in (*MEDIANS, "score"):
            ok = agrees(metric, ux[page][metric], lh[page][metric])
            if not ok:
                failed.append(f"{page} {metric} {ux[page][metric]:g} vs {lh[page][metric]:g}")
            verdict = "yes" if ok else "NO"
            print(f"{page:12} {metric:8} {ux[page][metric]:9.3f} {lh[page][metric]:9.3f}  {verdict}")
    checks = len(PAGES) * (len(MEDIANS) + 1)
    speedup = lh_s / ux_s
    target = "target 20x met" if speedup >= 20 else "target 20x NOT met"
    print(
        f"wall time per page load: uxlab {ux_s:.2f} s, Lighthouse 13 {lh_s:.2f} s ({speedup:.1f}x; {target})"
    )
    print(f"{loads} (2 shared cores); agreement {checks - len(failed)}/{checks}")
    mode = " ".join(lighthouse_cli.MODES[profile])
    version = lighthouse_cli.version()
    figure = (
        f"{len(PAGES)} pages x {runs} runs, uxlab `{profile}` ({setting}) "
        f"vs Lighthouse {version} `{mode}`: "
        f"one `uxlab probe` process {ux_s:.2f} s/load vs {lh_s:.2f} s/load "
        f"({speedup:.1f}x faster; {target}); "
        f"median TTFB/FCP/LCP/CLS/SI and score agree {checks - len(failed)}/{checks}"
        + (f" (off: {'; '.join(failed)})" if failed else "")
        + f"; uxlab on {chromium or chromium_path(probe=True)}, Lighthouse on {lighthouse_cli.chrome()}"
        + f"; {loads} on 2 shared cores"
    )
    record(
        f"probe vs Lighthouse 13 ({profile}, {setting})",
        figure,
        f".venv/bin/python bench/bench_probe.py --runs {runs} --profile {profile}"
        + (f" --parallel {given}" if given else "")
        + (f" --chromium {chromium}" if chromium else ""),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="append", choices=sorted(lighthouse_cli.MODES))
    parser.add_argument("--startup", action="store_true", help="Time the start-up only.")
    parser.add_argument("--baseline", type=Path, help="Another checkout to time the start-up of.")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--parallel", type=int, help="uxlab probe --parallel (default: the CLI's own).")
    parser.add_argument(
        "--sweep", action="append", help="Time uxlab alone at this --parallel (N, or N/C: --concurrency C)."
    )
    parser.add_argument("--chromium", default="", help="uxlab probe --chromium (default: uxlab's choice).")
    args = parser.parse_args()
    if args.startup:
        main_startup(args.baseline, args.repeats)
        return
    if args.sweep:
        for profile in args.profile or ["desktop"]:
            main_sweep(profile, args.runs, args.sweep, args.chromium)
        return
    for profile in args.profile or ["desktop", "lighthouse-mobile"]:
        compare(profile, args.runs, args.parallel, args.chromium)


if __name__ == "__main__":
    main()

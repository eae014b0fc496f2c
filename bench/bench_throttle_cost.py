"""What Chromium's CPU throttling costs by itself: the machine's busy CPU while pages sit idle.

Opens ``--pages`` idle pages (a small local page, loaded) in one headless Chromium, the
browser the probes launch, and reads the machine-wide busy CPU time from /proc/stat over
``--seconds`` with DevTools CPU throttling off (rate 1), then at ``--rate`` (4: the mobile
profiles), alternately, ``--rounds`` times. The pages run no script, so what the throttled
rounds add is the throttler's own work (Chromium's ThreadCPUThrottler interrupts the main
thread by signals and waits each suspension out). Then one whole ``uxlab probe`` of 5
pages x 3 runs on ``lighthouse-mobile``: its wall time and the machine's busy CPU time.

Run:
    .venv/bin/python bench/bench_throttle_cost.py [--pages 2] [--seconds 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "probe"))
sys.path.insert(0, str(ROOT / "bench"))

from results_md import record  # noqa: E402
from sites import serve_test_site  # noqa: E402

from uxlab.config import chromium_path  # noqa: E402
from uxlab.probe.browser import open_browsers  # noqa: E402

PAGES = ["/fast", "/slow-image", "/shift", "/busy", "/heavy"]


def busy_s() -> tuple[float, float]:
    """Machine-wide (busy, total) CPU seconds since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


async def idle_pages(base: str, pages: int, seconds: float, rounds: int, rate: float) -> tuple[list, list]:
    """Busy CPU seconds per second over idle pages, unthrottled and throttled, per round."""
    off, on = [], []
    async with open_browsers("", 1) as (browser,):
        sessions = []
        for _ in range(pages):
            page = await (await browser.new_context()).new_page()
            await page.goto(base + "/fast", wait_until="load")
            sessions.append(await page.context.new_cdp_session(page))
        for _ in range(rounds):
            for throttle, out in ((1.0, off), (rate, on)):
                for cdp in sessions:
                    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
                await asyncio.sleep(0.5)
                before = busy_s()[0]
                await asyncio.sleep(seconds)
                out.append((busy_s()[0] - before) / seconds)
    return off, on


def whole_probe(base: str) -> tuple[float, float, float]:
    """One ``uxlab probe`` on lighthouse-mobile: wall s, busy CPU s, all CPU s of the machine."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "uxlab.cli", "probe", "--runs", "3", "--profile", "lighthouse-mobile"]
        cmd += [arg for page in PAGES for arg in ("--url", base + page)]
        cmd += ["--no-tasks", "--json", str(Path(tmp) / "report.json")]
        (busy, total), started = busy_s(), time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, timeout=900)
        wall = time.perf_counter() - started
        after = busy_s()
    return wall, after[0] - busy, after[1] - total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=4.0)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with serve_test_site() as base:
        off, on = asyncio.run(idle_pages(base, args.pages, args.seconds, args.rounds, args.rate))
        wall, busy, total = whole_probe(base)
    per_page = (statistics.median(on) - statistics.median(off)) / args.pages
    figure = (
        f"{args.pages} idle pages in one {chromium_path(probe=True)}, {args.rounds} alternate rounds of "
        f"{args.seconds:g} s: machine busy {statistics.median(off):.2f} cores unthrottled, "
        f"{statistics.median(on):.2f} at {args.rate:g}x CPU throttling (rounds {[round(v, 2) for v in on]}): "
        f"{per_page:.2f} of a core per throttled idle page; one `uxlab probe` of 5 pages x 3 runs, "
        f"`lighthouse-mobile`: {wall:.1f} s wall, {busy:.1f} s of the machine's {total:.1f} s of CPU busy "
        f"({wall / 15:.2f} s per page load); load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, 2 shared cores"
    )
    print(figure)
    command = ".venv/bin/python bench/bench_throttle_cost.py"
    args_given = " ".join(sys.argv[1:])
    record("probe: CPU throttling's own cost", figure, command + (f" {args_given}" if args_given else ""))


if __name__ == "__main__":
    main()

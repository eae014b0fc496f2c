"""uxlab's CLS, TBT and LCP on pages where they come late, against Lighthouse 13 on the same pages.

The Lighthouse values are in ``lighthouse13_values.json``, written by
``bench/record_lighthouse.py`` (which says how: Lighthouse CLI 13.5.0, desktop preset,
provided throttling, the same Chromium, the pages of ``sites.py``, 3 runs each); Lighthouse
itself is not needed here. The pages shift the layout 200, 500 and 900 ms after the load
event, paint the largest image late (held back by the server, or added 400 ms after load),
and run long tasks after load: the observation window (uxlab/probe/window.py) has to keep
watching for all of them.

uxlab runs as ``uxlab probe`` does by default (several runs in flight, their page loads one
at a time: uxlab/probe/runner.py), so the check covers the default mode.

As strict as issue 14's tolerances allow without timing asserts that a busy machine breaks:
CLS depends on the page's geometry, not on how busy the machine is: it must be within issue
4's tolerance of Lighthouse's median (0.02). TBT and LCP are times, which this shared machine
stretches (at load 20 on 2 cores a 200 ms busy loop blocked for 449 ms). TBT (busy loops
of fixed duration) and a late image's LCP (held back by the test server) cannot come out
shorter on a quieter machine: each must not fall short of Lighthouse's by more than the
tolerance (20% or 50 ms; falling short is what missing a long task or a late LCP candidate
looks like). A first paint can: Lighthouse's recorded 131 ms for a small page was 68 ms in
a quiet CI run, so there LCP must only be the candidate Lighthouse picked. Their values
against Lighthouse's, both ways, are the benchmark's (bench/bench_probe.py).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from uxlab.cli import cli

pytestmark = pytest.mark.browser
VALUES = Path(__file__).resolve().parent / "lighthouse13_values.json"
RECORDED = json.loads(VALUES.read_text(encoding="utf-8"))
RUNS = 3
# An LCP this much after FCP is a later candidate than the first paint (the late pages' gaps
# are 400 ms and more; a first-paint LCP equals FCP).
LATE_MS = 100.0


def tolerance(value: float) -> float:
    """Issue 4's tolerance for a time: 20% or 50 ms, whichever is larger."""
    return max(0.2 * value, 50.0)


@pytest.fixture(scope="module")
def medians(test_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    """One ``uxlab probe`` over every recorded page, desktop, default parallelism; medians per page."""
    out = tmp_path_factory.mktemp("agreement") / "report.json"
    args = ["probe", "--runs", str(RUNS), "--profile", "desktop", "--no-tasks", "--json", str(out)]
    args += [arg for page in sorted(RECORDED["medians"]) for arg in ("--url", test_site + page)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    found = {}
    for page in report["pages"]:
        runs = [r["metrics"] for r in page["runs"]]
        assert len(runs) == RUNS
        row = {
            m: statistics.median(float(r[m] or 0) for r in runs)
            for m in ("cls", "tbt_ms", "fcp_ms", "lcp_ms")
        }
        row["late_lcp"] = statistics.median(
            float((r["lcp_ms"] or 0) - (r["fcp_ms"] or 0) > LATE_MS) for r in runs
        )
        found[page["url"].removeprefix(test_site)] = row
    return found


@pytest.mark.parametrize("page", sorted(RECORDED["medians"]))
def test_cls_tbt_and_lcp_agree_with_lighthouse_13(medians: dict[str, dict[str, float]], page: str) -> None:
    ours = medians[page]
    theirs = RECORDED["medians"][page]
    assert abs(ours["cls"] - theirs["cls"]) <= 0.02, (page, ours, theirs)
    assert ours["tbt_ms"] >= theirs["tbt_ms"] - tolerance(theirs["tbt_ms"]), (page, ours, theirs)
    lighthouse_late = theirs["lcp_ms"] - theirs["fcp_ms"] > LATE_MS
    if lighthouse_late:  # the late image's time is the test server's delay, not the machine's speed
        assert ours["lcp_ms"] >= theirs["lcp_ms"] - tolerance(theirs["lcp_ms"]), (page, ours, theirs)
    assert bool(ours["late_lcp"]) == lighthouse_late, (page, ours, theirs)

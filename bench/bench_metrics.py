"""Benchmark: the CX summary's figures from loaded data, the code the dashboard runs after its SQL.

``uxlab.reports.summary.compute`` turns a study's loaded arrays (``queries.StudyData``)
into the ``CXSummary``: per-task completion, time on task, SEQ, SUM and the time sample,
journey stages and touchpoints, questionnaires and findings, all through the scalar
functions of ``uxlab.metrics``. This times it on seeded synthetic data (no database):
``--attempts`` (default 1,000,000) over ``--tasks`` (default 10) in two study versions,
plus SUS, UMUX-Lite, NPS, CSAT and CES answers. Before the figures are printed, every
task's figures are checked against the metric functions applied to that task's attempts
picked out plainly (a boolean mask per task), value for value.

Target: <= 0.5 s for 1,000,000 attempts over 10 tasks, a quarter of the dashboard's 2 s
summary budget (``bench_summary.py`` times the whole, SQL included). The machine is shared:
the thread's CPU time and the load average are printed beside the wall time.

    .venv/bin/python bench/bench_metrics.py [--attempts N] [--tasks K] [--repeat R] [--record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from uxlab import metrics
from uxlab.models import Study
from uxlab.reports.answers import Answers
from uxlab.reports.filters import Filters
from uxlab.reports.queries import StudyData, TaskInfo
from uxlab.reports.summary import compute
from uxlab.reports.types import STAGES, CXSummary

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_md import record

TARGET_S = 0.5
ITEMS = {"sus": (10, 1, 5), "umux_lite": (2, 1, 7), "nps": (1, 0, 10), "csat": (1, 1, 5), "ces": (1, 1, 7)}


def make_data(attempts: int, tasks: int, seed: int = 2026) -> StudyData:
    """Seeded attempts in the shape ``queries.load`` returns: ~70% successes, lognormal times (ms
    precision), 20% unanswered SEQ, two versions; one respondent per 10 attempts."""
    rng = np.random.default_rng(seed)
    task = rng.integers(0, tasks, attempts)
    version = rng.integers(1, 3, attempts)
    outcome = rng.choice(4, attempts, p=[0.7, 0.15, 0.1, 0.05])
    seq = rng.integers(1, 8, attempts).astype(float)
    seq[rng.random(attempts) < 0.2] = np.nan
    ok = outcome == 0
    direct = np.where(ok, rng.random(attempts) < 0.6, 0).astype(np.int64)
    times = np.round(rng.lognormal(3.4, 0.5, attempts), 3)
    people = max(attempts // 10, 1)
    answers = {
        name: Answers(
            version=rng.integers(1, 3, people),
            values=rng.integers(low, high + 1, (people, items)),
            count=np.ones(people, np.int64),
        )
        for name, (items, low, high) in ITEMS.items()
    }
    infos = tuple(
        TaskInfo(f"t{i}", f"Task {i}", STAGES[i % 5], f"Touchpoint {i // 2}", 40.0, f"/p{i}")
        for i in range(tasks)
    )
    ends = tuple((v, i, page, 10) for v in (1, 2) for i in range(tasks) for page in ("/contact", "/"))
    return StudyData(
        study=Study(slug="bench", title="Benchmark study"),
        versions=(1, 2),
        ces_version="2.0",
        tasks=infos,
        a_task=task,
        a_version=version,
        a_outcome=outcome,
        a_seq=seq,
        a_direct=direct,
        t_task=task[ok],
        t_version=version[ok],
        t_time_s=times[ok],
        answers=answers,
        failure_ends=ends,
        days=((1, "2026-11-01", people // 2, people // 2), (2, "2026-11-02", people // 2, people // 3)),
    )


def check(data: StudyData, summary: CXSummary) -> None:
    """Each task's figures equal the metric functions over its attempts picked out by a mask."""
    for i, row in enumerate(summary.tasks):
        mine = data.a_task == i
        outcome, seq = data.a_outcome[mine], data.a_seq[mine]
        answered = seq[~np.isnan(seq)]
        times = data.t_time_s[data.t_task == i]
        x, n = int(np.count_nonzero(outcome == 0)), int(outcome.size)
        assert (row.attempts, row.successes) == (n, x)
        assert row.success == metrics.completion_rate(x, n)
        assert row.time_s == metrics.time_on_task_s(times)
        assert row.seq == metrics.seq_mean(answered)
        assert row.sum_pct == metrics.single_usability_metric(x, n, times, 40.0, answered).score_pct
        assert (row.times_s[0], row.times_s[-1]) == (round(times.min(), 3), round(times.max(), 3))


def _timed(data: StudyData) -> tuple[CXSummary, float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    out = compute(data, Filters(), (), datetime.now(UTC))
    return out, time.perf_counter() - wall, time.thread_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5, help="runs; the median counts")
    parser.add_argument("--record", action="store_true", help="add the figures to bench/RESULTS.md")
    args = parser.parse_args()

    data = make_data(args.attempts, args.tasks)
    runs = [_timed(data) for _ in range(args.repeat)]
    check(data, runs[0][0])
    wall = statistics.median(r[1] for r in runs)
    cpu = statistics.median(r[2] for r in runs)
    load = os.getloadavg()[0]
    verdict = f"target <= {TARGET_S} s {'met' if wall <= TARGET_S else 'NOT met'}"
    figure = (
        f"{args.attempts:,} attempts over {args.tasks:,} tasks, two versions: summary.compute "
        f"{wall:.3f} s (median of {args.repeat}: {', '.join(f'{r[1]:.3f}' for r in runs)} s; thread CPU "
        f"{cpu:.3f} s); every task's figures equal the metric functions over its masked attempts; "
        f"load average {load:.1f} on {os.cpu_count()} shared cores; {verdict}"
    )
    print(figure)
    if args.record:
        command = " ".join([".venv/bin/python bench/bench_metrics.py", *sys.argv[1:]])
        record(f"metrics: CX summary figures from loaded data, {args.tasks:,} tasks", figure, command)


if __name__ == "__main__":
    main()

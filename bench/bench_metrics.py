"""Benchmark: the vectorized per-task summary vs a plain-Python loop over the same attempts.

1,000,000 attempts over 1,000 tasks (seeded). Both compute, per task: attempts,
successes, adjusted-Wald completion interval, best point estimate, geometric mean time
with log-t interval, median time with binomial-rank interval, SEQ mean with t-interval.
The loop result is checked against the vectorized one before the figures are printed.
Target (issue 3): vectorized <= 1 s and >= 30x faster than the loop.

    .venv/bin/python bench/bench_metrics.py [--attempts N] [--tasks K]
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from uxlab.metrics import (
    best_point_estimate,
    completion_rate,
    geometric_mean_time_s,
    median_time_s,
    seq_mean,
    summarize_tasks,
)

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def make_data(attempts: int, tasks: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """Seeded synthetic attempts: ~70% successes, lognormal times, 20% missing SEQ."""
    rng = np.random.default_rng(seed)
    outcome = rng.choice(4, attempts, p=[0.7, 0.15, 0.1, 0.05])
    time_s = np.where(outcome == 0, rng.lognormal(3.6, 0.7, attempts), np.nan)
    seq = rng.integers(1, 8, attempts).astype(float)
    seq[rng.random(attempts) < 0.2] = np.nan
    return {"task": rng.integers(0, tasks, attempts), "outcome": outcome, "time_s": time_s, "seq": seq}


def python_loop(
    task: list[int], outcome: list[int], time_s: list[float], seq: list[float], tasks: int
) -> dict:
    """The same statistics with a Python loop over attempts (scipy only for per-task quantiles)."""
    z = stats.norm.ppf(0.975)
    n = [0] * tasks
    x = [0] * tasks
    times: list[list[float]] = [[] for _ in range(tasks)]
    seqs: list[list[float]] = [[] for _ in range(tasks)]
    for k, o, t, s in zip(task, outcome, time_s, seq, strict=True):
        n[k] += 1
        if o == 0:
            x[k] += 1
            times[k].append(t)
        if s == s:  # not NaN
            seqs[k].append(s)
    out: dict[str, list[Any]] = {
        "rate_low": [],
        "best": [],
        "gm": [],
        "gm_low": [],
        "median": [],
        "seq_mean": [],
    }
    for k in range(tasks):
        n_adj = n[k] + z * z
        p_adj = (x[k] + z * z / 2) / n_adj
        out["rate_low"].append(max(0.0, p_adj - z * math.sqrt(p_adj * (1 - p_adj) / n_adj)))
        rate = x[k] / n[k]
        out["best"].append(p_adj if rate < 0.5 else rate if rate <= 0.9 else (x[k] + 1) / (n[k] + 2))
        logs = [math.log(v) for v in times[k]]
        m = len(logs)
        mean = sum(logs) / m
        sd = math.sqrt(sum((v - mean) ** 2 for v in logs) / (m - 1))
        out["gm"].append(math.exp(mean))
        out["gm_low"].append(math.exp(mean - stats.t.ppf(0.975, m - 1) * sd / math.sqrt(m)))
        ordered = sorted(times[k])
        out["median"].append((ordered[(m - 1) // 2] + ordered[m // 2]) / 2)
        lo = max(1, math.ceil(m / 2 - z * math.sqrt(m / 4)))
        hi = min(m, math.ceil(m / 2 + z * math.sqrt(m / 4)))
        out.setdefault("median_ci", []).append((ordered[lo - 1], ordered[hi - 1]))
        q = seqs[k]
        out["seq_mean"].append(sum(q) / len(q))
    return out


def python_loop_with_scalar_functions(
    task: list[int], outcome: list[int], time_s: list[float], seq: list[float], tasks: int
) -> list[tuple[Any, ...]]:
    """Group attempts in a Python loop, then call uxlab's scalar metric functions per task."""
    rows: list[list[tuple[int, float, float]]] = [[] for _ in range(tasks)]
    for k, o, t, s in zip(task, outcome, time_s, seq, strict=True):
        rows[k].append((o, t, s))
    out = []
    for attempts in rows:
        times = [t for o, t, _ in attempts if o == 0]
        ratings = [s for _, _, s in attempts if s == s]
        out.append(
            (
                completion_rate(len(times), len(attempts)),
                best_point_estimate(len(times), len(attempts)),
                geometric_mean_time_s(times),
                median_time_s(times),
                seq_mean(ratings),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()

    data = make_data(args.attempts, args.tasks)
    lists = {k: v.tolist() for k, v in data.items()}

    vector_runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        summary = summarize_tasks(
            data["task"], data["outcome"], data["time_s"], data["seq"], n_tasks=args.tasks
        )
        vector_runs.append(time.perf_counter() - start)
    vector_s = min(vector_runs)

    start = time.perf_counter()
    loop = python_loop(lists["task"], lists["outcome"], lists["time_s"], lists["seq"], args.tasks)
    loop_s = time.perf_counter() - start

    start = time.perf_counter()
    python_loop(data["task"], data["outcome"], data["time_s"], data["seq"], args.tasks)  # type: ignore[arg-type]
    numpy_loop_s = time.perf_counter() - start

    start = time.perf_counter()
    per_task = python_loop_with_scalar_functions(
        lists["task"], lists["outcome"], lists["time_s"], lists["seq"], args.tasks
    )
    scalar_s = time.perf_counter() - start

    np.testing.assert_allclose(summary.completion_low, loop["rate_low"], rtol=1e-9)
    np.testing.assert_allclose(summary.best_estimate, loop["best"], rtol=1e-9)
    np.testing.assert_allclose(summary.geometric_mean_s, loop["gm"], rtol=1e-9)
    np.testing.assert_allclose(summary.geometric_low_s, loop["gm_low"], rtol=1e-9)
    np.testing.assert_allclose(summary.median_s, loop["median"], rtol=1e-12)
    np.testing.assert_allclose(summary.median_low_s, [c[0] for c in loop["median_ci"]], rtol=1e-12)
    np.testing.assert_allclose(summary.seq_mean, loop["seq_mean"], rtol=1e-9)
    np.testing.assert_allclose(summary.median_high_s, [r[3].high for r in per_task], rtol=1e-12)
    np.testing.assert_allclose(summary.seq_high, [r[4].high for r in per_task], rtol=1e-9)

    runs = ", ".join(f"{r:.3f}" for r in vector_runs)
    print(f"attempts: {args.attempts:,}  tasks: {args.tasks:,}  (all three agree)")
    print(f"vectorized summarize_tasks:           {vector_s:.3f} s  (best of {args.repeat}: {runs})")
    print(f"plain-Python loop, inline arithmetic: {loop_s:.3f} s  -> {loop_s / vector_s:.1f}x")
    print(f"plain-Python loop + scalar functions: {scalar_s:.3f} s  -> {scalar_s / vector_s:.1f}x")
    print(f"inline loop on the numpy arrays:      {numpy_loop_s:.3f} s  -> {numpy_loop_s / vector_s:.1f}x")
    load = os.getloadavg()[0]
    print(f"machine load average (1 min): {load:.1f} on {os.cpu_count()} cores")
    verdict = (
        f"target <= 1 s {'met' if vector_s <= 1 else 'NOT met'}, "
        f">= 30x vs the inline loop {'met' if loop_s / vector_s >= 30 else 'NOT met'}"
    )
    print(verdict)
    if args.record:
        figure = (
            f"vectorized {vector_s:.3f} s; loop (inline) {loop_s:.2f} s = {loop_s / vector_s:.0f}x; "
            f"loop + scalar functions {scalar_s:.2f} s = {scalar_s / vector_s:.0f}x; "
            f"inline loop over numpy arrays {numpy_loop_s:.2f} s = {numpy_loop_s / vector_s:.0f}x "
            f"(load average {load:.1f} on {os.cpu_count()} shared cores); {verdict}"
        )
        command = f"`.venv/bin/python bench/bench_metrics.py --attempts {args.attempts} --tasks {args.tasks}`"
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Benchmark results\n\n| date | benchmark | figure | command |\n|---|---|---|---|\n"
            )
        with RESULTS.open("a", encoding="utf-8") as fh:
            today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
            fh.write(
                f"| {today} | metrics: per-task summary, 1M attempts / 1k tasks | {figure} | {command} |\n"
            )


if __name__ == "__main__":
    main()

"""Benchmark: the vectorized per-task summary vs a plain-Python loop over the same attempts.

1,000,000 attempts over 1,000 tasks (seeded). Both compute, per task: attempts,
successes, adjusted-Wald completion interval, best point estimate, geometric mean time
with log-t interval, median time with binomial-rank interval, SEQ mean with t-interval.
The loop result is checked against the vectorized one before the figures are printed.
Target (issue 3): vectorized <= 1 s and >= 30x faster than the loop.

    .venv/bin/python bench/bench_metrics.py [--attempts N] [--tasks K] [--rounds R] [--record]

Each round times the vectorized summary (best of --repeat) and the inline loop back to
back; the ratio reported is the median over the rounds (wall clock; thread CPU time too,
which leaves out time the shared cores spent on other processes).
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


def _timed(run: Any) -> tuple[Any, float, float]:
    """Return (result, wall seconds, CPU seconds of this thread); CPU time leaves out the
    time other processes had the core (the machine is shared)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    out = run()
    return out, time.perf_counter() - wall, time.thread_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5, help="vectorized runs per round (best counts)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of (vectorized, inline loop); median ratio"
    )
    parser.add_argument("--record", action="store_true", help="write the figures into bench/RESULTS.md")
    args = parser.parse_args()

    data = make_data(args.attempts, args.tasks)
    lists = {k: v.tolist() for k, v in data.items()}

    def vectorized() -> Any:
        return summarize_tasks(data["task"], data["outcome"], data["time_s"], data["seq"], n_tasks=args.tasks)

    def inline() -> Any:
        return python_loop(lists["task"], lists["outcome"], lists["time_s"], lists["seq"], args.tasks)

    rounds = []  # (vector wall, vector cpu, loop wall, loop cpu), vector = best of --repeat
    for _ in range(args.rounds):
        runs = [_timed(vectorized) for _ in range(args.repeat)]
        summary = runs[0][0]
        loop, loop_s, loop_cpu = _timed(inline)
        rounds.append((min(r[1] for r in runs), min(r[2] for r in runs), loop_s, loop_cpu))
    wall_ratios = sorted(r[2] / r[0] for r in rounds)
    cpu_ratios = sorted(r[3] / r[1] for r in rounds)
    vector_s = float(np.median([r[0] for r in rounds]))
    loop_s = float(np.median([r[2] for r in rounds]))
    ratio, cpu_ratio = float(np.median(wall_ratios)), float(np.median(cpu_ratios))

    _, numpy_loop_s, _ = _timed(
        lambda: python_loop(data["task"], data["outcome"], data["time_s"], data["seq"], args.tasks)  # type: ignore[arg-type]
    )
    per_task, scalar_s, _ = _timed(
        lambda: python_loop_with_scalar_functions(
            lists["task"], lists["outcome"], lists["time_s"], lists["seq"], args.tasks
        )
    )

    np.testing.assert_allclose(summary.completion_low, loop["rate_low"], rtol=1e-9)
    np.testing.assert_allclose(summary.best_estimate, loop["best"], rtol=1e-9)
    np.testing.assert_allclose(summary.geometric_mean_s, loop["gm"], rtol=1e-9)
    np.testing.assert_allclose(summary.geometric_low_s, loop["gm_low"], rtol=1e-9)
    np.testing.assert_allclose(summary.median_s, loop["median"], rtol=1e-12)
    np.testing.assert_allclose(summary.median_low_s, [c[0] for c in loop["median_ci"]], rtol=1e-12)
    np.testing.assert_allclose(summary.median_high_s, [c[1] for c in loop["median_ci"]], rtol=1e-12)
    np.testing.assert_allclose(summary.seq_mean, loop["seq_mean"], rtol=1e-9)
    np.testing.assert_allclose(summary.median_high_s, [r[3].high for r in per_task], rtol=1e-12)
    np.testing.assert_allclose(summary.seq_high, [r[4].high for r in per_task], rtol=1e-9)

    print(f"attempts: {args.attempts:,}  tasks: {args.tasks:,}  (all three agree)")
    for k, (vw, vc, lw, lc) in enumerate(rounds, 1):
        print(
            f"round {k}: vectorized {vw * 1e3:.1f} ms (cpu {vc * 1e3:.1f}), inline loop {lw:.3f} s "
            f"(cpu {lc:.3f}) -> {lw / vw:.1f}x wall, {lc / vc:.1f}x cpu"
        )
    print(
        f"vectorized summarize_tasks:           {vector_s:.4f} s  (median of rounds, best of {args.repeat})"
    )
    print(
        f"plain-Python loop, inline arithmetic: {loop_s:.3f} s  -> {ratio:.1f}x "
        f"(median of {args.rounds} rounds: {', '.join(f'{r:.1f}' for r in wall_ratios)}; "
        f"thread CPU time {cpu_ratio:.1f}x)"
    )
    print(f"plain-Python loop + scalar functions: {scalar_s:.3f} s  -> {scalar_s / vector_s:.1f}x")
    print(f"inline loop on the numpy arrays:      {numpy_loop_s:.3f} s  -> {numpy_loop_s / vector_s:.1f}x")
    load = os.getloadavg()[0]
    print(f"machine load average (1 min): {load:.1f} on {os.cpu_count()} cores")
    verdict = (
        f"target <= 1 s {'met' if vector_s <= 1 else 'NOT met'}, "
        f">= 30x vs the inline loop {'met' if min(ratio, cpu_ratio) >= 30 else 'NOT met'}"
        " (both the wall-clock and the CPU-time median)"
    )
    print(verdict)
    if args.record:
        figure = (
            f"vectorized {vector_s:.4f} s; loop (inline) {loop_s:.2f} s = {ratio:.0f}x "
            f"(median of {args.rounds} same-run rounds, range {wall_ratios[0]:.0f}-{wall_ratios[-1]:.0f}x; "
            f"thread CPU time {cpu_ratio:.0f}x); loop + scalar functions {scalar_s:.2f} s = "
            f"{scalar_s / vector_s:.0f}x; inline loop over numpy arrays {numpy_loop_s:.2f} s = "
            f"{numpy_loop_s / vector_s:.0f}x (load average {load:.1f} on {os.cpu_count()} shared cores); "
            f"{verdict}"
        )
        command = (
            f"`.venv/bin/python bench/bench_metrics.py --attempts {args.attempts} --tasks {args.tasks} "
            f"--rounds {args.rounds} --record`"
        )
        _record(figure, command)


def _record(figure: str, command: str) -> None:
    """Replace this benchmark's line in bench/RESULTS.md (or add it)."""
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    label = "metrics: per-task summary, 1M attempts / 1k tasks"
    line = f"| {today} | {label} | {figure} | {command} |"
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\n| date | benchmark | figure | command |\n|---|---|---|---|\n"
        )
    lines = RESULTS.read_text(encoding="utf-8").splitlines()
    mine = [i for i, old in enumerate(lines) if f"| {label} |" in old]
    if mine:
        lines[mine[0]] = line
    else:
        lines.append(line)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

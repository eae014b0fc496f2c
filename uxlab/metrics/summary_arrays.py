"""Per-task statistics for every task at once, from flat arrays, without a loop over attempts.

The same formulas as rates.py, times.py and questionnaires.seq_mean, vectorized with
numpy (bincount for sums, one lexsort for medians). Missing values are NaN: the time of
an attempt that did not succeed is ignored, a NaN SEQ means "not answered".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.times import MEDIAN_FROM_N

OUTCOMES = ("success", "failure", "give_up", "timeout")
"""Outcome codes are indexes into this tuple (Attempt.outcome strings); 0 = success."""
SUCCESS = 0


def outcome_codes(labels: Iterable[str]) -> np.ndarray:
    """Map outcome strings ("success", "failure", "give_up", "timeout") to codes 0..3."""
    arr = np.asarray(list(labels), dtype=str)
    known = np.asarray(OUTCOMES)
    found = np.isin(arr, known)
    if not found.all():
        raise MetricInputError(f"outcome: unknown value {arr[~found][0]!r}", field="outcome")
    order = np.argsort(known)
    return order[np.searchsorted(known[order], arr)].astype(np.int64)


@dataclass(frozen=True)
class TaskSummaries:
    """One array per statistic, indexed by task (length n_tasks); NaN where undefined."""

    attempts: np.ndarray
    successes: np.ndarray
    direct_successes: np.ndarray
    completion_rate: np.ndarray
    completion_low: np.ndarray
    completion_high: np.ndarray
    best_estimate: np.ndarray
    n_times: np.ndarray
    geometric_mean_s: np.ndarray
    geometric_low_s: np.ndarray
    geometric_high_s: np.ndarray
    median_s: np.ndarray
    median_low_s: np.ndarray
    median_high_s: np.ndarray
    time_on_task_s: np.ndarray
    time_low_s: np.ndarray
    time_high_s: np.ndarray
    n_seq: np.ndarray
    seq_mean: np.ndarray
    seq_low: np.ndarray
    seq_high: np.ndarray

    def row(self, task: int) -> dict[str, Any]:
        """Return one task's statistics as a JSON-able dict (NaN -> None)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)[task].item()
            out[f.name] = None if isinstance(value, float) and np.isnan(value) else value
        return out

    def to_dict(self) -> dict[str, list[Any]]:
        """Return every statistic as a list (NaN -> None)."""
        return {
            f.name: [
                None if isinstance(v, float) and np.isnan(v) else v for v in getattr(self, f.name).tolist()
            ]
            for f in fields(self)
        }


@dataclass(frozen=True)
class _Checked:
    task: np.ndarray
    ok: np.ndarray
    size: int
    attempts: np.ndarray
    ok_task: np.ndarray
    ok_time_s: np.ndarray
    seq_codes: np.ndarray


def _check(task: Any, outcome: Any, time_s: Any, seq: Any, n_tasks: int | None) -> _Checked:
    t = np.asarray(task)
    o = np.asarray(outcome)
    tm = np.asarray(time_s, dtype=float)
    sq = np.asarray(seq, dtype=float)
    if t.ndim != 1 or t.size == 0:
        raise MetricInputError("task: needs a non-empty 1-D array", field="task")
    if not (o.shape == tm.shape == sq.shape == t.shape):
        raise MetricInputError("task, outcome, time_s and seq must have the same length", field="task")
    if not (np.issubdtype(t.dtype, np.integer) and np.issubdtype(o.dtype, np.integer)):
        raise MetricInputError("task and outcome must be integer codes", field="task")
    # bincount both counts and range-checks tasks: it rejects negatives, its length is max + 1.
    t = t.astype(np.intp, copy=False)
    try:
        attempts = np.bincount(t, minlength=n_tasks or 0)
    except ValueError:
        raise MetricInputError("task: indexes must not be negative", field="task") from None
    size = attempts.size if n_tasks is None else n_tasks
    if attempts.size > size:
        raise MetricInputError(f"task: indexes must be within 0..{size - 1}", field="task")
    if o.min() < 0 or o.max() >= len(OUTCOMES):
        raise MetricInputError("outcome: codes must be 0..3 (see OUTCOMES)", field="outcome")
    ok = o == SUCCESS
    ok_index = np.flatnonzero(ok)  # integer take is several times faster than a mask
    ok_times = tm.take(ok_index)
    # min() of an array holding NaN is NaN, and NaN <= 0 is False: test finiteness first.
    if ok_times.size and not (np.isfinite(ok_times.sum()) and ok_times.min() > 0):
        if not np.all(np.isfinite(ok_times)):
            raise MetricInputError("time_s: every successful attempt needs a finite time", field="time_s")
        raise MetricInputError("time_s: times of successful attempts must be positive", field="time_s")
    codes = np.fmax(sq, 0.0)  # NaN (not answered) -> code 0; so would a rating <= 0, caught below
    if codes.max() > 7:
        raise MetricInputError("seq: ratings must be 1..7 (NaN = not answered)", field="seq")
    ints = codes.astype(np.int64)
    answered = t.size - np.count_nonzero(np.isnan(sq))
    if np.any(ints != codes) or np.count_nonzero(ints) != answered:
        raise MetricInputError("seq: ratings must be whole numbers 1..7 (NaN = not answered)", field="seq")
    return _Checked(t, ok, size, attempts, t.take(ok_index), ok_times, ints)


def _t_half(sd: np.ndarray, n: np.ndarray, confidence: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        return stats.t.ppf(0.5 + confidence / 2, df) * sd / np.sqrt(n)


def _group_mean_sd(groups: np.ndarray, x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = np.bincount(groups, minlength=size).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(groups, weights=x, minlength=size) / n
        dev = x - mean[groups]
        sd = np.sqrt(np.bincount(groups, weights=dev * dev, minlength=size) / (n - 1))
    sd[n < 2] = np.nan
    return n, mean, sd


def _rating_mean_sd(task: np.ndarray, codes: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """Per-task n, mean and sd of 1..7 ratings from one histogram (code 0 = not answered).

    Integer sums keep the variance exact: s^2 = (n sum(r^2) - sum(r)^2) / (n (n - 1)).
    """
    hist = np.bincount(task * 8 + codes, minlength=size * 8).reshape(size, 8)[:, 1:]
    points = np.arange(1, 8)
    n = hist.sum(axis=1)
    s1, s2 = hist @ points, hist @ (points * points)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        sd = np.sqrt((n * s2 - s1 * s1) / (n * (n - 1.0)))
    sd[n < 2] = np.nan
    return n, mean, sd


def _sorted_by_group(
    group: np.ndarray, values: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return (flat, starts): group g's values in ascending order are flat[starts[g]:][:counts[g]]."""
    size = counts.size
    if values.size == 0:
        return np.zeros(1), np.zeros(size, dtype=np.int64)
    small = np.int16 if size <= np.iinfo(np.int16).max else np.int32
    starts = np.cumsum(counts) - counts
    width = int(counts.max())
    if size * width <= 2 * values.size + 1024:
        # Pad each group into one row of a matrix (inf past its count) and sort the rows:
        # many short sorts beat one long argsort by a factor of about 3.
        by_group = np.argsort(group.astype(small), kind="stable")  # radix sort
        # element i of the group-sorted values goes to row g, column i - starts[g]
        flat = np.arange(values.size) + np.repeat(np.arange(size) * width - starts, counts)
        matrix = np.full(size * width, np.inf)
        matrix[flat] = values.take(by_group)
        rows = matrix.reshape(size, width)
        rows.sort(axis=1)
        return rows.ravel(), np.arange(size, dtype=np.int64) * width
    # Very unequal group sizes: one argsort by value, then a stable sort by group.
    by_value = np.argsort(values)
    order = by_value[np.argsort(group[by_value].astype(small), kind="stable")]
    return values[order], starts


def summarize_tasks(
    task: Any,
    outcome: Any,
    time_s: Any,
    seq: Any,
    direct: Any = None,
    n_tasks: int | None = None,
    confidence: float = 0.95,
) -> TaskSummaries:
    """Per-task completion (adjusted Wald, best estimate), time (geometric mean and median
    with their intervals; the centre picked by n < 25) and SEQ mean with t-interval.

    ``task``: task index per attempt (0..n_tasks-1); ``outcome``: codes into OUTCOMES;
    ``time_s``: seconds (only successful attempts' times are used); ``seq``: 1..7 or NaN;
    ``direct``: optional bool per attempt (success along the ideal path).
    """
    z = inputs.z_critical(confidence)
    c = _check(task, outcome, time_s, seq, n_tasks)
    t, ok, size = c.task, c.ok, c.size

    attempts = c.attempts
    successes = np.bincount(c.ok_task, minlength=size)
    if direct is None:
        direct_successes = np.zeros(size, dtype=np.int64)
    else:
        d = np.asarray(direct, dtype=bool)
        if d.shape != t.shape:
            raise MetricInputError("direct must have one value per attempt", field="direct")
        direct_successes = np.bincount(t[d & ok], minlength=size)

    with np.errstate(invalid="ignore", divide="ignore"):
        rate = successes / attempts
        n_adj = attempts + z * z
        p_adj = (successes + z * z / 2) / n_adj
        half = z * np.sqrt(p_adj * (1 - p_adj) / n_adj)
        z95 = inputs.z_critical(0.95)
        wilson = (successes + z95 * z95 / 2) / (attempts + z95 * z95)
        laplace = (successes + 1) / (attempts + 2)
    best = np.where(2 * successes < attempts, wilson, np.where(10 * successes <= 9 * attempts, rate, laplace))
    c_low = np.clip(p_adj - half, 0, 1)
    c_high = np.clip(p_adj + half, 0, 1)
    none = attempts == 0
    for arr in (rate, c_low, c_high, best):
        arr[none] = np.nan

    n_t, log_mean, log_sd = _group_mean_sd(c.ok_task, np.log(c.ok_time_s), size)
    log_half = _t_half(log_sd, n_t, confidence)
    with np.errstate(invalid="ignore"):
        gm = np.exp(log_mean)
        gm_low, gm_high = np.exp(log_mean - log_half), np.exp(log_mean + log_half)

    counts = n_t.astype(np.int64)
    pick, starts = _sorted_by_group(c.ok_task, c.ok_time_s, counts)
    has = counts > 0
    last = np.maximum(counts - 1, 0)
    safe = np.where(has, starts, 0)
    med = np.where(has, (pick[safe + last // 2] + pick[safe + counts // 2]) / 2, np.nan)
    spread = z * np.sqrt(counts / 4)
    lo_rank = np.clip(np.ceil(counts / 2 - spread), 1, np.maximum(counts, 1)).astype(np.int64)
    hi_rank = np.clip(np.ceil(counts / 2 + spread), 1, np.maximum(counts, 1)).astype(np.int64)
    med_low = np.where(has, pick[safe + lo_rank - 1], np.nan)
    med_high = np.where(has, pick[safe + hi_rank - 1], np.nan)

    use_median = counts >= MEDIAN_FROM_N
    tot = np.where(use_median, med, gm)
    tot_low = np.where(use_median, med_low, gm_low)
    tot_high = np.where(use_median, med_high, gm_high)

    n_s, s_mean, s_sd = _rating_mean_sd(t, c.seq_codes, size)
    s_half = _t_half(s_sd, n_s, confidence)
    s_low, s_high = np.clip(s_mean - s_half, 1, 7), np.clip(s_mean + s_half, 1, 7)

    return TaskSummaries(
        attempts,
        successes,
        direct_successes,
        rate,
        c_low,
        c_high,
        best,
        counts,
        gm,
        gm_low,
        gm_high,
        med,
        med_low,
        med_high,
        tot,
        tot_low,
        tot_high,
        n_s.astype(np.int64),
        s_mean,
        s_low,
        s_high,
    )

"""Per-task statistics for every task at once, from flat arrays, without a loop over attempts.

The same formulas as rates.py, times.py and questionnaires.seq_mean, vectorized with
numpy (bincount for sums and counts, group_ranks.order_statistics for medians). Missing
values are NaN: the time of an attempt that did not succeed is ignored, a NaN SEQ means
"not answered".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import group_ranks, inputs
from uxlab.metrics.times import MEDIAN_FROM_N

OUTCOMES = ("success", "failure", "give_up", "timeout")
"""Outcome codes are indexes into this tuple (Attempt.outcome strings); 0 = success."""
SUCCESS = 0
CHUNK = 1 << 17
"""Attempts are checked and counted per slice of CHUNK: its temporaries stay in cache, and the
successes' positions in a slice fit in uint32 (kept for the later passes)."""


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
    """Checked inputs and what one pass over them, slice by slice, counted."""

    task: np.ndarray
    outcome: np.ndarray
    time_s: np.ndarray
    size: int
    seq_hist: np.ndarray  # (size, 8): attempts per task by SEQ code, 0 = not answered
    successes: np.ndarray
    log_mean: np.ndarray  # per task, over successful attempts: mean of ln(time) ...
    log_m2: np.ndarray  # ... and sum of squared deviations from it
    buckets: group_ranks.Buckets
    keys: np.ndarray  # (task, bucket) bin of each success, in input order
    ok_index: list[np.ndarray]  # per slice, positions of its successes (uint32)

    def parts(self) -> Iterator[slice]:
        return (slice(a, a + CHUNK) for a in range(0, self.task.size, CHUNK))


def _time_range(tm: np.ndarray, ok: np.ndarray) -> tuple[float, float]:
    """Bounds on the successful attempts' times for the median buckets (group_ranks).

    Any bounds holding them all are correct (tighter ones are faster): the range of all
    times, NaN ignored, when it is positive and finite, else that of the successes alone.
    """
    low, high = np.fmin.reduce(tm), np.fmax.reduce(tm)
    if not (low > 0 and np.isfinite(high)):
        times = _valid_times(tm[ok])
        low, high = (times.min(), times.max()) if times.size else (1.0, 1.0)
    return float(low), float(high)


def _valid_times(times: np.ndarray) -> np.ndarray:
    # min() of an array holding NaN is NaN, and NaN <= 0 is False: test finiteness first.
    if times.size and not (np.isfinite(times.sum()) and times.min() > 0):
        if not np.all(np.isfinite(times)):
            raise MetricInputError("time_s: every successful attempt needs a finite time", field="time_s")
        raise MetricInputError("time_s: times of successful attempts must be positive", field="time_s")
    return times


def _seq_codes(sq: np.ndarray) -> np.ndarray:
    """SEQ ratings as int8 codes 1..7, 0 = not answered (NaN); anything else is an error."""
    codes = np.fmax(sq, 0.0)  # NaN (not answered) -> code 0; so would a rating <= 0, caught below
    if codes.max() > 7:
        raise MetricInputError("seq: ratings must be 1..7 (NaN = not answered)", field="seq")
    small = codes.astype(np.int8)  # 0..7 after the check above
    answered = codes.size - np.count_nonzero(np.isnan(sq))
    if np.count_nonzero(small) != answered or not np.array_equal(codes, small):
        raise MetricInputError("seq: ratings must be whole numbers 1..7 (NaN = not answered)", field="seq")
    return small


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
    t = t.astype(np.intp, copy=False)
    if t.min() < 0:
        raise MetricInputError("task: indexes must not be negative", field="task")
    size = int(t.max()) + 1 if n_tasks is None else n_tasks
    if t.max() >= size:
        raise MetricInputError(f"task: indexes must be within 0..{size - 1}", field="task")
    if o.min() < 0 or o.max() >= len(OUTCOMES):
        raise MetricInputError("outcome: codes must be 0..3 (see OUTCOMES)", field="outcome")
    ok = o == SUCCESS
    n_ok = int(np.count_nonzero(ok))
    buckets = group_ranks.Buckets.covering(*_time_range(tm, ok), n_ok, size, size)
    c = _Checked(
        t,
        o,
        tm,
        size,
        np.zeros(size * 8, np.intp),
        np.zeros(size, np.intp),
        np.zeros(size),
        np.zeros(size),
        buckets,
        np.empty(n_ok, dtype=np.int64),
        [],
    )
    done = 0
    for part in c.parts():
        index = np.flatnonzero(ok[part])  # take beats a mask gather
        c.ok_index.append(index.astype(np.uint32))
        group, times = t[part].take(index), _valid_times(tm[part].take(index))
        _add_log_moments(c, group, np.log(times))
        buckets.keys(group, times, out=c.keys[done : done + times.size])
        done += times.size
        # one histogram of (task, SEQ code) gives attempts per task and the ratings' counts
        key = t[part] * 8
        key += _seq_codes(sq[part])
        c.seq_hist[:] += np.bincount(key, minlength=size * 8)
    return replace(c, seq_hist=c.seq_hist.reshape(size, 8))


def _add_log_moments(c: _Checked, group: np.ndarray, logs: np.ndarray) -> None:
    """Merge one slice's per-task count, mean and squared deviations of ln(time) into ``c``:
    M2 = M2_a + M2_b + delta^2 n_a n_b / n (Chan, Golub & LeVeque 1979, pairwise update;
    each slice's own M2 is two-pass, deviations from its mean)."""
    n_b = np.bincount(group, minlength=c.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_b = np.bincount(group, weights=logs, minlength=c.size) / n_b
    mean_b[n_b == 0] = 0.0
    logs -= mean_b.take(group)
    logs *= logs
    n_a = c.successes.astype(float)
    total = n_a + n_b
    delta = mean_b - c.log_mean
    share = np.divide(n_b, total, out=np.zeros(c.size), where=total > 0)
    c.log_mean[:] += delta * share
    c.log_m2[:] += np.bincount(group, weights=logs, minlength=c.size) + delta * delta * n_a * share
    c.successes[:] += n_b


def _t_half(sd: np.ndarray, n: np.ndarray, confidence: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        return stats.t.ppf(0.5 + confidence / 2, df) * sd / np.sqrt(n)


def _times(c: _Checked, z: float) -> tuple[np.ndarray, ...]:
    """Per task: log mean and sd of successful times, and the times at the median's ranks
    (read back from the values in each task's band of bins, group_ranks)."""
    counts = c.successes
    n = counts.astype(float)
    spread = z * np.sqrt(counts / 4)
    lo_rank = np.clip(np.ceil(counts / 2 - spread), 1, np.maximum(counts, 1)).astype(np.int64)
    hi_rank = np.clip(np.ceil(counts / 2 + spread), 1, np.maximum(counts, 1)).astype(np.int64)
    ranks = [(counts - 1) // 2, counts // 2, lo_rank - 1, hi_rank - 1]
    band = group_ranks.bands(c.buckets, np.bincount(c.keys, minlength=c.buckets.n_bins), counts, ranks)
    keep = np.flatnonzero(band.in_band.take(c.keys))
    # the kept successes' times, slice by slice
    bounds = np.cumsum([0] + [index.size for index in c.ok_index])
    cut = np.searchsorted(keep, bounds)
    kept_times = [
        c.time_s[part].take(index.take(keep[cut[i] : cut[i + 1]] - bounds[i]))
        for i, (part, index) in enumerate(zip(c.parts(), c.ok_index, strict=True))
    ]
    picks = group_ranks.read(
        band, c.keys.take(keep) >> c.buckets.bits, np.concatenate(kept_times), counts, ranks
    )
    log_mean = np.where(n > 0, c.log_mean, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_sd = np.sqrt(c.log_m2 / (n - 1))
    log_sd[n < 2] = np.nan
    return (log_mean, log_sd, *picks)


def _rating_mean_sd(hist: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-task n, mean and sd of 1..7 ratings from the (task, code) histogram (code 0 = not answered).

    Integer sums keep the variance exact: s^2 = (n sum(r^2) - sum(r)^2) / (n (n - 1)).
    """
    hist = hist[:, 1:]
    points = np.arange(1, 8)
    n = hist.sum(axis=1)
    s1, s2 = hist @ points, hist @ (points * points)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        sd = np.sqrt((n * s2 - s1 * s1) / (n * (n - 1.0)))
    sd[n < 2] = np.nan
    return n, mean, sd


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
    t, size = c.task, c.size

    attempts = c.seq_hist.sum(axis=1)
    successes = c.successes
    if direct is None:
        direct_successes = np.zeros(size, dtype=np.int64)
    else:
        d = np.asarray(direct, dtype=bool)
        if d.shape != t.shape:
            raise MetricInputError("direct must have one value per attempt", field="direct")
        direct_successes = np.bincount(t[d & (c.outcome == SUCCESS)], minlength=size)

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

    counts = successes
    log_mean, log_sd, below_mid, above_mid, med_low, med_high = _times(c, z)
    log_half = _t_half(log_sd, counts, confidence)
    with np.errstate(invalid="ignore"):
        gm = np.exp(log_mean)
        gm_low, gm_high = np.exp(log_mean - log_half), np.exp(log_mean + log_half)

    med = (below_mid + above_mid) / 2

    use_median = counts >= MEDIAN_FROM_N
    tot = np.where(use_median, med, gm)
    tot_low = np.where(use_median, med_low, gm_low)
    tot_high = np.where(use_median, med_high, gm_high)

    n_s, s_mean, s_sd = _rating_mean_sd(c.seq_hist)
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

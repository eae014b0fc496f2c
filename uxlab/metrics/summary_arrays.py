"""Per-task statistics for every task at once, from flat arrays, without a loop over attempts.

The same formulas as rates.py, times.py and questionnaires.seq_mean, vectorized with
numpy (bincount for sums and counts, group_ranks.order_statistics for medians). Missing
values are NaN: the time of an attempt that did not succeed is ignored, a NaN SEQ means
"not answered".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import group_ranks, inputs
from uxlab.metrics.summary_pass import OUTCOMES, SUCCESS, Checked, check_arrays
from uxlab.metrics.times import MEDIAN_FROM_N


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


def _t_half(sd: np.ndarray, n: np.ndarray, confidence: float) -> np.ndarray:
    """t critical value (df = n - 1; NaN below n = 2) times the standard error sd / sqrt(n).
    Tasks share few distinct n: scipy evaluates each distinct n once."""
    sizes, which = np.unique(n, return_inverse=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(sizes >= 2, sizes - 1, np.nan)
        return stats.t.ppf(0.5 + confidence / 2, df).take(which) * sd / np.sqrt(n)


def _times(c: Checked, z: float) -> tuple[np.ndarray, ...]:
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
    c = check_arrays(task, outcome, time_s, seq, n_tasks)
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

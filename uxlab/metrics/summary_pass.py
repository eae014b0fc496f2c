"""Input checks and the one pass over the attempts behind summary_arrays.summarize_tasks.

The attempts are read in slices of CHUNK: each slice is checked, counted into per-task
histograms and sums, and its successes' ln(time) moments are merged into the running
ones; the successes' median bins (group_ranks) are kept for the order statistics.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from uxlab.errors import MetricInputError
from uxlab.metrics import group_ranks

OUTCOMES = ("success", "failure", "give_up", "timeout")
"""Outcome codes are indexes into this tuple (Attempt.outcome strings); 0 = success."""
SUCCESS = 0
CHUNK = 1 << 17
"""Attempts per slice: a slice's temporaries stay in cache and need no fresh memory pages."""


@dataclass(frozen=True)
class Checked:
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
    low, high = np.fmin.reduce(sq), np.fmax.reduce(sq)  # NaN ignored (NaN if all are NaN)
    if low < 1 or high > 7:
        raise MetricInputError("seq: ratings must be 1..7 (NaN = not answered)", field="seq")
    codes = np.fmax(sq, 0.0)  # NaN (not answered) -> code 0
    small = codes.astype(np.int8)  # 0..7 after the check above
    if not np.array_equal(codes, small):
        raise MetricInputError("seq: ratings must be whole numbers 1..7 (NaN = not answered)", field="seq")
    return small


def check_arrays(task: Any, outcome: Any, time_s: Any, seq: Any, n_tasks: int | None) -> Checked:
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
    c = Checked(
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
        buckets.keys(group, times, out=c.keys[done : done + times.size], reuse_group=True)
        done += times.size
        # one histogram of (task, SEQ code) gives attempts per task and the ratings' counts
        key = t[part] * 8
        key += _seq_codes(sq[part])
        c.seq_hist[:] += np.bincount(key, minlength=size * 8)
    return replace(c, seq_hist=c.seq_hist.reshape(size, 8))


def _add_log_moments(c: Checked, group: np.ndarray, logs: np.ndarray) -> None:
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

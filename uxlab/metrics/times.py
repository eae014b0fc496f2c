"""Efficiency: time on task of successful attempts, in seconds.

Source: Sauro & Lewis, *Quantifying the User Experience* 2nd ed. (2016) ch. 3
("Confidence interval for task-time data"); Sauro & Lewis (2010), "Average task times in
usability tests: what to report?" (CHI): geometric mean for n < 25, median for n >= 25.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from uxlab.metrics import inputs
from uxlab.metrics.results import Estimate

MEDIAN_FROM_N = 25
"""From this many successful times on, the median is the better centre (Sauro & Lewis 2010)."""


def geometric_mean_time_s(times_s: Iterable[float] | np.ndarray, confidence: float = 0.95) -> Estimate:
    """Geometric mean exp(mean(ln t)) with the log-t interval exp(mean(ln t) +- t(n-1) s_ln / sqrt(n)).

    The interval is asymmetric around the estimate. A single time has no interval
    (low/high None); identical times give a zero-width one.
    """
    arr = inputs.times_s(times_s)
    logs = np.log(arr)
    n = int(arr.size)
    centre = float(logs.mean())
    if n < 2:
        inputs.confidence_level(confidence)
        return Estimate(
            math.exp(centre), None, None, n, "geometric mean, log-t (no interval: n=1)", confidence
        )
    half = inputs.t_critical(confidence, n - 1) * float(logs.std(ddof=1)) / math.sqrt(n)
    estimate = math.exp(centre)
    # Two wildly different times at a very high confidence can push the upper bound past
    # what a float holds: the interval is then unbounded above, not an error.
    low, high = math.exp(centre - half), _exp_or_inf(centre + half)
    return Estimate(estimate, min(low, estimate), max(high, estimate), n, "geometric mean, log-t", confidence)


def _exp_or_inf(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def median_rank_bounds(n: int, z: float) -> tuple[int, int]:
    """1-based ranks of the median interval: n/2 +- z sqrt(n/4), both rounded up, within [1, n]."""
    spread = z * math.sqrt(n / 4)
    low = math.ceil(n / 2 - spread)
    high = math.ceil(n / 2 + spread)
    return max(1, min(low, n)), max(1, min(high, n))


def median_time_s(times_s: Iterable[float] | np.ndarray, confidence: float = 0.95) -> Estimate:
    """Median with the binomial-rank interval: the sorted values at ranks n/2 +- z sqrt(n/4).

    Both ranks rounded up (1-based) and kept within 1..n, so small samples still get an
    interval (the sample's range at worst).
    """
    arr = np.sort(inputs.times_s(times_s))
    n = int(arr.size)
    low_rank, high_rank = median_rank_bounds(n, inputs.z_critical(confidence))
    return Estimate(
        float(np.median(arr)),
        float(arr[low_rank - 1]),
        float(arr[high_rank - 1]),
        n,
        "median, binomial ranks",
        confidence,
    )


def time_on_task_s(times_s: Iterable[float] | np.ndarray, confidence: float = 0.95) -> Estimate:
    """Centre of successful task times: geometric mean when n < 25, median when n >= 25."""
    arr = inputs.times_s(times_s)
    if arr.size < MEDIAN_FROM_N:
        return geometric_mean_time_s(arr, confidence)
    return median_time_s(arr, confidence)

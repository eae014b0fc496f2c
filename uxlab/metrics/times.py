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
from uxlab.metrics.intervals import NO_INTERVAL
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
    # The mean lies between the least and the greatest time; exp(ln) can miss by a float's
    # last digit (three times of 20 s gave 19.999999999999996), so it is held to that span.
    estimate = min(max(math.exp(centre), float(arr.min())), float(arr.max()))
    if n < 2:
        inputs.confidence_level(confidence)
        return Estimate(
            value=estimate,
            low=None,
            high=None,
            n=n,
            unit="seconds",
            method="geometric_mean_time_s",
            note=NO_INTERVAL,
            confidence=confidence,
        )
    half = inputs.t_critical(confidence, n - 1) * float(logs.std(ddof=1)) / math.sqrt(n)
    # Two wildly different times at a very high confidence can push the upper bound past
    # what a float holds: the interval is then unbounded above, not an error.
    low, high = math.exp(centre - half), _exp_or_inf(centre + half)
    if arr.min() == arr.max():  # identical times: the zero-width interval is the estimate itself
        low = high = estimate
    return Estimate(
        value=estimate,
        low=min(low, estimate),
        high=max(high, estimate),
        n=n,
        unit="seconds",
        method="geometric_mean_time_s",
        confidence=confidence,
    )


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
    arr = np.sort(inputs.times_s(times_s), kind="stable")  # timsort: linear on sorted runs
    n = int(arr.size)
    low_rank, high_rank = median_rank_bounds(n, inputs.z_critical(confidence))
    return Estimate(
        value=float(np.median(arr)),
        low=float(arr[low_rank - 1]),
        high=float(arr[high_rank - 1]),
        n=n,
        unit="seconds",
        method="median_time_s",
        confidence=confidence,
    )


def time_on_task_s(
    times_s: Iterable[float] | np.ndarray, confidence: float = 0.95, *, centre_n: int | None = None
) -> Estimate:
    """Centre of successful task times: geometric mean when n < 25, median when n >= 25.

    ``centre_n`` is the count that chooses the centre (default: the number of times given).
    A report passes the task's count without its session filters, so that a filter does not
    switch the centre of a figure (docs/METRICS.md, "One time-centre rule"). ``method`` of
    the result says which centre it is (``geometric_mean_time_s`` or ``median_time_s``).
    """
    arr = inputs.times_s(times_s)
    rule_n = arr.size if centre_n is None else inputs.count(centre_n, field="centre_n")
    if rule_n < MEDIAN_FROM_N:
        return geometric_mean_time_s(arr, confidence)
    return median_time_s(arr, confidence)

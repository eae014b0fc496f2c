"""Efficiency: geometric mean with log-t interval, median with binomial-rank interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import geometric_mean_time_s, median_time_s, time_on_task_s
from uxlab.metrics.times import median_rank_bounds


def test_geometric_mean_interval_measuringu_example():
    # Sauro, "Graph and calculator for confidence intervals for task times" (MeasuringU,
    # 2006): times 55, 65, 75, 62, 45, 135 -> "Average Time: 68 seconds, 95% CI (46, 101)".
    r = geometric_mean_time_s([55, 65, 75, 62, 45, 135])
    assert (round(r.estimate), round(r.low), round(r.high)) == (68, 46, 101)
    assert r.n == 6 and r.low < r.estimate < r.high
    # asymmetric: "68 + 33 seconds and 68 - 22 seconds"
    assert round(r.high - r.estimate) == 33 and round(r.estimate - r.low) == 22


def test_geometric_mean_matches_scipy():
    times = np.array([12.0, 30.5, 18.2, 44.0, 25.1, 90.3, 21.7])
    r = geometric_mean_time_s(times, confidence=0.9)
    logs = np.log(times)
    lo, hi = stats.t.interval(0.9, len(times) - 1, loc=logs.mean(), scale=stats.sem(logs))
    assert r.estimate == pytest.approx(stats.gmean(times))
    assert (r.low, r.high) == pytest.approx((math.exp(lo), math.exp(hi)))


def test_median_rank_interval():
    # docs/METRICS.md / Sauro & Lewis 2016 ch. 3: ranks n/2 +- z sqrt(n/4), both rounded up.
    z = stats.norm.ppf(0.975)
    assert median_rank_bounds(27, z) == (9, 19)  # 13.5 -+ 5.09 -> 8.4, 18.6 -> 9, 19
    assert median_rank_bounds(25, z) == (8, 18)
    times = np.arange(1.0, 28.0)  # 1..27 s
    r = median_time_s(times)
    assert (r.estimate, r.low, r.high) == (14.0, 9.0, 19.0)


def test_centre_switches_to_median_at_25():
    rng = np.random.default_rng(3)
    t24 = rng.lognormal(3, 0.5, 24)
    t25 = rng.lognormal(3, 0.5, 25)
    assert time_on_task_s(t24).method == "geometric_mean_time_s"
    assert time_on_task_s(t25).method == "median_time_s"
    assert time_on_task_s(t25).estimate == pytest.approx(np.median(t25))
    # both on request, whatever n is
    assert geometric_mean_time_s(t25).estimate == pytest.approx(stats.gmean(t25))
    assert median_time_s(t24).estimate == pytest.approx(np.median(t24))


def test_single_time_has_no_interval():
    r = geometric_mean_time_s([42.0])
    assert r.estimate == pytest.approx(42.0) and r.low is None and r.high is None and r.n == 1
    m = median_time_s([42.0])
    assert (m.estimate, m.low, m.high) == (42.0, 42.0, 42.0)
    assert r.to_dict()["low"] is None


def test_identical_times_give_zero_width_interval():
    r = geometric_mean_time_s([30.0] * 5)
    assert (
        r.estimate == pytest.approx(30.0) and r.low == pytest.approx(30.0) and r.high == pytest.approx(30.0)
    )
    m = median_time_s([30.0] * 30)
    assert (m.estimate, m.low, m.high) == (30.0, 30.0, 30.0)


@pytest.mark.parametrize("time_s", [20.0, 0.1, 3.3, 47.9, 123.45])
@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_identical_times_give_their_own_value_exactly(time_s: float, n: int) -> None:
    # exp(mean(ln t)) misses by a float's last digit (3 x 20 s gave 19.999999999999996 in the
    # exports' JSON); the geometric mean of equal values is that value
    r = geometric_mean_time_s([time_s] * n)
    assert r.estimate == time_s
    assert n == 1 or (r.low, r.high) == (time_s, time_s)


@pytest.mark.parametrize(
    "times", [[], [3.0, -1.0], [0.0, 2.0], [1.0, float("nan")], [1.0, float("inf")], ["a"]]
)
def test_bad_times_raise(times):
    with pytest.raises(MetricInputError):
        geometric_mean_time_s(times)
    with pytest.raises(MetricInputError):
        median_time_s(times)


def test_geometric_interval_past_float_range_is_unbounded_above() -> None:
    # Found by hypothesis: two times far apart at 99.6% confidence overflowed math.exp.
    result = geometric_mean_time_s([2901.0, 0.5], confidence=0.99609375)
    assert result.high == float("inf")
    assert result.low is not None and 0 < result.low < result.estimate

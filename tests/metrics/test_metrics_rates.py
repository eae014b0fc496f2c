"""Effectiveness: adjusted-Wald completion intervals, best point estimate, benchmark tests."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import best_point_estimate, completion_rate, success_shares, versus_benchmark


def test_adjusted_wald_4_of_5_tullis():
    # Tullis, "Calculating a confidence interval for task completion using the adjusted
    # Wald method" (measuringux.com, 2008; Tullis & Albert, Measuring the User
    # Experience, p. 69): 4 of 5, 95% -> 0.3596 to 0.9796 (computed there with z = 1.96).
    r = completion_rate(4, 5)
    assert r.estimate == 0.8
    assert r.low == pytest.approx(0.3596, abs=5e-4)
    assert r.high == pytest.approx(0.9796, abs=5e-4)
    assert (r.n, r.unit, r.method, r.note, r.confidence) == (5, "share", "completion_rate", "", 0.95)


def test_adjusted_wald_7_of_10_and_3_of_10_measuringu():
    # Sauro & Lewis, "A new formula for quantitative UX decision making" (MeasuringU,
    # 2012): 7 of 10 -> "about 39% to 90%"; 3 failures of 10 -> "about 10% to 61%".
    r = completion_rate(7, 10)
    assert (round(r.low, 2), round(r.high, 2)) == (0.39, 0.90)
    f = completion_rate(3, 10)
    assert (round(f.low, 2), round(f.high, 2)) == (0.10, 0.61)


def test_adjusted_wald_centre_9_of_10_measuringu_calculator():
    # Sauro, "Confidence interval calculator for a completion rate" (MeasuringU): for 9 of
    # 10 the adjusted proportion is "approx. 11/14".
    z = stats.norm.ppf(0.975)
    assert (9 + z * z / 2) / (10 + z * z) == pytest.approx(11 / 14, abs=0.005)
    assert best_point_estimate(9, 10).value == 0.9  # 0.9 itself is still MLE


@pytest.mark.parametrize("confidence", [0.80, 0.90, 0.95, 0.99])
def test_adjusted_wald_any_confidence_matches_agresti_coull_formula(confidence):
    # Independent check: Agresti & Coull (1998) written out with scipy's quantile.
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    x, n = 13, 17
    n2 = n + z * z
    p2 = (x + z * z / 2) / n2
    half = z * math.sqrt(p2 * (1 - p2) / n2)
    r = completion_rate(x, n, confidence)
    assert (r.low, r.high) == pytest.approx((p2 - half, min(1.0, p2 + half)))


def test_zero_of_n_and_n_of_n_are_clipped_to_the_scale():
    zero = completion_rate(0, 8)
    assert zero.estimate == 0.0 and zero.low == 0.0 and 0 < zero.high < 1
    full = completion_rate(8, 8)
    assert full.estimate == 1.0 and full.high == 1.0 and 0 < full.low < 1
    # symmetric: the interval for 0 of n mirrors the one for n of n
    assert zero.high == pytest.approx(1 - full.low)


def test_best_point_estimate_rule_boundaries():
    # Lewis & Sauro (2006), "When 100% really isn't 100%": Wilson below 0.5, MLE from
    # 0.5 to 0.9 inclusive, LaPlace above 0.9.
    z2 = stats.norm.ppf(0.975) ** 2
    below = best_point_estimate(4, 9)
    assert below.rule == "wilson" and below.value == pytest.approx((4 + z2 / 2) / (9 + z2))
    assert best_point_estimate(5, 10) == best_point_estimate(5, 10)
    assert best_point_estimate(5, 10).rule == "mle" and best_point_estimate(5, 10).value == 0.5
    assert best_point_estimate(9, 10).rule == "mle" and best_point_estimate(9, 10).value == 0.9
    assert best_point_estimate(27, 30).rule == "mle"
    above = best_point_estimate(10, 10)
    assert above.rule == "laplace" and above.value == pytest.approx(11 / 12)
    assert best_point_estimate(0, 5).rule == "wilson"
    assert (above.method, above.unit, above.n, above.low) == ("best_point_estimate", "share", 10, None)


def test_benchmark_small_sample_uses_mid_p():
    # 8 of 9 vs a 70% benchmark (Sauro & Lewis 2016 ch. 4 uses this kind of small-sample
    # case); independent check: mid-p = exact P(X >= 8) - P(X = 8) / 2.
    result = versus_benchmark(8, 9, 0.7)
    exact = stats.binomtest(8, 9, 0.7, alternative="greater").pvalue
    assert (result.method, result.test) == ("completion_vs_benchmark", "mid-p exact binomial")
    assert result.p_value == pytest.approx(exact - 0.5 * stats.binom.pmf(8, 9, 0.7))
    assert result.p_value == pytest.approx(0.1182, abs=1e-4)  # 0.0404 + 0.1556 / 2
    assert result.alternative == "greater"


def test_benchmark_less_and_switch_to_normal_at_15():
    less = versus_benchmark(3, 10, 0.78, alternative="less")
    assert less.p_value == pytest.approx(stats.binom.cdf(2, 10, 0.78) + 0.5 * stats.binom.pmf(3, 10, 0.78))
    # 14 failures -> still exact; 15 successes and 15 failures -> normal approximation
    assert versus_benchmark(86, 100).test == "mid-p exact binomial"
    normal = versus_benchmark(85, 100)
    z = (0.85 - 0.78) / math.sqrt(0.78 * 0.22 / 100)
    assert normal.test == "normal approximation"
    assert normal.statistic == pytest.approx(z)
    assert normal.p_value == pytest.approx(stats.norm.sf(z))


def test_success_shares():
    shares = success_shares(3, 2, 10)
    assert shares.direct == replace(completion_rate(3, 10), method="success_shares")
    assert shares.indirect == replace(completion_rate(2, 10), method="success_shares")
    assert shares.to_dict()["direct"]["value"] == shares.value == 0.3
    with pytest.raises(MetricInputError):
        success_shares(6, 5, 10)


@pytest.mark.parametrize(
    "args",
    [(6, 5), (-1, 5), (1, 0), (1.5, 3), (float("nan"), 3), ("3", 5), (True, 2)],
)
def test_bad_counts_raise(args):
    with pytest.raises(MetricInputError):
        completion_rate(*args)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, float("nan"), -0.2])
def test_bad_confidence_raises(confidence):
    with pytest.raises(MetricInputError):
        completion_rate(3, 5, confidence)


def test_bad_benchmark_raises():
    with pytest.raises(MetricInputError):
        versus_benchmark(3, 5, 1.2)
    with pytest.raises(MetricInputError):
        versus_benchmark(3, 5, 0.7, alternative="two-sided")


def test_errors_name_the_field_and_map_to_400():
    with pytest.raises(MetricInputError) as info:
        completion_rate(6, 5)
    assert info.value.field == "successes" and info.value.status == 400
    assert isinstance(info.value, ValueError)
    assert info.value.to_dict()["error"]["message"] == "successes (6) greater than attempts (5)"

"""Comparisons: N-1 two-proportion, exact McNemar, Welch on log times and ratings, sample sizes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import (
    compare_ratings,
    compare_times_s,
    mcnemar_exact,
    sample_size_completion,
    sample_size_two_proportions,
    two_proportions,
)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(11, 12, 5, 10), (40, 60, 15, 35), (3, 8, 7, 9)])
def test_n_minus_1_two_proportion_matches_chi_square(x1, n1, x2, n2):
    # Campbell (2007) / Sauro & Lewis (2016) ch. 5: the N-1 two-proportion z squared is the
    # Pearson chi-square times (N - 1) / N. Independent check with scipy's chi-square.
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    big_n = n1 + n2
    r = two_proportions(x1, n1, x2, n2)
    assert r.statistic**2 == pytest.approx(chi2 * (big_n - 1) / big_n)
    assert math.copysign(1, r.statistic) == math.copysign(1, x1 / n1 - x2 / n2)
    assert r.p_value == pytest.approx(stats.chi2.sf(chi2 * (big_n - 1) / big_n, 1))
    assert (r.method, r.test) == ("two_proportions", "N-1 two-proportion")


def test_n_minus_1_worked_example_by_hand():
    # 11 of 12 vs 5 of 10: P = 16/22, PQ = 0.198347; z = (0.91667 - 0.5) / sqrt(PQ (1/12 +
    # 1/10)) x sqrt(21/22) = 2.1348, two-sided p = 0.0328.
    r = two_proportions(11, 12, 5, 10)
    assert r.statistic == pytest.approx(2.1348, abs=1e-4)
    assert r.p_value == pytest.approx(0.0328, abs=1e-4)


def test_agresti_caffo_interval():
    # Agresti & Caffo (2000): add z^2/4 successes and z^2/2 trials to each group, then Wald.
    z = stats.norm.ppf(0.975)
    a1, a2 = (11 + z * z / 4) / (12 + z * z / 2), (5 + z * z / 4) / (10 + z * z / 2)
    se = math.sqrt(a1 * (1 - a1) / (12 + z * z / 2) + a2 * (1 - a2) / (10 + z * z / 2))
    effect = two_proportions(11, 12, 5, 10).effect
    assert effect.estimate == pytest.approx(11 / 12 - 0.5)
    assert (effect.low, effect.high) == pytest.approx((a1 - a2 - z * se, a1 - a2 + z * se))


def test_two_proportions_identical_outcomes_and_clipping():
    same = two_proportions(5, 5, 7, 7)
    assert same.statistic == 0.0 and same.p_value == 1.0
    extreme = two_proportions(30, 30, 0, 30)
    assert extreme.effect.high == 1.0 and extreme.effect.low < 1.0
    with pytest.raises(MetricInputError):
        two_proportions(6, 5, 1, 5)


def test_mcnemar_exact_matches_binomial_test():
    a = np.array([1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1])
    b = np.array([0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0])
    r = mcnemar_exact(a, b)
    only_a, only_b = 7, 1
    assert r.p_value == pytest.approx(stats.binomtest(min(only_a, only_b), only_a + only_b, 0.5).pvalue)
    assert r.effect.estimate == pytest.approx((only_a - only_b) / 15)
    assert r.effect.low < r.effect.estimate < r.effect.high


def test_mcnemar_no_discordant_pairs():
    r = mcnemar_exact([1, 0, 1], [1, 0, 1])
    assert r.p_value == 1.0 and r.effect.estimate == 0.0
    with pytest.raises(MetricInputError):
        mcnemar_exact([1, 0], [1])
    with pytest.raises(MetricInputError):
        mcnemar_exact([2, 0], [1, 0])


def test_compare_times_welch_on_logs():
    a = np.array([34.0, 51.0, 29.0, 77.0, 45.0, 40.0, 62.0])
    b = np.array([60.0, 88.0, 71.0, 120.0, 54.0, 95.0])
    r = compare_times_s(a, b)
    ref = stats.ttest_ind(np.log(a), np.log(b), equal_var=False)
    assert r.statistic == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)
    assert r.effect.estimate == pytest.approx(stats.gmean(a) / stats.gmean(b))
    assert r.effect.low < r.effect.estimate < r.effect.high
    assert r.df == pytest.approx(ref.df)
    ci = ref.confidence_interval(0.95)
    assert (r.effect.low, r.effect.high) == pytest.approx((math.exp(ci.low), math.exp(ci.high)))


def test_compare_ratings_welch():
    a, b = [6, 7, 5, 6, 7, 4], [4, 5, 3, 5, 4, 4, 2]
    r = compare_ratings(a, b, scale=(1, 7), alternative="greater")
    ref = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
    assert r.statistic == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)
    assert r.effect.estimate == pytest.approx(np.mean(a) - np.mean(b))
    with pytest.raises(MetricInputError, match="no spread"):
        compare_ratings([4, 4], [4, 4])
    with pytest.raises(MetricInputError):
        compare_ratings([9, 4], [4, 5], scale=(1, 7))
    with pytest.raises(MetricInputError):
        compare_times_s([10.0], [5.0, 6.0])


def test_sample_size_completion():
    # n = z^2 p(1-p)/d^2 - z^2 (Sauro & Lewis 2016 ch. 6): p = 0.5, d = 0.1 ->
    # 3.8415 x 0.25 / 0.01 - 3.8415 = 92.2 -> 93.
    assert sample_size_completion(0.1) == 93
    z2 = stats.norm.ppf(0.95) ** 2
    assert sample_size_completion(0.2, 0.7, 0.9) == math.ceil(z2 * 0.21 / 0.04 - z2)
    assert sample_size_completion(0.99, 0.5) == 1
    with pytest.raises(MetricInputError):
        sample_size_completion(0)


def test_sample_size_two_proportions_reaches_power():
    n = sample_size_two_proportions(0.6, 0.8)

    # Independent check: the power of the pooled two-proportion z-test at n and n - 1.
    def power(m: int) -> float:
        p = 0.7
        se0, se1 = math.sqrt(2 * p * (1 - p) / m), math.sqrt((0.24 + 0.16) / m)
        return float(stats.norm.sf((stats.norm.ppf(0.975) * se0 - 0.2) / se1))

    assert power(n) >= 0.8 > power(n - 1)
    with pytest.raises(MetricInputError):
        sample_size_two_proportions(0.5, 0.5)


def test_compare_nps_adjusted_wald_by_hand():
    # A: 8 promoters, 2 detractors of 10; B: 3 promoters, 5 detractors, 2 passives of 10.
    # Rocks (2016) per side: n' = 13; A p' = 8.75/13, d' = 2.75/13; B p' = 3.75/13, d' = 5.75/13;
    # var = (p' + d' - (p' - d')^2) / n'. z = 0.61538 / sqrt(0.051662 + 0.054392) = 1.88966.
    from uxlab.metrics import compare_nps

    a, b = [10] * 8 + [3] * 2, [10] * 3 + [3] * 5 + [8] * 2
    r = compare_nps(a, b)
    va = (8.75 / 13 + 2.75 / 13 - (6 / 13) ** 2) / 13
    vb = (3.75 / 13 + 5.75 / 13 - (2 / 13) ** 2) / 13
    z = (6 / 13 + 2 / 13) / math.sqrt(va + vb)
    assert r.statistic == pytest.approx(z) and z == pytest.approx(1.88966, abs=1e-4)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert r.effect.value == 80.0 and r.effect.unit == "nps_difference"  # raw NPS 60 - (-20)
    half = 1.959964 * math.sqrt(va + vb) * 100
    assert (r.effect.low, r.effect.high) == pytest.approx((800 / 13 - half, 800 / 13 + half), abs=1e-3)
    # two unanimous single respondents: the raw difference 200 lies outside, so the bound widens
    lone = compare_nps([10], [0])
    assert lone.effect.high == 200.0 and "widened" in lone.effect.note
    with pytest.raises(MetricInputError):
        compare_nps([11, 9], [9])

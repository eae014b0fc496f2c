"""SUS, SEQ, UMUX-Lite, NPS, CSAT and CES."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import (
    ces,
    completion_rate,
    csat,
    nps,
    nps_from_counts,
    seq_mean,
    seq_versus_average,
    sus_grade,
    sus_percentile,
    sus_scores,
    sus_subscores,
    sus_summary,
    umux_lite,
)

BEST = [5, 1, 5, 1, 5, 1, 5, 1, 5, 1]
WORST = [1, 5, 1, 5, 1, 5, 1, 5, 1, 5]
NEUTRAL = [3] * 10


def test_sus_scoring_brooke():
    # Brooke (1996): odd items r - 1, even items 5 - r, sum x 2.5.
    assert sus_scores([BEST, WORST, NEUTRAL]).tolist() == [100.0, 0.0, 50.0]
    # a mixed respondent worked by hand: odd 4,4,5,4,3 -> 3+3+4+3+2 = 15;
    # even 2,1,2,1,3 -> 3+4+3+4+2 = 16; (15 + 16) x 2.5 = 77.5
    assert sus_scores([[4, 2, 4, 1, 5, 2, 4, 1, 3, 3]]).tolist() == [77.5]


def test_sus_subscores_lewis_sauro_2009():
    learn, use = sus_subscores([[4, 2, 4, 1, 5, 2, 4, 1, 3, 3]])
    # learnability: items 4 (r=1 -> 4) and 10 (r=3 -> 2): 6 x 12.5 = 75
    assert learn.tolist() == [75.0]
    # usability: the other eight: 3+3+3+4+3+3+4+2 = 25 -> x 3.125 = 78.125
    assert use.tolist() == [78.125]
    # the overall score is the 8:2 weighted mean of the two
    assert 0.8 * use[0] + 0.2 * learn[0] == pytest.approx(77.5)


@pytest.mark.parametrize(
    ("score", "grade", "below"),
    [
        # Sauro & Lewis (2016), Table 8.5, the curved grading scale: lowest score per grade.
        (84.1, "A+", "A"),
        (80.8, "A", "A-"),
        (78.9, "A-", "B+"),
        (77.2, "B+", "B"),
        (74.1, "B", "B-"),
        (72.6, "B-", "C+"),
        (71.1, "C+", "C"),
        (65.0, "C", "C-"),
        (62.7, "C-", "D"),
        (51.7, "D", "F"),
    ],
)
def test_sus_grade_boundaries(score, grade, below):
    assert sus_grade(score) == grade
    assert sus_grade(round(score - 0.01, 2)) == below


def test_sus_grade_ends():
    assert sus_grade(100) == "A+"
    assert sus_grade(0) == "F"
    assert sus_grade(68) == "C"  # the average is a C (Sauro & Lewis 2016, Table 8.5)


def test_sus_percentile_published_points():
    # Sauro, MeasuringU "5 ways to interpret a SUS score" (2018): 68 is the 50th
    # percentile, 75 the 73rd, 52 the 15th; Sauro (2011): 74 -> 70th.
    assert sus_percentile(68) == 50.0
    assert round(sus_percentile(75)) == 73
    assert abs(sus_percentile(52) - 15) <= 1
    assert round(sus_percentile(74)) == 70
    # grade boundaries fall within a rank or so of the bottom of each grade's percentile
    # range (Sauro & Lewis 2016, Table 8.5: A+ 96-100, A 90-95, D 15-34)
    assert sus_percentile(84.1) == pytest.approx(96, abs=1)
    assert sus_percentile(80.8) == pytest.approx(90, abs=1)
    assert sus_percentile(51.7) == pytest.approx(15, abs=0.5)
    assert sus_percentile(0) == 0.0 and sus_percentile(100) == 100.0


def test_sus_percentile_is_monotonic():
    scores = np.linspace(0, 100, 401)
    ranks = [sus_percentile(s) for s in scores]
    assert all(b >= a for a, b in itertools.pairwise(ranks))


def test_sus_summary_mean_interval_matches_scipy():
    rng = np.random.default_rng(7)
    responses = rng.integers(1, 6, size=(12, 10))
    summary = sus_summary(responses, confidence=0.9)
    scores = sus_scores(responses)
    lo, hi = stats.t.interval(0.9, 11, loc=scores.mean(), scale=stats.sem(scores))
    assert summary.score.estimate == pytest.approx(scores.mean())
    assert (summary.score.low, summary.score.high) == pytest.approx((max(lo, 0), min(hi, 100)))
    assert summary.grade == sus_grade(scores.mean())
    assert summary.percentile == sus_percentile(scores.mean())
    assert summary.to_dict()["learnability"]["n"] == 12


def test_sus_interval_clipped_at_100():
    summary = sus_summary([BEST, BEST, BEST, [5, 1, 5, 1, 5, 1, 5, 1, 5, 2]])
    assert summary.score.high == 100.0 and summary.score.low < summary.score.estimate


def test_sus_all_equal_and_single_respondent():
    same = sus_summary([NEUTRAL] * 4)
    assert (same.score.estimate, same.score.low, same.score.high) == (50.0, 50.0, 50.0)
    one = sus_summary([BEST])
    assert one.score.estimate == 100.0 and one.score.low is None


@pytest.mark.parametrize(
    "bad",
    [
        [[3] * 9],  # wrong item count
        [[3] * 11],
        [[3] * 9 + [6]],  # out of scale
        [[3] * 9 + [0]],
        [[3] * 9 + [2.5]],  # not a scale point
        [[3] * 9 + [float("nan")]],
        [],
    ],
)
def test_sus_bad_input(bad):
    with pytest.raises(MetricInputError):
        sus_scores(bad)


def test_seq_mean_and_test_against_5_5():
    ratings = [7, 6, 5, 7, 4, 6, 6, 7, 5, 3]
    m = seq_mean(ratings)
    lo, hi = stats.t.interval(0.95, 9, loc=np.mean(ratings), scale=stats.sem(ratings))
    assert m.estimate == pytest.approx(5.6) and (m.low, m.high) == pytest.approx((lo, hi))
    t = seq_versus_average(ratings)
    expected = (5.6 - 5.5) / (np.std(ratings, ddof=1) / math.sqrt(10))
    assert t.statistic == pytest.approx(expected) and t.df == 9
    assert t.p_value == pytest.approx(2 * stats.t.sf(abs(expected), 9))


def test_seq_clipped_and_all_equal():
    top = seq_mean([7, 7, 7, 6])
    assert top.high == 7.0
    same = seq_mean([4, 4, 4])
    assert (same.low, same.high) == (4.0, 4.0)
    with pytest.raises(MetricInputError, match="two different values"):
        seq_versus_average([4, 4, 4])
    for bad in ([0, 3], [8], [], [3.5], [float("nan")]):
        with pytest.raises(MetricInputError):
            seq_mean(bad)


def test_umux_lite_and_regression():
    # ((i1 - 1) + (i2 - 1)) x 100 / 12; SUS-equivalent 0.65 x score + 22.9 (Lewis,
    # Utesch & Maher 2013).
    result = umux_lite([[7, 7], [4, 4], [1, 1]])
    assert result.score.estimate == pytest.approx((100 + 50 + 0) / 3)
    assert result.sus_equivalent.estimate == pytest.approx(0.65 * 50 + 22.9)
    assert result.sus_equivalent.low == pytest.approx(0.65 * result.score.low + 22.9)
    assert "Lewis, Utesch & Maher 2013" in result.sus_equivalent.note
    assert result.sus_equivalent.method == result.method == "umux_lite"
    with pytest.raises(MetricInputError):
        umux_lite([[7, 8]])
    with pytest.raises(MetricInputError):
        umux_lite([[7, 6, 5]])


def test_nps_counts_and_adjusted_wald_variance():
    ratings = [10, 9, 9, 10, 8, 7, 8, 6, 3, 0, 10, 9, 7, 5, 9, 10, 8, 2, 9, 10]
    r = nps(ratings)
    assert (r.promoters, r.passives, r.detractors) == (10, 5, 5)
    assert r.nps.estimate == pytest.approx(25.0)
    # Rocks (2016) / MeasuringU adjusted Wald, written out: n' = 23, p' = 10.75/23,
    # d' = 5.75/23, var = p' + d' - (p' - d')^2.
    n2, p2, d2 = 23, 10.75 / 23, 5.75 / 23
    var = p2 + d2 - (p2 - d2) ** 2
    # second formula for the same variance: the trinomial -1/0/+1 scores' variance
    scores, weights = np.array([1.0, 0.0, -1.0]), np.array([p2, 1 - p2 - d2, d2])
    trinomial_var = np.average((scores - np.average(scores, weights=weights)) ** 2, weights=weights)
    assert var == pytest.approx(trinomial_var)
    z = stats.norm.ppf(0.975)
    assert r.nps.low == pytest.approx(100 * (p2 - d2 - z * math.sqrt(var / n2)))
    assert r.nps.high == pytest.approx(100 * (p2 - d2 + z * math.sqrt(var / n2)))


def test_nps_clipped_and_boundaries():
    all_promoters = nps_from_counts(40, 0, 0)
    assert all_promoters.nps.estimate == 100.0 and all_promoters.nps.high == 100.0
    all_detractors = nps([0] * 40)
    assert all_detractors.nps.estimate == -100.0 and all_detractors.nps.low == -100.0
    assert nps([7, 8]).nps.estimate == 0.0
    # one promoter: the adjusted interval alone would end below the raw +100
    one = nps([10]).nps
    assert one.estimate == 100.0 and one.high == 100.0 and "widened" in one.note
    assert nps([10] * 5).nps.note == ""
    for bad in ([11], [-1], [], [9.5]):
        with pytest.raises(MetricInputError):
            nps(bad)
    with pytest.raises(MetricInputError):
        nps_from_counts(0, 0, 0)


def test_csat_top_2_box():
    r = csat([5, 4, 3, 5, 2, 4, 1, 5])
    assert r == replace(completion_rate(5, 8), method="csat")
    assert csat([5, 5, 5]).high == 1.0
    with pytest.raises(MetricInputError):
        csat([6])


def test_ces_versions():
    v2 = ces([7, 6, 5, 4, 2, 7])
    assert v2.version == "2.0" and v2.mean.estimate == pytest.approx(31 / 6)
    expected = replace(completion_rate(4, 6), method="ces", note="share agree (5-7)")
    assert v2.favourable == expected and v2.favourable_label == "agree (5-7)"
    assert (v2.unit, v2.mean.note) == ("rating_1_7", "")
    v1 = ces([1, 2, 3, 5, 1], version="1.0")
    assert v1.favourable.value == completion_rate(3, 5).value and v1.mean.high <= 5
    assert v1.unit == "rating_1_5" and "lower is less effort" in v1.note
    with pytest.raises(MetricInputError):
        ces([6], version="1.0")  # 6 is outside CES 1.0's 1..5
    with pytest.raises(MetricInputError):
        ces([3], version="3.0")

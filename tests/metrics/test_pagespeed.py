"""Page-speed metrics against Lighthouse 13's own numbers and the web.dev definitions."""

from __future__ import annotations

import pytest

from uxlab.errors import MetricInputError
from uxlab.metrics import pagespeed as ps

# Expected scores produced by Lighthouse 13.5.0's own code (shared/util.js
# Util.computeLogNormalScore over the control points of core/audits/metrics/*.js), run with
# node over these exact inputs: (form factor, metric, value, Lighthouse's score).
LIGHTHOUSE_13_SCORES = [
    ("desktop", "fcp_ms", 0, 1),
    ("desktop", "fcp_ms", 934, 0.9),
    ("desktop", "fcp_ms", 935, 0.89),
    ("desktop", "fcp_ms", 1200, 0.75),
    ("desktop", "fcp_ms", 1600, 0.5),
    ("desktop", "fcp_ms", 1601, 0.49),
    ("desktop", "fcp_ms", 2500, 0.14),
    ("desktop", "fcp_ms", 5000, 0),
    ("desktop", "lcp_ms", 800, 0.98),
    ("desktop", "lcp_ms", 1900, 0.66),
    ("desktop", "lcp_ms", 3300, 0.27),
    ("desktop", "lcp_ms", 8000, 0.01),
    ("desktop", "tbt_ms", 10, 1),
    ("desktop", "tbt_ms", 250, 0.69),
    ("desktop", "tbt_ms", 600, 0.2),
    ("desktop", "tbt_ms", 1200, 0.03),
    ("desktop", "cls", 0.01, 1),
    ("desktop", "cls", 0.1, 0.9),
    ("desktop", "cls", 0.15, 0.76),
    ("desktop", "cls", 0.5, 0.16),
    ("desktop", "si_ms", 1000, 0.97),
    ("mobile", "fcp_ms", 1200, 0.99),
    ("mobile", "fcp_ms", 1600, 0.94),
    ("mobile", "fcp_ms", 2500, 0.67),
    ("mobile", "fcp_ms", 5000, 0.1),
    ("mobile", "lcp_ms", 2400, 0.91),
    ("mobile", "lcp_ms", 3300, 0.7),
    ("mobile", "tbt_ms", 150, 0.94),
    ("mobile", "tbt_ms", 350, 0.73),
    ("mobile", "tbt_ms", 600, 0.5),
    ("mobile", "si_ms", 2300, 0.99),
    ("mobile", "si_ms", 6000, 0.46),
]


@pytest.mark.parametrize(("form_factor", "metric", "value", "expected"), LIGHTHOUSE_13_SCORES)
def test_metric_score_matches_lighthouse_13(
    form_factor: str, metric: str, value: float, expected: float
) -> None:
    assert ps.lighthouse_metric_score(metric, value, form_factor) == expected


def test_performance_score_matches_lighthouse_13() -> None:
    # Lighthouse 13.5.0 over these values (Util.computeLogNormalScore per metric, then
    # core/scoring.js ReportScoring.arithmeticMean): .8, .58, .8, 1, .46 -> 0.76.
    values = {"fcp_ms": 1120.0, "lcp_ms": 2130.0, "tbt_ms": 200.0, "cls": 0.0, "si_ms": 2380.0}
    result = ps.performance_score(values, "desktop")
    assert result.metric_scores == {"fcp_ms": 0.8, "lcp_ms": 0.58, "tbt_ms": 0.8, "cls": 1.0, "si_ms": 0.46}
    assert result.score == 0.76
    assert not result.renormalized


def test_half_points_round_up_like_javascript() -> None:
    # Math.round(56.25) in arithmeticMean([.5 x10, .625 x10]) is 56 in Lighthouse 13.5.0;
    # Math.round(0.5) is 1 where Python's round(0.5) is 0.
    assert ps.js_round(0.5) == 1.0
    assert ps.js_round(2.5) == 3.0
    assert ps.js_round(-0.5) == 0.0


def test_missing_speed_index_renormalizes_weights() -> None:
    result = ps.performance_score({"fcp_ms": 500, "lcp_ms": 800, "tbt_ms": 0, "cls": 0}, "desktop")
    assert result.renormalized
    assert set(result.weights) == {"fcp_ms", "lcp_ms", "tbt_ms", "cls"}
    # FCP 1, LCP 0.98, TBT 1, CLS 1 (Lighthouse 13 scores above), weights 10/25/30/25 of 90.
    assert result.score == round((10 + 0.98 * 25 + 30 + 25) / 90, 2)


def test_log_normal_score_is_half_at_median_and_point_nine_at_p10() -> None:
    assert ps.log_normal_score(934, 1600, 1600) == 0.5
    assert ps.log_normal_score(934, 1600, 934) == pytest.approx(0.9, abs=1e-12)
    with pytest.raises(MetricInputError):
        ps.log_normal_score(1600, 934, 1000)


@pytest.mark.parametrize(
    ("metric", "value", "rating"),
    [  # web.dev thresholds: good <= t1 < needs improvement <= t2 < poor
        ("lcp_ms", 2500, "good"),
        ("lcp_ms", 2501, "needs-improvement"),
        ("lcp_ms", 4000, "needs-improvement"),
        ("lcp_ms", 4001, "poor"),
        ("cls", 0.1, "good"),
        ("cls", 0.25, "needs-improvement"),
        ("cls", 0.26, "poor"),
        ("inp_ms", 200, "good"),
        ("fcp_ms", 1801, "needs-improvement"),
        ("ttfb_ms", 1801, "poor"),
    ],
)
def test_cwv_rating(metric: str, value: float, rating: str) -> None:
    assert ps.cwv_rating(metric, value) == rating


def test_p75_assessment_per_device_class() -> None:
    found = ps.assess_p75("lcp_ms", {"desktop": [1000, 2000, 3000, 4000, 5000], "mobile": [], "phone": [100]})
    assert [(a.device_class, a.p75, a.rating) for a in found] == [
        ("desktop", 4000.0, "needs-improvement"),  # rank 0.75 x 4 = 3 -> 4000 exactly
        ("phone", 100.0, "good"),
    ]


def test_cls_takes_the_largest_session_window() -> None:
    # Windows: [0.05 @0, 0.05 @900] = 0.10; gap of 1.2 s starts [0.08 @2100]; the input shift is ignored.
    cls = ps.cls_from_shifts([0, 900, 2100, 2200], [0.05, 0.05, 0.08, 0.5], [False, False, False, True])
    assert cls == pytest.approx(0.10)


def test_cls_window_closes_after_five_seconds() -> None:
    # Shifts every 900 ms for 7 s: the first window holds 0..4500 (6 shifts), the next the rest.
    starts = [i * 900.0 for i in range(8)]
    assert ps.cls_from_shifts(starts, [0.01] * 8) == pytest.approx(0.06)
    assert ps.cls_from_shifts([], []) == 0.0


def test_tbt_counts_the_part_over_50ms_clipped_to_the_window() -> None:
    # 300 ms task after FCP -> 250; 40 ms task -> 0; task straddling FCP keeps 120 - 50 = 70.
    tbt = ps.tbt_from_long_tasks(
        starts_ms=[1000, 2000, 380], durations_ms=[300, 40, 220], fcp_ms=480, window_end_ms=5000
    )
    assert tbt == 320.0
    assert ps.tbt_from_long_tasks(starts_ms=[4900], durations_ms=[300], fcp_ms=0, window_end_ms=5000) == 50.0


def test_representative_run_is_closest_to_both_medians() -> None:
    assert ps.representative_run([100, 300, 200], [1000, 3000, 2100]) == 2
    assert ps.representative_run([100, 100], [500, 500]) == 0
    with pytest.raises(MetricInputError):
        ps.representative_run([], [])


@pytest.mark.parametrize(
    ("metric", "method", "expected"),
    [
        ("lcp_ms", "median", 2000.0),
        ("lcp_ms", "optimistic", 1000.0),
        ("lcp_ms", "pessimistic", 5000.0),
        ("score", "optimistic", 5000.0),
        ("score", "pessimistic", 1000.0),
    ],
)
def test_aggregate(metric: str, method: str, expected: float) -> None:
    assert ps.aggregate([2000, 1000, 5000], method, metric) == expected


def test_bad_input_raises_metric_input_error() -> None:
    with pytest.raises(MetricInputError):
        ps.aggregate([1.0], "mean")
    with pytest.raises(MetricInputError):
        ps.lighthouse_metric_score("inp_ms", 100)
    with pytest.raises(MetricInputError):
        ps.cwv_rating("tbt_ms", 1)

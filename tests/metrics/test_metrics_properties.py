"""Property-based checks: intervals contain their estimate, stay in scale, narrow as n grows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from uxlab.metrics import completion_rate as rate
from uxlab.metrics import (
    csat,
    geometric_mean_time_s,
    median_time_s,
    nps_from_counts,
    seq_mean,
    sus_summary,
    two_proportions,
)

confidences = st.floats(min_value=0.5, max_value=0.999)
counts = st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
times = st.lists(st.floats(min_value=0.5, max_value=3600, allow_nan=False), min_size=2, max_size=60)

checked = settings(max_examples=150, deadline=None)


@checked
@given(counts, confidences)
def test_completion_interval(xn, confidence):
    x, n = xn
    r = rate(x, n, confidence)
    assert 0.0 <= r.low <= r.estimate <= r.high <= 1.0


@checked
@given(counts, st.integers(2, 6), st.floats(min_value=0.8, max_value=0.99))
def test_completion_interval_narrows(xn, k, confidence):
    x, n = xn
    small, large = rate(x, n, confidence), rate(k * x, k * n, confidence)
    assert large.high - large.low < small.high - small.low


@checked
@given(times, confidences)
def test_geometric_mean_interval(values, confidence):
    r = geometric_mean_time_s(values, confidence)
    assert r.low is not None and r.high is not None
    # Bounds are exp(...): at extreme spreads and confidences they under/overflow to 0 and inf.
    assert 0 <= r.low <= r.estimate <= r.high


@checked
@given(times, st.integers(2, 5))
def test_geometric_mean_interval_narrows(values, k):
    small, large = geometric_mean_time_s(values), geometric_mean_time_s(values * k)
    assert small.low is not None and small.high is not None
    assert large.low is not None and large.high is not None
    if small.high - small.low > 1e-9:  # identical times have width 0 already
        assert large.high - large.low < small.high - small.low


@checked
@given(times, confidences)
def test_median_interval(values, confidence):
    r = median_time_s(values, confidence)
    assert min(values) <= r.low <= r.estimate <= r.high <= max(values)


@checked
@given(st.lists(st.integers(1, 7), min_size=2, max_size=80), confidences)
def test_seq_interval(ratings, confidence):
    r = seq_mean(ratings, confidence)
    assert 1.0 <= r.low <= r.estimate <= r.high <= 7.0


@checked
@given(st.lists(st.lists(st.integers(1, 5), min_size=10, max_size=10), min_size=2, max_size=30))
def test_sus_interval(responses):
    s = sus_summary(responses)
    assert 0.0 <= s.score.low <= s.score.estimate <= s.score.high <= 100.0
    assert 0.0 <= s.percentile <= 100.0


@checked
@given(st.lists(st.integers(1, 5), min_size=1, max_size=80), confidences)
def test_csat_interval(ratings, confidence):
    r = csat(ratings, confidence)
    assert 0.0 <= r.low <= r.estimate <= r.high <= 1.0


@checked
@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200), confidences)
def test_nps_interval(promoters, passives, detractors, confidence):
    if promoters + passives + detractors == 0:
        return
    r = nps_from_counts(promoters, passives, detractors, confidence).nps
    assert -100.0 <= r.low <= r.estimate <= r.high <= 100.0


@checked
@given(st.integers(0, 100), st.integers(2, 4))
def test_nps_interval_narrows(promoters, k):
    small = nps_from_counts(promoters, 20, 15).nps
    large = nps_from_counts(k * promoters, k * 20, k * 15).nps
    assert large.high - large.low < small.high - small.low


@checked
@given(counts, counts, confidences)
def test_difference_interval(a, b, confidence):
    effect = two_proportions(a[0], a[1], b[0], b[1], confidence).effect
    assert -1.0 <= effect.low <= effect.estimate <= effect.high <= 1.0

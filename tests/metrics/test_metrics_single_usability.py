"""Single Usability Metric (Sauro & Kindlund 2005), percentages averaged."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import single_usability_metric


def test_all_components():
    times = [30.0, 45.0, 38.0, 52.0, 41.0]
    seq = [6, 5, 7, 6, 4, 5]
    r = single_usability_metric(
        5, 6, times, target_time_s=50.0, seq_ratings=seq, errors=2, error_opportunities=4
    )
    time_pct = 100 * stats.norm.cdf((50.0 - np.mean(times)) / np.std(times, ddof=1))
    sat_pct = 100 * stats.norm.cdf((np.mean(seq) - 5.5) / np.std(seq, ddof=1))
    expected = {
        "completion": 100 * 5 / 6,
        "time": time_pct,
        "satisfaction": sat_pct,
        "errors": 100 * (1 - 2 / 24),
    }
    assert r.components == pytest.approx(expected)
    assert r.score_pct == pytest.approx(np.mean(list(expected.values())))
    assert r.left_out == {}


def test_left_out_components_are_named():
    r = single_usability_metric(3, 4, [20.0, 30.0, 25.0])
    assert set(r.components) == {"completion"}
    assert set(r.left_out) == {"time", "satisfaction", "errors"}
    assert "target" in r.left_out["time"]
    assert r.score_pct == pytest.approx(75.0)
    one = single_usability_metric(1, 4, [20.0], target_time_s=30, seq_ratings=[5, 5])
    assert "at least two" in one.left_out["time"] and "equal" in one.left_out["satisfaction"]
    none = single_usability_metric(0, 4, [], target_time_s=30)
    assert none.left_out["time"] == "no successful times" and none.score_pct == 0.0
    assert none.to_dict()["left_out"]["errors"] == "errors not recorded"


def test_bad_input():
    with pytest.raises(MetricInputError):
        single_usability_metric(5, 4)
    with pytest.raises(MetricInputError):
        single_usability_metric(3, 4, [10.0, -2.0], target_time_s=30)
    with pytest.raises(MetricInputError):
        single_usability_metric(3, 4, seq_ratings=[8, 5])
    with pytest.raises(MetricInputError):
        single_usability_metric(3, 4, errors=9, error_opportunities=2)

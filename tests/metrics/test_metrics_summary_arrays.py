"""The vectorized per-task summary agrees with the scalar metric functions."""

from __future__ import annotations

import numpy as np
import pytest

from uxlab.errors import MetricInputError
from uxlab.metrics import (
    OUTCOMES,
    best_point_estimate,
    completion_rate,
    geometric_mean_time_s,
    group_ranks,
    median_time_s,
    outcome_codes,
    seq_mean,
    summarize_tasks,
    summary_pass,
    time_on_task_s,
)


def _data(seed: int = 11, attempts: int = 900, tasks: int = 12):
    rng = np.random.default_rng(seed)
    task = rng.integers(0, tasks, attempts)
    task[:2] = [tasks - 1, tasks - 1]  # make sure the last task exists
    outcome = rng.choice(4, attempts, p=[0.7, 0.1, 0.1, 0.1])
    # task 3: nobody succeeds; task 4: one success; task 5: identical times
    outcome[task == 3] = 1
    outcome[(task == 4)] = 1
    outcome[np.flatnonzero(task == 4)[0]] = 0
    time_s = np.where(outcome == 0, rng.lognormal(3.5, 0.6, attempts), np.nan)
    time_s[(task == 5) & (outcome == 0)] = 42.0
    seq = rng.integers(1, 8, attempts).astype(float)
    seq[rng.random(attempts) < 0.2] = np.nan
    direct = rng.random(attempts) < 0.5
    return task, outcome, time_s, seq, direct, tasks


def test_matches_scalar_functions_task_by_task():
    task, outcome, time_s, seq, direct, tasks = _data()
    s = summarize_tasks(task, outcome, time_s, seq, direct=direct, confidence=0.9)
    for k in range(tasks):
        mine = task == k
        ok = mine & (outcome == 0)
        x, n = int(ok.sum()), int(mine.sum())
        rate = completion_rate(x, n, 0.9)
        assert (s.attempts[k], s.successes[k]) == (n, x)
        assert s.direct_successes[k] == int((ok & direct).sum())
        assert (s.completion_rate[k], s.completion_low[k], s.completion_high[k]) == pytest.approx(
            (rate.estimate, rate.low, rate.high)
        )
        assert s.best_estimate[k] == pytest.approx(best_point_estimate(x, n).value)
        answered = mine & ~np.isnan(seq)
        sm = seq_mean(seq[answered], 0.9)
        assert s.seq_mean[k] == pytest.approx(sm.estimate)
        assert (s.seq_low[k], s.seq_high[k]) == pytest.approx((sm.low, sm.high))
        if x == 0:
            assert s.n_times[k] == 0 and np.isnan(s.geometric_mean_s[k]) and np.isnan(s.median_s[k])
            continue
        gm, med, tot = (f(time_s[ok], 0.9) for f in (geometric_mean_time_s, median_time_s, time_on_task_s))
        assert s.geometric_mean_s[k] == pytest.approx(gm.estimate)
        if gm.low is None:
            assert np.isnan(s.geometric_low_s[k])
        else:
            assert (s.geometric_low_s[k], s.geometric_high_s[k]) == pytest.approx((gm.low, gm.high))
        assert (s.median_s[k], s.median_low_s[k], s.median_high_s[k]) == pytest.approx(
            (med.estimate, med.low, med.high)
        )
        assert s.time_on_task_s[k] == pytest.approx(tot.estimate)


def test_rows_are_json_ready():
    task, outcome, time_s, seq, _, _ = _data()
    s = summarize_tasks(task, outcome, time_s, seq, n_tasks=14)
    assert len(s.attempts) == 14 and s.attempts[13] == 0
    empty = s.row(13)
    assert empty["attempts"] == 0 and empty["completion_rate"] is None and empty["seq_mean"] is None
    one = s.row(4)
    assert one["n_times"] == 1 and one["geometric_low_s"] is None
    same = s.row(5)
    assert same["geometric_mean_s"] == pytest.approx(42.0) and same["median_s"] == 42.0
    assert set(s.to_dict()) == set(s.row(0))


def test_outcome_codes():
    assert outcome_codes(["timeout", "success", "give_up", "failure"]).tolist() == [3, 0, 2, 1]
    assert OUTCOMES[0] == "success"
    with pytest.raises(MetricInputError):
        outcome_codes(["won"])


@pytest.mark.parametrize(
    "change",
    [
        {"time_s": [np.nan, 5.0]},  # a success without a time
        {"time_s": [-1.0, 5.0]},
        {"seq": [9.0, np.nan]},
        {"outcome": [0, 7]},
        {"task": [0, -1]},
        {"task": [0.0, 1.0]},
        {"task": [], "outcome": [], "time_s": [], "seq": []},
        {"seq": [1.0]},
    ],
)
def test_bad_arrays(change):
    args = {"task": [0, 1], "outcome": [0, 1], "time_s": [3.0, np.nan], "seq": [5.0, np.nan]}
    args.update(change)
    with pytest.raises(MetricInputError):
        summarize_tasks(**{k: np.asarray(v) for k, v in args.items()})


def test_very_unequal_task_sizes_use_the_other_sort_and_agree():
    # One task with most attempts makes the padded-matrix sort too large: the argsort path
    # must give the same order statistics.
    rng = np.random.default_rng(5)
    task = np.concatenate([np.zeros(3000, dtype=np.int64), np.arange(1, 40).repeat(3)])
    outcome = np.zeros(task.size, dtype=np.int64)
    time_s = rng.lognormal(3, 0.8, task.size)
    seq = np.full(task.size, np.nan)
    s = summarize_tasks(task, outcome, time_s, seq)
    for k in (0, 1, 39):
        med = median_time_s(time_s[task == k])
        assert (s.median_s[k], s.median_low_s[k], s.median_high_s[k]) == (med.estimate, med.low, med.high)
    assert np.isnan(s.seq_mean).all() and (s.n_seq == 0).all()


def test_order_statistics_equal_a_full_sort():
    # Wide value ranges (bucket resolution is coarse), ties, empty and one-value groups,
    # and one dominant group: every rank read must equal the sorted array's.
    rng = np.random.default_rng(7)
    cases = [
        rng.lognormal(3, 0.7, 5000),
        np.concatenate([rng.lognormal(3, 0.7, 4990), [1e-300, 1e300, 5e-324, 1.7e308, 2.0, 2.0, 3, 3, 3, 3]]),
        np.round(rng.lognormal(2, 0.5, 5000)),  # many ties
        np.full(5000, 42.0),
    ]
    for values in cases:
        group = rng.integers(0, 40, values.size)
        group[group == 7] = 8  # group 7 empty
        group[group == 9] = 10
        group[np.flatnonzero(group == 10)[0]] = 9  # group 9 has one value
        group[: values.size // 2] = 3  # group 3 dominates
        counts = np.bincount(group, minlength=41)
        ranks = [np.zeros(41, dtype=np.int64), (counts - 1) // 2, counts // 2, np.maximum(counts - 1, 0)]
        ranks.append(np.minimum(counts // 3, np.maximum(counts - 1, 0)))
        got = group_ranks.order_statistics(group, values, counts, ranks)
        for g in range(41):
            mine = np.sort(values[group == g])
            for r, out in zip(ranks, got, strict=True):
                if counts[g]:
                    assert out[g] == mine[r[g]]
                else:
                    assert np.isnan(out[g])


def test_slices_agree_with_one_pass(monkeypatch):
    # The summary runs over slices of CHUNK attempts; tiny slices must give the same numbers
    # and still find bad values in any slice.
    task, outcome, time_s, seq, direct, _ = _data(seed=3, attempts=2000)
    whole = summarize_tasks(task, outcome, time_s, seq, direct=direct)
    monkeypatch.setattr(summary_pass, "CHUNK", 37)
    sliced = summarize_tasks(task, outcome, time_s, seq, direct=direct)
    for name in whole.to_dict():
        np.testing.assert_allclose(getattr(sliced, name), getattr(whole, name), rtol=1e-12, err_msg=name)
    late = seq.copy()
    late[-1] = 2.5
    with pytest.raises(MetricInputError, match="whole numbers"):
        summarize_tasks(task, outcome, time_s, late)


def test_times_of_unsuccessful_attempts_are_ignored_whatever_they_hold():
    # The median buckets take their range from all times when it is positive and finite,
    # else from the successes alone: neither may change a result.
    task, outcome, time_s, seq, _, _ = _data(seed=4)
    base = summarize_tasks(task, outcome, time_s, seq)
    failed = np.flatnonzero(outcome != 0)
    for junk in (1e6, 1e-9, -5.0, np.inf):
        other = time_s.copy()
        other[failed[::3]] = junk
        s = summarize_tasks(task, outcome, other, seq)
        for name in ("geometric_mean_s", "geometric_low_s", "median_s", "median_low_s", "median_high_s"):
            np.testing.assert_array_equal(getattr(s, name), getattr(base, name), err_msg=f"{name} {junk}")

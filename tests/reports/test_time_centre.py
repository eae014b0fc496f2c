"""Issue 15: one rule for the time centre per study view, on the summary and the comparison.

A time figure's centre (geometric mean under 25 successful times, median from 25: Sauro &
Lewis 2010) is chosen by the task's count of successful times without the session filters
(device, dates, language, ...), in the version shown. Studies are built through the
production paths (``tests.summary_seed``); expected values are computed here with numpy from
the seeded times.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from sqlmodel import select

import tests.summary_seed as seed
from uxlab import metrics
from uxlab.db import get_session
from uxlab.errors import MetricInputError
from uxlab.models import StudyVersion
from uxlab.reports import queries
from uxlab.reports.comparison import compare_versions
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary

# Per version: 22 desktop and 3 phone participants succeed at "find" (25 times a version,
# 50 in all; 3 a version, 6 in all, on phones). Skewed phone times, so the two centres differ.
DESKTOP_S = {1: [20 + i for i in range(22)], 2: [30 + i for i in range(22)]}
PHONE_S = {1: [10, 20, 90], 2: [15, 30, 120]}


def _seed(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        db = get_session()
        for number in (1, 2):
            text = (
                seed.SCENARIO if number == 1 else seed.SCENARIO.replace("the helpdesk portal", "the helpdesk")
            )
            version = seed.load(db, tmp_path, text)
            assert version.number == number
            for device, times in (("desktop", DESKTOP_S[number]), ("phone", PHONE_S[number])):
                for t in times:
                    tries = {"find": seed.Try("success", t, seed.DIRECT_FIND, 6)}
                    seed.add_person(db, version, seed.Person(device, tries))


def _geometric_mean(times: list[int]) -> float:
    return float(np.exp(np.mean(np.log(times))))


def test_phone_filter_keeps_the_median_on_summary_and_comparison(any_app: Flask, tmp_path: Path) -> None:
    _seed(any_app, tmp_path)
    phones = PHONE_S[1] + PHONE_S[2]
    with any_app.app_context():
        db = get_session()
        whole = build_summary(db, "cx", Filters())
        phone = build_summary(db, "cx", Filters(device="phone"))
        phone_v1 = build_summary(db, "cx", Filters(device="phone", version=1))
        compared = compare_versions(db, "cx", 1, 2, Filters(device="phone"))
    # Unfiltered: 50 times, the median (as before this rule).
    find = whole.tasks[0].time_s
    assert find is not None and (find.method, find.n) == ("median_time_s", 50)
    assert find.value == pytest.approx(np.median(DESKTOP_S[1] + DESKTOP_S[2] + phones))
    # On phones only 6 times, but "find" has 50 unfiltered: still the median (on main: the
    # geometric mean, 6 < 25), per task and in the headline (only "find" has times).
    for figure in (phone.tasks[0].time_s, phone.figure("time_on_task_s")):
        assert figure is not None and (figure.method, figure.n) == ("median_time_s", 6)
        assert figure.value == pytest.approx(np.median(phones))  # (20 + 30) / 2
        assert figure.value != pytest.approx(_geometric_mean(phones))
    # Version 1 on phones: 3 times of the version's 25 unfiltered.
    v1 = phone_v1.tasks[0].time_s
    assert v1 is not None and (v1.method, v1.value, v1.n) == ("median_time_s", 20.0, 3)
    # The comparison of the two versions on phones: each side as its version's summary shows it.
    row = next(r for r in compared.rows if r.measure == "time_on_task" and r.task == "find")
    assert row.a is not None and row.b is not None
    assert (row.a.method, row.a.value, row.a.n) == ("median_time_s", float(np.median(PHONE_S[1])), 3)
    assert (row.b.method, row.b.value, row.b.n) == ("median_time_s", float(np.median(PHONE_S[2])), 3)
    assert row.a == v1
    assert row.test is not None  # the test is Welch's t on ln(time) whatever the centre


def test_few_times_overall_keep_the_geometric_mean_under_a_filter(any_app: Flask, tmp_path: Path) -> None:
    # The standard seed: "find" has 4 successes (3 desktop, 1 phone), under 25 with or without a filter.
    with any_app.app_context():
        db = get_session()
        seed.seed(db, tmp_path)
        desktop = build_summary(db, "cx", Filters(device="desktop")).tasks[0].time_s
    assert desktop is not None and desktop.method == "geometric_mean_time_s"
    assert desktop.value == pytest.approx(_geometric_mean([20, 35, 50]))  # seed.PEOPLE's desktop times


def test_the_unfiltered_counts_are_read_only_under_a_session_filter(any_app: Flask, tmp_path: Path) -> None:
    _seed(any_app, tmp_path)
    with any_app.app_context():
        db = get_session()
        plain = queries.load(db, "cx", Filters())
        by_version = queries.load(db, "cx", Filters(version=2))
        phone = queries.load(db, "cx", Filters(device="phone"))
    # No session filter: no extra query, each figure's own count chooses its centre.
    assert plain.all_times is None and by_version.all_times is None
    assert plain.centre_n(0, 1) is None
    # Under a session filter: the counts of every version, the version shown picks its own.
    assert phone.centre_n(0, None) == 50 and phone.centre_n(0, 1) == 25 and phone.centre_n(None, 2) == 25
    assert phone.centre_n(1, None) == 0  # "buy": nobody tried it


def test_centre_n_chooses_the_centre() -> None:
    times = [10.0, 20.0, 90.0]
    assert metrics.time_on_task_s(times).method == "geometric_mean_time_s"
    assert metrics.time_on_task_s(times, centre_n=24).method == "geometric_mean_time_s"
    median = metrics.time_on_task_s(times, centre_n=25)
    assert (median.method, median.value, median.n) == ("median_time_s", 20.0, 3)
    many = [float(t) for t in range(1, 26)]
    assert metrics.time_on_task_s(many, centre_n=3).method == "geometric_mean_time_s"
    for bad in (-1, 2.5, "25", True):
        with pytest.raises(MetricInputError):
            metrics.time_on_task_s(times, centre_n=bad)  # type: ignore[arg-type]


BUY_S = [12, 15, 18, 60, 200]  # skewed: the two centres differ


def test_a_task_filter_chooses_the_headline_centre_as_the_tasks_row(any_app: Flask, tmp_path: Path) -> None:
    # 50 successful times of "find" and 5 of "buy": the study has 55, "buy" alone 5. Under
    # task=buy the headline's times are buy's 5, so its centre is chosen by buy's count, as
    # buy's row is (on main the headline took the median of the study's 55).
    _seed(any_app, tmp_path)
    with any_app.app_context():
        db = get_session()
        v1 = db.exec(select(StudyVersion).where(StudyVersion.number == 1)).one()
        for t in BUY_S:
            seed.add_person(
                db, v1, seed.Person("desktop", {"buy": seed.Try("success", t, seed.DIRECT_BUY, 6)})
            )
        for filters in (Filters(task="buy"), Filters(task="buy", device="desktop")):
            summary = build_summary(db, "cx", filters)
            row = next(r for r in summary.tasks if r.key == "buy").time_s
            headline = summary.figure("time_on_task_s")
            assert row is not None and headline is not None
            assert (headline.method, headline.value, headline.n) == (row.method, row.value, row.n)
            assert (row.method, row.n) == ("geometric_mean_time_s", 5)
            assert row.value == pytest.approx(_geometric_mean(BUY_S))

"""CX summary: studies built through the production paths, figures checked against scipy directly."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from flask import Flask
from scipy import stats
from sqlmodel import Session

import tests.summary_seed as seed
from tests.probe.report_data import complete_report
from uxlab import db as uxdb
from uxlab.errors import BadRequest, NotFound
from uxlab.reports.answers import positions
from uxlab.reports.filters import Filters
from uxlab.reports.scan import sorted_codes
from uxlab.reports.summary import build_summary

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "cx-summary-v2.schema.json").read_text(encoding="utf-8"))
Z = stats.norm.ppf(0.975)


def adjusted_wald(x: int, n: int) -> tuple[float, float]:
    n_adj = n + Z * Z
    p = (x + Z * Z / 2) / n_adj
    half = Z * math.sqrt(p * (1 - p) / n_adj)
    return max(0.0, p - half), min(1.0, p + half)


def t_interval(values: list[float], low: float, high: float) -> tuple[float, float, float]:
    arr = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, arr.size - 1) * arr.std(ddof=1) / math.sqrt(arr.size)
    return float(arr.mean()), max(low, arr.mean() - half), min(high, arr.mean() + half)


def sus_score(items: list[int]) -> float:
    return 2.5 * sum((r - 1) if i % 2 == 0 else (5 - r) for i, r in enumerate(items))


def all_tries(people: tuple[seed.Person, ...] = seed.PEOPLE) -> list[seed.Try]:
    return [t for p in people for t in p.tries.values()]


def check_schema(summary_dict: dict) -> None:
    jsonschema.validate(summary_dict, SCHEMA)
    json.dumps(summary_dict, allow_nan=False)


def test_headline_figures_match_independent_computation(session: Session, tmp_path: Path) -> None:
    seed.seed(session, tmp_path)
    s = build_summary(session, "cx")
    tries = all_tries()
    successes = [t for t in tries if t.outcome == "success"]
    fig = s.figure("task_success")
    assert (fig.value, fig.n) == (len(successes) / len(tries), len(tries))
    assert (fig.low, fig.high) == pytest.approx(adjusted_wald(len(successes), len(tries)))

    logs = np.log([t.time_s for t in successes])  # n < 25: geometric mean, t-interval on ln(time)
    half = stats.t.ppf(0.975, logs.size - 1) * logs.std(ddof=1) / math.sqrt(logs.size)
    fig = s.figure("time_on_task_s")
    assert fig.value == pytest.approx(math.exp(logs.mean()))
    assert (fig.low, fig.high) == pytest.approx((math.exp(logs.mean() - half), math.exp(logs.mean() + half)))

    fig = s.figure("seq")
    assert (fig.value, fig.low, fig.high) == pytest.approx(t_interval([t.seq for t in tries], 1, 7))

    scores = [sus_score([p.answers[f"sus_{i}"] for i in range(1, 11)]) for p in seed.PEOPLE]
    fig = s.figure("sus")
    assert (fig.value, fig.low, fig.high) == pytest.approx(t_interval(scores, 0, 100))
    assert fig.value == pytest.approx(417.5 / 6)  # 100, 75, 50, 82.5, 25, 85
    assert s.sus_grade == "C"  # Sauro & Lewis 2016 Table 8.5: C is 65.0 .. 71.0

    umux = [(p.answers["umux_lite_1"] + p.answers["umux_lite_2"] - 2) * 100 / 12 for p in seed.PEOPLE]
    assert s.figure("umux_lite").value == pytest.approx(np.mean(umux))

    ratings = [p.answers["nps"] for p in seed.PEOPLE]
    prom, det = sum(r >= 9 for r in ratings), sum(r <= 6 for r in ratings)
    n_adj = len(ratings) + 3
    pp, dd = (prom + 0.75) / n_adj, (det + 0.75) / n_adj
    half = Z * math.sqrt((pp + dd - (pp - dd) ** 2) / n_adj)
    fig = s.figure("nps")
    assert fig.value == pytest.approx(100 * (prom - det) / len(ratings))
    assert (fig.low, fig.high) == pytest.approx((100 * (pp - dd - half), 100 * (pp - dd + half)))
    assert s.nps_counts == {"promoters": prom, "passives": len(ratings) - prom - det, "detractors": det}

    top2 = sum(p.answers["csat"] >= 4 for p in seed.PEOPLE)
    fig = s.figure("csat")
    assert (fig.value, fig.n) == (top2 / 6, 6)
    assert (fig.low, fig.high) == pytest.approx(adjusted_wald(top2, 6))
    fig = s.figure("ces")
    assert (fig.value, fig.low, fig.high) == pytest.approx(
        t_interval([p.answers["ces"] for p in seed.PEOPLE], 1, 7)
    )
    assert s.figure("cwv_pass_rate").value is None  # no probe uploads yet
    assert (s.participants, s.finished, s.attempts) == (6, 6, 18)
    check_schema(s.to_dict())


def test_task_rows_split_outcomes_and_compute_sum(session: Session, tmp_path: Path) -> None:
    seed.seed(session, tmp_path)
    s = build_summary(session, "cx")
    find = next(r for r in s.tasks if r.key == "find")
    tries = [p.tries["find"] for p in seed.PEOPLE]
    ok = [t for t in tries if t.outcome == "success"]
    assert (find.attempts, find.successes, find.give_ups, find.failures, find.timeouts) == (6, 4, 1, 1, 0)
    assert find.direct == sum(t.pages == seed.DIRECT_FIND for t in ok) == 3
    assert find.direct_share is not None and find.direct_share.estimate == pytest.approx(3 / 6)
    assert dict(find.failure_pages) == {"/contact": 1, "/support": 1}
    assert find.times_s == tuple(sorted(t.time_s for t in ok))
    # SUM (Sauro & Kindlund 2005), averaged as percentages: completion, time vs 40 s, SEQ vs 5.5.
    times = np.array([t.time_s for t in ok])
    seqs = np.array([t.seq for t in tries])
    expected = np.mean(
        [
            100 * 4 / 6,
            100 * stats.norm.cdf((40 - times.mean()) / times.std(ddof=1)),
            100 * stats.norm.cdf((seqs.mean() - 5.5) / seqs.std(ddof=1)),
        ]
    )
    assert find.sum_pct == pytest.approx(expected)
    buy = next(r for r in s.tasks if r.key == "buy")
    assert (buy.timeouts, buy.give_ups, buy.failures) == (1, 1, 1)
    assert dict(buy.failure_pages) == {"/products": 2, "/contact": 1}
    assert s.figure("sum").value == pytest.approx(np.mean([r.sum_pct for r in s.tasks]))


def test_journey_stages_statuses_and_findings(session: Session, tmp_path: Path) -> None:
    seed.seed(session, tmp_path)
    s = build_summary(session, "cx")
    stages = {st.stage: st for st in s.stages}
    assert list(stages) == ["awareness", "purchase", "retention"]  # funnel order, only stages with tasks
    # awareness: 5/6 succeed, mean SEQ 6.17 -> good; purchase: 3/6 and mean SEQ 4.0 -> poor
    assert stages["awareness"].status == "good"
    assert stages["purchase"].status == "poor"
    assert "mean SEQ 4.0 is below 4.5" in stages["purchase"].reasons
    assert stages["retention"].touchpoints[0].name == "Helpdesk"
    kinds = [(f.kind, f.subject) for f in s.findings]
    assert ("low_success", "buy") in kinds and ("low_success", "find") in kinds
    assert ("failure_page", "/contact") in kinds  # 3 of the 7 unsuccessful attempts
    assert kinds.index(("low_success", "buy")) < kinds.index(("low_success", "find"))
    assert [f.severity for f in s.findings] == sorted((f.severity for f in s.findings), reverse=True)


def test_filters_by_device_and_date(session: Session, tmp_path: Path) -> None:
    people = seed.seed(session, tmp_path)
    phone = build_summary(session, "cx", Filters(device="phone"))
    phone_tries = all_tries(seed.PEOPLE[4:])
    assert phone.attempts == len(phone_tries) == 6
    x = sum(t.outcome == "success" for t in phone_tries)
    assert phone.figure("task_success").value == pytest.approx(x / 6)
    assert phone.participants == 2
    # The first participant came two days ago (moved there directly: start_session stamps "now").
    first = people[0]
    first.started_at = datetime.now(UTC) - timedelta(days=2)
    session.add(first)
    session.commit()
    today = datetime.now(UTC).date()
    recent = build_summary(session, "cx", Filters(since=today - timedelta(days=1)))
    assert (recent.participants, recent.attempts) == (5, 15)
    old = build_summary(session, "cx", Filters(until=today - timedelta(days=2)))
    assert (old.participants, old.attempts) == (1, 3)
    assert old.figure("sus").value == 100.0 and old.figure("sus").low is None  # n = 1: no interval
    check_schema(old.to_dict())


def test_version_filter_and_score_fell_finding(session: Session, tmp_path: Path) -> None:
    seed.seed(session, tmp_path)
    v2 = seed.load(
        session, tmp_path, seed.SCENARIO.replace("Find the helpdesk portal.", "Find the helpdesk.")
    )
    assert v2.number == 2
    rest = {k: seed.PEOPLE[0].tries[k] for k in ("buy", "about")}
    for seq in (1, 1, 2, 1):
        tries = {"find": seed.Try("success", 80, seed.DIRECT_FIND, seq), **rest}
        seed.add_person(session, v2, seed.Person("desktop", tries))
    s = build_summary(session, "cx", Filters(version=2))
    assert s.versions == (1, 2)
    assert s.attempts == 12 and s.participants == 4
    find = next(r for r in s.tasks if r.key == "find")
    assert find.prompt == "Find the helpdesk." and find.seq is not None and find.seq.estimate == 1.25
    fell = [f for f in s.findings if f.kind == "score_fell" and f.subject == "find"]
    old = [p.tries["find"].seq for p in seed.PEOPLE]
    p_value = stats.ttest_ind([1, 1, 2, 1], old, equal_var=False).pvalue
    assert p_value < 0.05 and fell and f"p = {p_value:.3f}" in fell[0].text
    both = build_summary(session, "cx")
    assert both.attempts == 30


def test_empty_study_and_unattempted_tasks_summarize(session: Session, tmp_path: Path) -> None:
    seed.load(session, tmp_path)
    s = build_summary(session, "cx")
    assert (s.participants, s.attempts) == (0, 0)
    assert all(f.value is None and f.n == 0 for f in s.headline)
    assert all(r.status == "no-data" and r.success is None for r in s.tasks)
    assert s.findings == () and s.participation == ()
    check_schema(s.to_dict())
    version = seed.load(session, tmp_path)
    only_find = seed.Person("phone", {"find": seed.Try("success", 12, seed.DIRECT_FIND, 6)})
    seed.add_person(session, version, only_find)
    s = build_summary(session, "cx")
    find, buy, _ = s.tasks
    assert find.success is not None and find.success.estimate == 1.0 and find.time_s is not None
    assert find.time_s.low is None  # one time: no interval
    assert buy.attempts == 0 and buy.status == "no-data"
    assert s.figure("sus").value is None and s.participants == 1 and s.finished == 0
    check_schema(s.to_dict())


def test_probe_uploads_give_page_speed(session: Session, tmp_path: Path) -> None:
    from uxlab import probe_uploads

    seed.seed(session, tmp_path)
    secret = probe_uploads.create_token(session, "cx", "ci")
    lcp = [1800.0, 2600.0, 2400.0]
    runs = [{"metrics": {"lcp_ms": v, "cls": 0.02, "fcp_ms": 900.0}, "score": 0.9} for v in lcp]
    report = complete_report(
        {
            "study": "cx",
            "build": {"commit": "abc1234"},
            "pages": [
                {
                    "path": "/",
                    "profile": "desktop",
                    "runs": runs,
                    "representative_run": 2,
                    "budgets": [{"metric": "score", "min": 0.95}],
                },
                {
                    "path": "/support/helpdesk",
                    "profile": "mobile",
                    # as many runs as every other page of the report
                    "runs": [{"metrics": {"lcp_ms": 5000.0, "cls": 0.3}}] * 3,
                },
            ],
        }
    )
    probe_uploads.store_upload(session, probe_uploads.authenticate(session, f"Bearer {secret}"), report)
    s = build_summary(session, "cx")
    home = next(p for p in s.pages if p.page == "/")
    assert home.p75["lcp_ms"] == pytest.approx(np.percentile(lcp, 75))  # 2500 -> good (<= 2500 ms, web.dev)
    assert home.passes and home.status == "good"
    assert home.history == (("abc1234", 0.9),) and home.score_budget == 0.95
    assert any(f.subject == "/ desktop budget" and "below its budget 0.95" in f.text for f in s.findings)
    cwv = s.figure("cwv_pass_rate")
    assert (cwv.value, cwv.n) == (0.5, 2)
    assert any(f.kind == "slow_page" and f.subject == "/support/helpdesk mobile" for f in s.findings)
    desktop = build_summary(session, "cx", Filters(device="desktop"))
    assert [p.page for p in desktop.pages] == ["/"]
    check_schema(s.to_dict())


def test_each_profile_has_its_own_score_budget(session: Session, tmp_path: Path) -> None:
    """One page in two profiles with their own score budgets: keyed by path alone, the first
    profile's budget was the other's too (the phone page judged by the desktop's 0.95)."""
    from uxlab import probe_uploads

    seed.seed(session, tmp_path)
    secret = probe_uploads.create_token(session, "cx", "ci")
    runs = [{"metrics": {"lcp_ms": 1800.0, "cls": 0.02, "fcp_ms": 900.0}, "score": 0.9}] * 3
    pages = [
        {"path": "/", "profile": profile, "runs": runs, "budgets": [{"metric": "score", "min": least}]}
        for profile, least in (("desktop", 0.95), ("mobile", 0.6))
    ]
    report = complete_report({"study": "cx", "build": {"commit": "abc1234"}, "pages": pages})
    probe_uploads.store_upload(session, probe_uploads.authenticate(session, f"Bearer {secret}"), report)
    budgets = {(p.page, p.profile): p.score_budget for p in build_summary(session, "cx").pages}
    assert budgets == {("/", "desktop"): 0.95, ("/", "mobile"): 0.6}


def test_unknown_study_and_bad_filters() -> None:
    with pytest.raises(BadRequest) as error:
        Filters.from_args({"device": "fridge"})
    assert error.value.field == "device"
    with pytest.raises(BadRequest):
        Filters.from_args({"since": "yesterday"})
    with pytest.raises(BadRequest):
        Filters.from_args({"version": "-1"})
    with pytest.raises(BadRequest):
        Filters.from_args({"since": "2026-11-02", "until": "2026-11-01"})
    f = Filters.from_args({"device": "phone", "since": "2026-11-01", "until": "", "version": "2"})
    assert f == Filters("phone", date(2026, 11, 1), None, 2)
    assert f.to_args() == {"device": "phone", "since": "2026-11-01", "version": "2"}


def test_unknown_slug_is_not_found(app: Flask) -> None:
    with app.app_context(), Session(uxdb.get_engine()) as s, pytest.raises(NotFound):
        build_summary(s, "nope")


def test_sub_second_times_are_read_exactly(session: Session, tmp_path: Path) -> None:
    # 0.3 s is stored as 300 ms and read back as the double nearest to 0.3
    quick = seed.Person("desktop", {"find": seed.Try("success", 0.3, seed.DIRECT_FIND, 7)})
    people = (*seed.PEOPLE[:2], quick)
    seed.seed(session, tmp_path, people)
    times = [t.time_s for t in all_tries(people) if t.outcome == "success"]
    logs = np.log(times)  # n < 25: geometric mean
    fig = build_summary(session, "cx").figure("time_on_task_s")
    assert (fig.value, fig.n) == (pytest.approx(math.exp(logs.mean()), rel=1e-12), len(times))
    assert min(build_summary(session, "cx").tasks[0].times_s) == pytest.approx(0.3, rel=1e-12)


def test_sorted_codes_count_or_sort() -> None:
    rng = np.random.default_rng(5)
    for codes in (rng.integers(0, 3000, 10_000), rng.integers(0, 2**60, 100), np.zeros(0, dtype=np.int64)):
        assert np.array_equal(sorted_codes(codes), np.sort(codes))


def test_positions_dense_or_sparse() -> None:
    for ids in (np.arange(5, 40, 3), np.array([3, 10**12, 10**15])):
        wanted = np.array([2, 0, 1, 2])
        assert np.array_equal(positions(ids, ids[wanted]), wanted)
    assert positions(np.array([1]), np.zeros(0, dtype=np.int64)).size == 0


def test_positions_of_absent_ids_are_minus_one() -> None:
    """Answers are read by session id range: ids of other studies' sessions in it must find no position."""
    for ids in (np.arange(5, 40, 3), np.array([3, 10**12, 10**15])):
        assert positions(ids, np.array([ids[1], 4, ids[-1] + 1, 1, int(ids[0])])).tolist() == [
            1,
            -1,
            -1,
            -1,
            0,
        ]
    assert positions(np.zeros(0, dtype=np.int64), np.array([1, 2])).tolist() == [-1, -1]

"""Filters by attempt outcome and task, and excluded participants (issue 16), on SQLite and PostgreSQL.

Three participants of ``tests/summary_seed.py``: PEOPLE[0] succeeds at every task (SUS 100),
PEOPLE[1] fails "buy" (SUS 75), PEOPLE[2] gives up on "find" (SUS 50). SUS from their items.
The rule: task figures count only the matching attempts; participant-level figures (counts,
questionnaires, answers) the participants with at least one matching attempt.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from sqlmodel import Session, col, select

import tests.summary_seed as seed
from uxlab.errors import BadRequest, Conflict, NotFound
from uxlab.participants import exclusions
from uxlab.reports import abandonment, comparison, downloads
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary
from uxlab.security_models import AuditEvent

SUS = {0: 100.0, 1: 75.0, 2: 50.0}
ROOT = Path(__file__).resolve().parents[2]
COMPARISON_SCHEMA = json.loads(
    (ROOT / "docs" / "schemas" / "comparison-v1.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture
def people(session: Session, tmp_path: Path) -> list[str]:
    sessions = seed.seed(session, tmp_path, seed.PEOPLE[:3])
    return [ps.public_id for ps in sessions]


def _rows(chunks: Iterator[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(chunks))))


def _task(summary: object, key: str) -> tuple[int, int]:
    row = next(t for t in summary.tasks if t.key == key)  # type: ignore[attr-defined]
    return row.attempts, row.successes


def test_the_outcome_filter_keeps_matching_attempts_and_their_participants(
    session: Session, people: list[str]
) -> None:
    every = build_summary(session, "cx")
    assert (every.participants, every.attempts, every.figure("sus").value) == (3, 9, pytest.approx(75.0))
    failed = build_summary(session, "cx", Filters(outcome="failure"))
    assert (failed.participants, failed.attempts) == (1, 1)  # PEOPLE[1]'s "buy"
    assert (failed.figure("sus").n, failed.figure("sus").value) == (1, SUS[1])
    assert _task(failed, "buy") == (1, 0) and _task(failed, "find") == (0, 0)
    assert failed.figure("task_success").value == 0.0
    ok = build_summary(session, "cx", Filters(outcome="success"))
    assert (ok.participants, ok.attempts, ok.figure("task_success").value) == (3, 7, 1.0)


def test_the_task_filter_and_both_together(session: Session, people: list[str]) -> None:
    find = build_summary(session, "cx", Filters(task="find"))
    assert (find.participants, find.attempts) == (3, 3)
    assert _task(find, "find") == (3, 2) and _task(find, "buy") == (0, 0)
    gave_up = build_summary(session, "cx", Filters(task="find", outcome="give_up"))
    assert (gave_up.participants, gave_up.attempts, gave_up.figure("sus").value) == (1, 1, SUS[2])
    none = build_summary(session, "cx", Filters(task="about", outcome="failure"))
    assert (none.participants, none.attempts, none.figure("sus").n) == (0, 0, 0)
    data = gave_up.to_dict()["filters"]
    assert (data["task"], data["outcome"], data["excluded"]) == ("find", "give_up", False)


def test_the_downloads_follow_outcome_and_task(session: Session, people: list[str]) -> None:
    failed = Filters(outcome="failure")
    rows = _rows(downloads.attempts_csv(session, "cx", failed))
    assert [(r["participant"], r["task"], r["outcome"]) for r in rows] == [(people[1], "buy", "failure")]
    assert {r["participant"] for r in _rows(downloads.responses_csv(session, "cx", failed))} == {people[1]}
    find = _rows(downloads.attempts_csv(session, "cx", Filters(task="find")))
    assert sorted(r["participant"] for r in find) == sorted(people) and {r["task"] for r in find} == {"find"}


def test_bad_outcome_task_and_excluded_values_are_refused(session: Session, people: list[str]) -> None:
    for bad in ({"outcome": "won"}, {"task": "Find it!"}, {"excluded": "yes"}):
        with pytest.raises(BadRequest) as raised:
            Filters.from_args(bad)
        assert raised.value.field == next(iter(bad))
    parsed = Filters.from_args({"outcome": "give_up", "task": "find", "excluded": "1"})
    assert (parsed.outcome, parsed.task, parsed.with_excluded) == ("give_up", "find", True)
    assert Filters.from_args(parsed.to_args()) == parsed
    with pytest.raises(BadRequest) as raised:  # well formed, but no task of the study
        build_summary(session, "cx", Filters(task="checkout"))
    assert raised.value.field == "task"


def test_an_excluded_participant_leaves_every_figure_and_comes_back(
    session: Session, people: list[str]
) -> None:
    before = build_summary(session, "cx")
    reason = "  speeder:\n 3 s per task "  # stored as one line
    exclusions.exclude(session, people[0], reason, study_slug="cx", actor="rita@example.org")
    after = build_summary(session, "cx")
    assert (after.participants, after.attempts, after.excluded) == (2, 6, 1)
    assert after.figure("sus").value == pytest.approx((SUS[1] + SUS[2]) / 2)
    assert after.figure("task_success").value == pytest.approx(4 / 6)
    assert after.to_dict()["excluded"] == 1
    assert [(row.task, row.reached) for row in abandonment.by_task(session, "cx")][:1] == [("find", 2)]
    counted = build_summary(session, "cx", Filters(with_excluded=True))
    assert (counted.participants, counted.figure("sus").value) == (3, before.figure("sus").value)
    # downloads: left out by default; with excluded=1 they come marked, with the reason
    answered = _rows(downloads.responses_csv(session, "cx", Filters()))
    assert people[0] not in {r["participant"] for r in answered}
    marked = _rows(downloads.attempts_csv(session, "cx", Filters(with_excluded=True)))
    mine = [r for r in marked if r["participant"] == people[0]]
    assert len(mine) == 3 and {(r["excluded"], r["exclusion_reason"]) for r in mine} == {
        ("true", "speeder: 3 s per task")
    }
    assert {r["excluded"] for r in marked if r["participant"] != people[0]} == {"false"}
    with pytest.raises(Conflict):
        exclusions.exclude(session, people[0], "again", study_slug="cx")
    old = exclusions.include(session, people[0], study_slug="cx", actor="rita@example.org")
    assert old == "speeder: 3 s per task"
    back = build_summary(session, "cx")
    assert (back.participants, back.attempts, back.excluded) == (3, 9, 0)
    assert back.figure("sus").value == before.figure("sus").value
    actions = session.exec(select(AuditEvent.action, AuditEvent.detail).order_by(col(AuditEvent.id))).all()
    assert [a for a, _ in actions] == ["participant_excluded", "participant_included"]
    assert "speeder" in actions[0][1] and people[0] in actions[0][1]


def test_exclusions_refuse_bad_input_and_change_nothing(session: Session, people: list[str]) -> None:
    with pytest.raises(BadRequest):
        exclusions.exclude(session, people[0], "   ", study_slug="cx")
    with pytest.raises(BadRequest):
        exclusions.exclude(session, people[0], "x" * 501, study_slug="cx")
    with pytest.raises(NotFound):
        exclusions.exclude(session, people[0], "bot", study_slug="other")
    with pytest.raises(NotFound):
        exclusions.include(session, people[0], study_slug="cx")  # not excluded
    assert build_summary(session, "cx").excluded == 0
    assert session.exec(select(AuditEvent)).all() == []


def test_the_comparison_leaves_excluded_participants_out_and_filters_by_task(
    session: Session, people: list[str], tmp_path: Path
) -> None:
    edited = seed.SCENARIO.replace("Find out who runs Acme.", "Find out who runs Acme, please.")
    seed.add_person(session, seed.load(session, tmp_path, edited), seed.PEOPLE[3])
    before = comparison.compare_versions(session, "cx", 1, 2)
    assert (before.a.participants, before.b.participants) == (3, 1)
    exclusions.exclude(session, people[1], "bot", study_slug="cx")
    after = comparison.compare_versions(session, "cx", 1, 2)
    assert (after.a.participants, after.a.attempts, after.b.participants) == (2, 6, 1)
    buy = comparison.compare_versions(session, "cx", 1, 2, Filters(task="buy"))
    assert (buy.a.attempts, buy.b.attempts) == (2, 1)
    data = buy.to_dict()
    jsonschema.validate(data, COMPARISON_SCHEMA)
    assert (data["filters"]["task"], data["filters"]["outcome"], data["filters"]["excluded"]) == (
        "buy",
        None,
        False,
    )

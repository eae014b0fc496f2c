"""Exports: CSV and JSON rows match the seeded attempts and responses, on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from results_seed import seed_results

from uxlab import export
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.errors import NotFound

ANA_FIRST = {
    "study": "shop",
    "version": 1,
    "participant": "ana-0000-public-id",
    "device": "desktop",
    "language": "en",
    "task": "find-helpdesk",
    "task_position": 0,
    "stage": "retention",
    "outcome": "success",
    "started_at": "2026-11-25T10:01:00.000Z",
    "ended_at": "2026-11-25T10:01:12.500Z",
    "time_on_task_s": 12.5,
    "click_count": 2,
    "path": ["/", "/support", "/support/helpdesk"],
    "direct": True,
    "answer": None,
    "seq": 6,
}


def _export(app: Flask, fmt: str, what: str = "all") -> str:
    out = io.StringIO()
    with app.app_context():
        export.export_study(get_session(), "shop", out, fmt, what)
    return out.getvalue()


def test_json_export_holds_every_attempt_and_response(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        seed_results(get_session(), tmp_path)
    data = json.loads(_export(any_app, "json"))
    assert data["study"] == "shop"
    assert data["attempts"][0] == ANA_FIRST
    assert [(a["participant"][:3], a["task"], a["outcome"]) for a in data["attempts"]] == [
        ("ana", "find-helpdesk", "success"),
        ("ana", "hotline", "success"),
        ("ben", "find-helpdesk", "give_up"),
        ("ben", "hotline", None),
    ]
    assert data["attempts"][1]["answer"] == "+1 555 0100"
    assert data["attempts"][3]["ended_at"] is None
    assert data["responses"] == [
        {
            "study": "shop",
            "version": 1,
            "participant": "ana-0000-public-id",
            "device": "desktop",
            "language": "en",
            "questionnaire": "free_text",
            "item": 1,
            "value": None,
            "text": "Nice, but the menu, hm…",
            "scale_version": None,
            "answered_at": "2026-11-25T10:04:00.000Z",
        },
        {
            "study": "shop",
            "version": 1,
            "participant": "ana-0000-public-id",
            "device": "desktop",
            "language": "en",
            "questionnaire": "nps",
            "item": 1,
            "value": 9,
            "text": None,
            "scale_version": None,
            "answered_at": "2026-11-25T10:04:00.000Z",
        },
    ]


def test_csv_export_has_both_tables(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        seed_results(get_session(), tmp_path)
    attempts_part, responses_part = _export(any_app, "csv").split("\n\n")
    attempts = list(csv.DictReader(io.StringIO(attempts_part)))
    responses = list(csv.DictReader(io.StringIO(responses_part)))
    assert tuple(attempts[0]) == export.ATTEMPT_COLUMNS
    assert len(attempts) == 4
    assert attempts[0]["path"] == "/ > /support > /support/helpdesk"
    assert attempts[0]["time_on_task_s"] == "12.5"
    assert attempts[0]["direct"] == "true"
    assert attempts[2]["time_on_task_s"] == ""
    assert attempts[2]["device"] == "phone"
    assert [(r["questionnaire"], r["value"], r["text"]) for r in responses] == [
        ("free_text", "", "Nice, but the menu, hm…"),
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
        seed_results(db, tmp_path)
        assert export.count_attempts(db, "shop") == 4
        page = list(export.iter_attempt_rows(db, "shop", offset=2, limit=2))
        assert [row["participant"][:3] for row in page] == ["ben", "ben"]


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
    assert "wrote 6 rows" in result.output
    assert json.loads(target.read_text(encoding="utf-8"))["attempts"][0] == ANA_FIRST
    result = CliRunner().invoke(cli, ["export", "nope", "-o", str(tmp_path / "nope.csv")], env=env)
    assert result.exit_code == 1
    assert "uxlab: no study 'nope'" in result.output
    assert not (tmp_path / "nope.csv").exists()
    assert not (tmp_path / "nope.csv.part").exists()
    result = CliRunner().invoke(cli, ["export", "shop", "--what", "attempts"], env=env)
    assert result.exit_code == 0
    assert result.output.startswith(",".join(export.ATTEMPT_COLUMNS) + "\n")

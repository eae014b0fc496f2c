"""Every read of results ends abandoned attempts first, as the dashboard does (audit finding 2).

Ben (``tests/results_seed.py``) left his second task an hour ago: no tracker ended it. The
CSV downloads, ``uxlab export`` and ``uxlab report`` run the sweep the dashboard runs
(``sweep.end_overdue``) before they read, so they count that attempt as the summary does: a
timeout, marked abandoned.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlmodel import col, select

from tests.results_seed import seed_results
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.models import Attempt

EMAIL, PASSWORD = "ana@example.org", "correct horse battery"


def _left_mid_task(app: Flask, tmp_path: Path) -> None:
    """Seed the study; Ben's running attempt started an hour ago, past its time limit."""
    with app.app_context():
        db = get_session()
        auth.create_user(db, EMAIL, PASSWORD)
        seed_results(db, tmp_path)
        running = db.exec(select(Attempt).where(col(Attempt.ended_at).is_(None))).one()
        running.started_at = running.started_at - timedelta(hours=1)
        db.add(running)
        db.commit()


def _ends(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(row["outcome"], row["abandoned"]) for row in rows]


ENDED = [("success", "false"), ("success", "false"), ("give_up", "false"), ("timeout", "true")]


def test_the_attempts_download_agrees_with_the_summary(any_app: Flask, tmp_path: Path) -> None:
    _left_mid_task(any_app, tmp_path)
    client = any_app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    rows = list(csv.DictReader(io.StringIO(client.get("/studies/shop/attempts.csv").get_data(as_text=True))))
    assert _ends(rows) == ENDED  # read before any summary: the download ended it itself
    assert client.get("/studies/shop/summary.json").get_json()["attempts"] == 4


def test_uxlab_export_ends_the_overdue_attempt_first(any_app: Flask, tmp_path: Path) -> None:
    _left_mid_task(any_app, tmp_path)
    env = {"UXLAB_DATABASE_URL": database_url(any_app)}
    result = CliRunner().invoke(cli, ["export", "shop", "--what", "attempts"], env=env)
    assert result.exit_code == 0, result.output
    assert _ends(list(csv.DictReader(io.StringIO(result.stdout)))) == ENDED
    target = tmp_path / "shop.json"
    result = CliRunner().invoke(cli, ["export", "shop", "--format", "json", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    attempts = json.loads(target.read_text(encoding="utf-8"))["attempts"]
    assert [(a["outcome"], a["abandoned"]) for a in attempts][-1] == ("timeout", True)


def test_uxlab_report_ends_the_overdue_attempt_before_it_reads(app: Flask, tmp_path: Path) -> None:
    """The report's figures are read after the sweep (here Chromium then cannot print: the
    sweep has run all the same, before anything was read)."""
    _left_mid_task(app, tmp_path)
    env = {"UXLAB_DATABASE_URL": database_url(app), "UXLAB_CHROMIUM_PATH": str(tmp_path / "no-chromium")}
    result = CliRunner().invoke(cli, ["report", "shop", "--pdf", str(tmp_path / "shop.pdf")], env=env)
    assert result.exit_code == 1 and "no-chromium" in result.stderr, result.output
    with app.app_context():
        ended = get_session().exec(select(Attempt).order_by(col(Attempt.id))).all()
        assert [(a.outcome, a.abandoned) for a in ended][-1] == ("timeout", True)


def test_the_attempts_page_ends_the_overdue_attempt_first(any_app: Flask, tmp_path: Path) -> None:
    _left_mid_task(any_app, tmp_path)
    client = any_app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    page = client.get("/studies/shop/attempts").get_data(as_text=True)
    assert "in progress" not in page and page.count("<td>timeout</td>") == 1


def test_the_comparison_ends_the_overdue_attempt_first(any_app: Flask, tmp_path: Path) -> None:
    _left_mid_task(any_app, tmp_path)
    client = any_app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    client.get("/studies/shop/compare.json")  # whatever it compares, it reads the attempts
    with any_app.app_context():
        running = get_session().exec(select(Attempt).where(col(Attempt.ended_at).is_(None))).all()
    assert running == []

"""The exports' sessions table (audit finding 5): every participant session, with its start and
finish, so the summary's participants, finished and participation per day, and the
since/until/finished filters, can be reproduced from the exports alone.

Ana finished, Ben is still in his second task (``tests/results_seed.py``); Cleo consented
through a panel link (``pid=P-7``) and made no attempt: in no other table, but a participant.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.results_seed import DESKTOP_UA, Seeded, seed_results
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.participants import exclusions, sessions
from uxlab.reports import export
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary

EMAIL, PASSWORD = "ana@example.org", "correct horse battery"


def _seed(app: Flask, tmp_path: Path) -> tuple[Seeded, str]:
    with app.app_context():
        db = get_session()
        auth.create_user(db, EMAIL, PASSWORD)
        seeded = seed_results(db, tmp_path)
        cleo = sessions.start_session(db, sessions.find_study(db, "shop")[1], DESKTOP_UA, "de")
        cleo.link_params = {"pid": "P-7"}
        db.add(cleo)
        db.commit()
        return seeded, cleo.public_id


def _json(app: Flask) -> dict[str, list[dict[str, object]]]:
    out = io.StringIO()
    with app.app_context():
        export.export_study(get_session(), "shop", out, "json")
    return json.loads(out.getvalue())


def _moment(text: object) -> datetime:
    assert isinstance(text, str) and text.endswith("Z"), text
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def test_every_participant_is_in_the_sessions_table(any_app: Flask, tmp_path: Path) -> None:
    seeded, cleo = _seed(any_app, tmp_path)
    data = _json(any_app)
    rows = data["sessions"]
    assert tuple(rows[0]) == export.TABLES["sessions"]
    assert [r["participant"] for r in rows] == [seeded.ana, seeded.ben, cleo]
    assert [(r["study"], r["version"], r["device"], r["language"]) for r in rows] == [
        ("shop", 1, "desktop", "en"),
        ("shop", 1, "phone", "en"),
        ("shop", 1, "desktop", "de"),
    ]
    assert [r["finished_at"] is not None for r in rows] == [True, False, False]
    assert [(r["link_params"], r["completion_code"], r["excluded"]) for r in rows][2] == (
        {"pid": "P-7"},
        None,
        False,
    )
    now = datetime.now(UTC)
    for row in rows:
        assert now - timedelta(minutes=5) < _moment(row["started_at"]) <= now
    assert _moment(rows[0]["started_at"]) <= _moment(rows[0]["finished_at"])
    # the same participant ids as the other tables use
    others = {r["participant"] for name in ("attempts", "responses", "questions") for r in data[name]}
    assert others == {seeded.ana, seeded.ben} < {r["participant"] for r in rows}


def test_the_summary_is_reproduced_from_the_sessions_table(any_app: Flask, tmp_path: Path) -> None:
    _seed(any_app, tmp_path)
    rows = _json(any_app)["sessions"]
    with any_app.app_context():
        summary = build_summary(get_session(), "shop", Filters())
    assert (summary.participants, summary.finished) == (len(rows), sum(bool(r["finished_at"]) for r in rows))
    per_day = Counter(str(r["started_at"])[:10] for r in rows)
    assert {d.day: d.started for d in summary.participation} == dict(per_day)


def test_the_sessions_download_takes_the_report_filters(any_app: Flask, tmp_path: Path) -> None:
    seeded, cleo = _seed(any_app, tmp_path)
    with any_app.app_context():
        exclusions.exclude(get_session(), seeded.ben, "a bot", study_slug="shop")
    client = any_app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302

    def participants(query: str) -> list[str]:
        response = client.get("/studies/shop/sessions.csv" + query)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Content-Disposition"] == 'attachment; filename="shop-sessions.csv"'
        return [row["participant"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]

    # the summary page links the download with its filters
    summary = client.get("/studies/shop/summary?language=de").get_data(as_text=True)
    assert '<a href="/studies/shop/sessions.csv?language=de">participants (CSV)</a>' in summary
    today = datetime.now(UTC).date()
    assert participants("") == [seeded.ana, cleo]  # Ben is excluded
    assert participants("?excluded=1") == [seeded.ana, seeded.ben, cleo]
    assert participants("?finished=1") == [seeded.ana]
    assert participants("?language=de&link=pid:P-7") == [cleo]
    assert participants(f"?since={today}&until={today}") == [seeded.ana, cleo]
    assert participants(f"?since={today + timedelta(days=1)}") == []
    assert participants("?excluded=1&device=phone") == [seeded.ben]
    assert participants("?outcome=success") == [seeded.ana]  # sessions with such an attempt, as the summary
    assert client.get("/studies/shop/sessions.csv?version=9").status_code == 400
    text = client.get("/studies/shop/sessions.csv?excluded=1").get_data(as_text=True)
    ben = next(row for row in csv.DictReader(io.StringIO(text)) if row["participant"] == seeded.ben)
    assert (ben["excluded"], ben["exclusion_reason"], ben["finished_at"]) == ("true", "a bot", "")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_uxlab_export_writes_the_sessions_table(app: Flask, tmp_path: Path, fmt: str) -> None:
    seeded, cleo = _seed(app, tmp_path)
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    result = CliRunner().invoke(cli, ["export", "shop", "--format", fmt, "--what", "sessions"], env=env)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = json.loads(result.stdout)["sessions"]
        assert [r["participant"] for r in rows] == [seeded.ana, seeded.ben, cleo]
    else:
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["participant"], r["link_params"]) for r in rows][2] == (cleo, "pid=P-7")
    everything = CliRunner().invoke(cli, ["export", "shop"], env=env).stdout.split("\n\n")
    assert [part.splitlines()[0] for part in everything] == [",".join(c) for c in export.TABLES.values()]
    assert len(everything[3].splitlines()) == 4  # the header and three sessions

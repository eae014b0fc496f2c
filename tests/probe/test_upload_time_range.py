"""Upload date-times whose instant a datetime cannot hold: a 400 naming the field, never a 500.

An offset of up to 23:59 is valid RFC 3339, so 9999-12-31T23:59:59-23:59 matches the grammar
but is an instant in the year 10000 (and 0001-01-01T00:00:00+23:59 one in the year 0): the
conversion to UTC for storage overflowed and the upload ended in a 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from tests.probe.report_data import complete_report
from uxlab import auth, probe_uploads, scenarios, studies
from uxlab.db import get_session
from uxlab.models import ProbeResult, ProbeUpload

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
ACCOUNT = {"email": "edges@example.org", "password": "a long enough password 123"}
OUT_OF_RANGE = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:60-00:01"]
# The first and last instants a datetime holds, sent with and without an offset: stored.
EDGES = [
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999+00:00",
    "0001-01-01T23:59:00+23:59",
    "9999-12-31T00:00:00-23:59",
]


def _report(time: str, where: str) -> dict[str, Any]:
    run = {"metrics": {"fcp_ms": 100.0, "lcp_ms": 900.0, "cls": 0.0, "tbt_ms": 0.0}, "score": 0.9}
    page = {"path": "/", "profile": "desktop", "runs": [run], "representative_run": 0, "budgets": []}
    report = complete_report(
        {
            "study": "helpdesk",
            "runs": 1,
            "pages": [page],
            "build": {"commit": "abc1234", "time": "2026-11-25T12:00:00Z"},
        }
    )
    if where == "started_at":
        report["started_at"] = time
    else:
        report["build"]["time"] = time
    return report


def _client(app: Flask) -> tuple[Any, dict[str, str]]:
    with app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        headers = {"Authorization": f"Bearer {probe_uploads.create_token(db, 'helpdesk')}"}
        auth.create_user(db, ACCOUNT["email"], ACCOUNT["password"])
    return app.test_client(), headers


@pytest.mark.parametrize("where", ["build.time", "started_at"])
@pytest.mark.parametrize("time", OUT_OF_RANGE)
def test_a_date_time_outside_what_can_be_stored_is_a_400_naming_it(
    any_app: Flask, time: str, where: str
) -> None:
    client, headers = _client(any_app)
    answer = client.post("/api/v1/probes", json=_report(time, where), headers=headers)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["status"] == 400 and error["field"] == where
    assert time in error["message"]
    with any_app.app_context():
        db = get_session()
        assert db.exec(select(ProbeUpload)).all() == [] and db.exec(select(ProbeResult)).all() == []


def test_the_first_and_last_storable_instants_are_stored_and_shown(any_app: Flask) -> None:
    client, headers = _client(any_app)
    ids = []
    for time in EDGES:
        answer = client.post("/api/v1/probes", json=_report(time, "build.time"), headers=headers)
        assert answer.status_code == 201, (time, answer.get_data(as_text=True))
        ids.append(answer.get_json()["id"])
    assert client.post("/login", data=ACCOUNT).status_code == 302
    listed = client.get("/studies/helpdesk/builds")
    assert listed.status_code == 200
    shown = listed.get_data(as_text=True)
    # Shown in UTC: the offsets of the last two carry them to the first and the last minute.
    # (The year 1 is matched without its padding: strftime's %Y gives "1" on glibc.)
    assert shown.count("9999-12-31 23:59</td>") == 3 and shown.count("1-01-01 00:00</td>") == 2
    for build_id in ids:
        assert client.get(f"/studies/helpdesk/builds/{build_id}").status_code == 200

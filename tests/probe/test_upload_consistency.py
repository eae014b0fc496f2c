"""An upload must agree with itself: odd runs, each page that many, page metrics its representative run's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from tests.probe.report_data import complete_report
from uxlab import probe_uploads, scenarios, studies
from uxlab.db import get_session
from uxlab.models import ProbeUpload

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def _report(runs: int = 3) -> dict[str, Any]:
    page = {
        "path": "/",
        "profile": "desktop",
        "runs": [{"metrics": {"fcp_ms": 100.0 + i, "lcp_ms": 200.0}, "score": 0.9} for i in range(runs)],
        "representative_run": 0,
    }
    return complete_report({"study": "helpdesk", "pages": [page]})


def _even(report: dict[str, Any]) -> None:
    report["runs"] = 2
    del report["pages"][0]["runs"][2]


def _fewer(report: dict[str, Any]) -> None:
    report["runs"] = 5


def _metric(report: dict[str, Any]) -> None:
    page = report["pages"][0]
    page["metrics"] = {**page["metrics"], "fcp_ms": 12345}


def _score(report: dict[str, Any]) -> None:
    report["pages"][0]["score"] = 0.5


def _missing(report: dict[str, Any]) -> None:
    page = report["pages"][0]
    page["metrics"] = {**page["metrics"], "si_ms": 900.0}  # the representative run has none


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_even, "runs"),
        (_fewer, "pages[0].runs"),
        (_metric, "pages[0].metrics.fcp_ms"),
        (_score, "pages[0].score"),
        (_missing, "pages[0].metrics.si_ms"),
    ],
    ids=[
        "even runs",
        "runs not the page's",
        "metric not the run's",
        "score not the run's",
        "metric the run lacks",
    ],
)
def test_a_self_contradicting_report_is_a_400_naming_the_field(
    any_app: Flask, change: Any, field: str
) -> None:
    with any_app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        headers = {"Authorization": f"Bearer {probe_uploads.create_token(db, 'helpdesk')}"}
    client = any_app.test_client()
    report = _report()
    change(report)
    answer = client.post("/api/v1/probes", json=report, headers=headers)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["error"]["field"] == field
    with any_app.app_context():
        assert get_session().exec(select(ProbeUpload)).all() == []
    assert client.post("/api/v1/probes", json=_report(), headers=headers).status_code == 201

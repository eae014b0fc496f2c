"""The probe report schema's closed lists equal the Python constants they describe, so they cannot drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tests.probe.report_data import complete_report
from uxlab import probe_report, probe_uploads, scenarios, studies
from uxlab.db import get_session
from uxlab.metrics.lighthouse import LIGHTHOUSE_CONTROL_POINTS
from uxlab.metrics.pagespeed import AGGREGATES, CWV_THRESHOLDS, cwv_rating
from uxlab.probe.preflight import MAX_RUNS
from uxlab.scenarios.probing import BUDGET_LEVELS, BUDGET_METRICS
from uxlab.scenarios.schema import STEP_ACTIONS

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def _defs() -> dict[str, Any]:
    defs: dict[str, Any] = probe_report.schema()["$defs"]
    return defs


def test_schema_enums_equal_their_python_sources() -> None:
    budget = _defs()["budget"]["properties"]
    assert budget["metric"]["enum"] == list(BUDGET_METRICS)
    assert budget["level"]["enum"] == list(BUDGET_LEVELS)
    assert budget["aggregate"]["enum"] == list(AGGREGATES)
    assert list(scenarios.probing.AGGREGATES) == list(AGGREGATES)
    metrics = _defs()["metrics"]
    assert list(metrics["properties"]) == list(probe_report.METRICS)
    # si_ms alone may be missing: reports written before Speed Index was measured lack it.
    assert set(probe_report.METRICS) - set(metrics["required"]) == {"si_ms"}
    page = _defs()["page"]["properties"]
    assert set(page["form_factor"]["enum"]) == set(LIGHTHOUSE_CONTROL_POINTS)
    ratings = {cwv_rating(m, v) for m, (good, poor) in CWV_THRESHOLDS.items() for v in (good, poor, poor + 1)}
    assert set(page["ratings"]["additionalProperties"]["enum"]) == ratings
    assert _defs()["step"]["properties"]["action"]["enum"] == list(STEP_ACTIONS)
    assert probe_report.schema()["properties"]["runs"]["maximum"] == MAX_RUNS  # uxlab probe --runs


def test_an_si_ms_budget_uploads(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        headers = {"Authorization": f"Bearer {probe_uploads.create_token(db, 'helpdesk')}"}
    run = {"metrics": {"fcp_ms": 100.0, "lcp_ms": 200.0, "si_ms": 936.1}, "score": 0.9}
    budget = {"metric": "si_ms", "max": 2500, "value": 936.1, "passed": True}
    page = {"path": "/", "profile": "desktop", "runs": [run], "budgets": [budget]}
    answer = app.test_client().post(
        "/api/v1/probes", json=complete_report({"study": "helpdesk", "pages": [page]}), headers=headers
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)

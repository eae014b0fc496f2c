"""Demo probe builds look like a real CI history: most pass, one feature build fails, Speed Index charted."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from uxlab import auth, probe_uploads, scenarios, studies
from uxlab.db import get_session
from uxlab.demo.builds import add_builds
from uxlab.reports import probe_builds

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
ACCOUNT = {"email": "demo-builds@example.org", "password": "a long enough password 123"}


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_demo_builds_mostly_pass_and_chart_speed_index(app: Flask, seed: int) -> None:
    with app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        add_builds(db, "helpdesk", random.Random(seed), datetime(2026, 11, 25, tzinfo=UTC))
        rows, _ = probe_builds.builds(db, "helpdesk")
        failed = [r for r in rows if r.exit_code]
        assert [r.branch for r in failed] == ["feature/hero-image"]  # the five main builds pass
        assert failed[0].errors_failed >= 1
        history = probe_uploads.page_history(db, "helpdesk", "/")
        assert all(p.values["si_ms"] is not None for points in history.values() for p in points)
        auth.create_user(db, ACCOUNT["email"], ACCOUNT["password"])
    client = app.test_client()
    assert client.post("/login", data=ACCOUNT).status_code == 302
    page = client.get(f"/studies/helpdesk/builds/{failed[0].id}").get_data(as_text=True)
    budgets = re.findall(
        r"<li>(?:Passed|Failed) \(\w+\): \w+ (\w+)\s+([^,]+), limit [^;]+;\s*([^<]+)</li>", page
    )
    assert budgets and {metric for metric, _, _ in budgets} == {"lcp_ms", "si_ms"}
    for _, value, limit in budgets:  # whole milliseconds, as the metrics table shows them
        assert re.fullmatch(r"[0-9]+", value) and re.fullmatch(r"[0-9]+", limit), (value, limit)

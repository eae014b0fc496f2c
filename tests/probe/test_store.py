"""The upload store on SQLite and PostgreSQL: tokens, validation, history per page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from uxlab import scenarios, studies
from uxlab.db import get_session
from uxlab.errors import BadRequest, Forbidden, Unauthorized
from uxlab.probe import store

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def _report(lcp: float, study: str | None = "helpdesk") -> dict[str, Any]:
    run = {"metrics": {"fcp_ms": 100.0, "lcp_ms": lcp, "cls": 0.0, "tbt_ms": 0.0}, "score": 0.9}
    page = {
        "path": "/",
        "profile": "desktop",
        "runs": [run, {**run, "metrics": {**run["metrics"], "lcp_ms": lcp + 500}}],
        "representative_run": 0,
        "budgets": [{"metric": "lcp_ms", "max": 2500, "min": None}],
    }
    return {
        "schema": "uxlab-probe/1",
        "study": study,
        "pages": [page],
        "build": {"commit": f"{int(lcp):07d}", "branch": "main", "time": "2026-11-25T12:00:00Z"},
        "summary": {"exit_code": 0},
    }


def test_upload_store_and_history(any_app: Flask) -> None:
    with any_app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        secret = store.create_token(db, "helpdesk")
        token = store.authenticate(db, f"Bearer {secret}")
        assert token.token_hash == store.hash_token(secret) and secret not in token.token_hash
        for lcp in (1000.0, 1200.0, 900.0):
            store.store_upload(db, token, _report(lcp))
        store.store_upload(db, token, _report(5000.0, study=None))  # --url runs: the token's study

        history = store.page_history(db, "helpdesk", "/")
        assert [p.values["lcp_ms"] for p in history["desktop"]] == [1000.0, 1200.0, 900.0, 5000.0]
        assert history["desktop"][0].label == "0001000"
        assert store.study_pages(db, "helpdesk") == ["/"]
        assert store.page_budgets(db, "helpdesk", "/") == {"lcp_ms": {"max": 2500}}

        with pytest.raises(Unauthorized):
            store.authenticate(db, "Bearer uxp_nope")
        with pytest.raises(Unauthorized):
            store.authenticate(db, secret)  # no scheme
        with pytest.raises(Forbidden):
            store.store_upload(db, token, _report(1.0, study="another"))
        with pytest.raises(BadRequest) as bad:
            store.store_upload(
                db, token, {**_report(1.0), "pages": [{"path": "/", "profile": "d", "runs": [{}]}]}
            )
        assert bad.value.field == "pages[0].runs[0].metrics"

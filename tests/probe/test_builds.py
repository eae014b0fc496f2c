"""Builds list (branch filter), build page, comparison and token revocation, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from tests.probe.report_data import complete_report
from uxlab import auth, probe_uploads, scenarios, studies
from uxlab.db import get_session
from uxlab.errors import NotFound, Unauthorized
from uxlab.models import ProbeUpload
from uxlab.reports import probe_builds

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
ACCOUNT = {"email": "builds@example.org", "password": "a long enough password 123"}


def build_report(commit: str, branch: str, lcp: float, passed: bool = True) -> dict[str, Any]:
    run = {
        "metrics": {"fcp_ms": 100.0, "lcp_ms": lcp, "si_ms": 300.0, "cls": 0.01, "tbt_ms": 0.0},
        "score": 0.95,
    }
    budget = {"metric": "lcp_ms", "max": 2500, "min": None, "value": lcp, "passed": passed}
    page = {"path": "/", "profile": "desktop", "runs": [run], "budgets": [budget]}
    build = {"commit": commit, "branch": branch, "time": "2026-11-25T12:00:00Z"}
    return complete_report({"study": "helpdesk", "pages": [page], "build": build})


def seeded(app: Flask) -> tuple[str, list[int]]:
    """Three builds: main (LCP 1000), feature (LCP 3000, its error budget failed), main (1200)."""
    with app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        secret = probe_uploads.create_token(db, "helpdesk", "CI")
        token = probe_uploads.authenticate(db, f"Bearer {secret}")
        ids = [
            int(probe_uploads.store_upload(db, token, build_report(c, b, lcp, ok)).id or 0)
            for c, b, lcp, ok in (
                ("aaaaaaa1", "main", 1000.0, True),
                ("bbbbbbb2", "feature", 3000.0, False),
                ("ccccccc3", "main", 1200.0, True),
            )
        ]
        auth.create_user(db, ACCOUNT["email"], ACCOUNT["password"])
    return secret, ids


def test_builds_branch_filter_and_compare_with_the_base_branch(any_app: Flask) -> None:
    _, (first, feature, third) = seeded(any_app)
    with any_app.app_context():
        db = get_session()
        rows, branches = probe_builds.builds(db, "helpdesk")
        assert [r.id for r in rows] == [third, feature, first] and branches == ["feature", "main"]
        failed = next(r for r in rows if r.id == feature)
        assert (failed.exit_code, failed.errors_failed) == (1, 1)  # complete_report counts the failed budget
        assert [r.id for r in probe_builds.builds(db, "helpdesk", "feature")[0]] == [feature]
        # The feature build compares with main's latest earlier build; the first build has none.
        assert probe_builds.default_base(db, "helpdesk", feature) == first
        assert probe_builds.default_base(db, "helpdesk", first) is None
        _, head = probe_builds.build(db, "helpdesk", feature)
        _, base = probe_builds.build(db, "helpdesk", first)
        deltas = {d.metric: d.delta for d in probe_builds.compare(base, head)[("/", "desktop")]}
        assert deltas["lcp_ms"] == 2000.0 and deltas["si_ms"] == 0.0
        with pytest.raises(NotFound):
            probe_builds.build(db, "helpdesk", 999_999)

    client = any_app.test_client()
    assert client.post("/login", data=ACCOUNT).status_code == 302
    listed = client.get("/studies/helpdesk/builds?branch=feature").get_data(as_text=True)
    assert "bbbbbbb" in listed and "aaaaaaa" not in listed
    page = client.get(f"/studies/helpdesk/builds/{feature}").get_data(as_text=True)
    assert "Failed" in page and f"base={first}" in page
    compared = client.get(f"/studies/helpdesk/builds/{feature}/compare")
    assert compared.status_code == 200 and "+2000" in compared.get_data(as_text=True)
    assert client.get(f"/studies/helpdesk/builds/{feature}/compare?base=x1").status_code == 400
    zero = client.get(f"/studies/helpdesk/builds/{feature}/compare?base=0")  # not "the default base"
    assert zero.status_code == 400 and "base must be a build number" in zero.get_data(as_text=True)
    assert client.get(f"/studies/helpdesk/builds/{first}/compare").status_code == 400
    assert client.get("/studies/helpdesk/builds/999999").status_code == 404


def test_revoked_token_uploads_no_more_and_its_uploads_stay(any_app: Flask) -> None:
    secret, ids = seeded(any_app)
    with any_app.app_context():
        db = get_session()
        (token,) = probe_uploads.list_tokens(db, "helpdesk")
        with pytest.raises(NotFound):
            probe_uploads.revoke_token(db, "helpdesk", int(token.id or 0) + 1)
        probe_uploads.revoke_token(db, "helpdesk", int(token.id or 0))
        assert probe_uploads.list_tokens(db, "helpdesk") == []
        with pytest.raises(Unauthorized):
            probe_uploads.authenticate(db, f"Bearer {secret}")
        uploads = db.exec(select(ProbeUpload).order_by(ProbeUpload.id)).all()
        assert [u.id for u in uploads] == ids and all(u.token_id is None for u in uploads)

"""A build's default compare base measured at least one of its pages in one of its profiles."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.probe.report_data import complete_report
from tests.probe.test_builds import ACCOUNT, HELPDESK
from uxlab import auth, probe_uploads, scenarios, studies
from uxlab.db import get_session
from uxlab.reports import probe_builds


def _build(
    branch: str, path: str, study: str | None = "helpdesk", profile: str = "desktop"
) -> dict[str, Any]:
    run = {"metrics": {"fcp_ms": 100.0, "lcp_ms": 900.0}, "score": 0.95}
    page = {"path": path, "profile": profile, "runs": [run]}
    build = {"commit": f"{branch[:3]}{path[-4:]}", "branch": branch, "time": "2026-11-25T12:00:00Z"}
    return complete_report({"study": study, "pages": [page], "build": build})


def test_a_url_upload_on_main_is_not_the_base_of_builds_it_shares_no_page_with(any_app: Flask) -> None:
    with any_app.app_context():
        db = get_session()
        studies.store_scenario(db, scenarios.load(HELPDESK))
        token = probe_uploads.authenticate(db, f"Bearer {probe_uploads.create_token(db, 'helpdesk')}")
        first, url_run, mobile, feature, about = (
            int(probe_uploads.store_upload(db, token, report).id or 0)
            for report in (
                _build("main", "/"),
                _build("main", "https://example.org/", study=None),  # a --url run: pages named by URL
                _build("main", "/", profile="mobile"),  # the same page, in another profile only
                _build("feature-x", "/"),
                _build("main", "/about"),
            )
        )
        auth.create_user(db, ACCOUNT["email"], ACCOUNT["password"])
        assert probe_builds.default_base(db, "helpdesk", feature) == first
        assert probe_builds.default_base(db, "helpdesk", url_run) is None
        assert probe_builds.default_base(db, "helpdesk", mobile) is None
        assert probe_builds.default_base(db, "helpdesk", about) is None  # nothing earlier measured /about
    client = any_app.test_client()
    assert client.post("/login", data=ACCOUNT).status_code == 302
    assert f"base={first}" in client.get(f"/studies/helpdesk/builds/{feature}").get_data(as_text=True)
    compared = client.get(f"/studies/helpdesk/builds/{about}/compare")
    assert compared.status_code == 400 and "base" in compared.get_data(as_text=True)

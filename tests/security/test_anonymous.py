"""Every route of the URL map refuses an anonymous visitor unless it is meant to be public (issue 12).

The routes come from the app's URL map (``tests/security/routes.py``), so a route added
later is checked as is: unless its endpoint or blueprint is listed in ``PUBLIC`` below,
an anonymous GET and POST must be sent to the sign-in page (a JSON endpoint answers 401
in JSON), with nothing of the seeded study in the answer. The seeded study ``shop``
exists, so a refusal is not a 404 for an unknown study.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.results_seed import seed_results
from tests.security.routes import urls
from uxlab import auth
from uxlab.db import get_session

# Blueprints and endpoints that anonymous visitors may use, and why.
PUBLIC_BLUEPRINTS = {
    "participant",  # the study pages participants open from an invitation link
    "api",  # tracker API: attempt tokens, not cookies
    "demo",  # the demo company site
    "health",  # load balancer checks
    "screener",  # the screener questions participants answer before consent
}
PUBLIC_ENDPOINTS = {
    "static",
    "researcher.login",
    "researcher.home",  # only a redirect to the study list, which is not public
    "probes.upload",  # bearer upload token (tests/security/test_csrf.py)
    "reports.shared",  # share links: a 192-bit secret in the URL (tests/web/test_reports_pages.py)
}

# Researcher endpoints that answer JSON without a .json path; they answer 401 JSON, not a redirect.
JSON_ENDPOINTS = {"studio.check"}


def _is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_researcher_route_refuses_an_anonymous_visitor(
    any_app: Flask, tmp_path: Path, method: str
) -> None:
    with any_app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
        seed_results(get_session(), tmp_path)
    client = any_app.test_client()
    refused = []
    for endpoint, url in urls(any_app, method, {"slug": "shop", "share_id": 1}):
        if _is_public(endpoint):
            continue
        response = client.open(url, method=method)
        if url.endswith(".json") or endpoint in JSON_ENDPOINTS:  # a script gets a reason it can read
            assert response.status_code == 401 and response.is_json, (endpoint, url, response.status_code)
        else:
            assert response.status_code == 302, (endpoint, url, response.status_code)
            assert response.location.startswith("/login"), (endpoint, response.location)
        assert "Shopping at Acme" not in response.get_data(as_text=True), endpoint  # tests/results_seed.py
        refused.append(endpoint)
    # The surfaces this must cover; a rename that empties the list would otherwise pass.
    expected = {
        "GET": {
            "researcher.study_list",
            "reports.summary",
            "reports.live",
            "probes.pages",
            "researcher.audit_log",
        },
        "POST": {"researcher.set_open", "reports.create_share", "probes.pages", "studio.check"},
    }
    assert expected[method] <= set(refused)

"""A forged Host header is never reflected: links and redirects use PUBLIC_URL (issue 12).

On main the task-start redirect was built from the request's Host, so a forged Host
sent the participant, with the attempt token, to that host. Here a participant walks
to the task and a researcher opens every GET page of the URL map, all with the Host
``evil.example``; neither a Location header nor a page may name it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlmodel import select

from tests.results_seed import seed_results
from tests.security.routes import urls
from uxlab import auth, studies
from uxlab.db import get_session
from uxlab.models import Attempt
from uxlab.reports import sharing

FORGED = "http://evil.example"
PUBLIC = "http://127.0.0.1:5000"  # PUBLIC_URL in tests/conftest.py


def test_the_task_start_redirect_uses_public_url_not_the_host(app: Flask) -> None:
    with app.app_context():
        studies.load_scenario_file(get_session(), Path(__file__).parents[2] / "scenarios" / "helpdesk.yaml")
    client = app.test_client()
    assert client.post("/s/helpdesk", base_url=FORGED).status_code == 303
    started = client.post("/s/helpdesk/task/1", base_url=FORGED)
    assert started.status_code == 303
    with app.app_context():
        token = get_session().exec(select(Attempt)).one().token
    assert started.location.startswith(f"{PUBLIC}/demo"), started.location
    assert started.location.endswith(f"#uxlab={token}@{PUBLIC}")
    assert "evil.example" not in started.location


def test_no_page_or_redirect_names_a_forged_host(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
        seed_results(get_session(), tmp_path)
        _link, secret = sharing.create_share(get_session(), "shop", True)
        token = get_session().exec(select(Attempt)).first().token  # type: ignore[union-attr]
    client = app.test_client()
    login = {"email": "ana@example.org", "password": "correct horse battery"}
    assert client.post("/login", data=login, base_url=FORGED).status_code == 302
    known = {"slug": "shop", "secret": secret, "token": token, "number": 1, "page": "about", "share_id": 1}
    checked = set()
    for endpoint, url in urls(app, "GET", known):
        response = client.get(url, base_url=FORGED)
        assert "evil.example" not in (response.location or ""), (endpoint, response.location)
        assert b"evil.example" not in response.data, endpoint
        checked.add(endpoint)
    assert {
        "participant.consent",
        "api.attempt",
        "reports.summary",
        "reports.shared",
        "probes.pages",
    } <= checked

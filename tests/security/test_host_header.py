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


def test_slash_redirects_are_relative_and_never_name_a_forged_host(app: Flask) -> None:
    # Werkzeug's own redirects (doubled slashes, a missing trailing slash) are built before
    # any view runs, from the Host; a 308 may be cached, so a forged one would stick.
    client = app.test_client()
    for path, query, target in [
        ("/s//helpdesk", "", "/s/helpdesk"),
        ("/studies//helpdesk/summary", "", "/studies/helpdesk/summary"),
        ("/static//x", "", "/static/x"),
        ("/s//helpdesk", "lang=de", "/s/helpdesk?lang=de"),
        # a leading "//" must not become a Location naming another site ("//s/..." is a host)
        ("//s//helpdesk", "", "/s/helpdesk"),
    ]:
        # PATH_INFO as a server passes it: the test client would read a leading "//x" as a host
        environ = {"PATH_INFO": path, "QUERY_STRING": query}
        response = client.get("/", base_url=FORGED, environ_overrides=environ)
        assert response.status_code == 308, path
        assert response.location == target, (path, response.location)
        assert b"evil.example" not in response.data, path


def test_the_preview_task_start_uses_public_url_not_the_host(app: Flask) -> None:
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
    client = app.test_client()
    login = {"email": "ana@example.org", "password": "correct horse battery"}
    assert client.post("/login", data=login, base_url=FORGED).status_code == 302
    draft = "slug: draft\ntitle: Draft\nconsent: Thanks.\nsite: {base_url: /demo}\ntasks:\n"
    draft += "  - {id: contact, prompt: Find it., success: {url: /contact}, stage: consideration}\n"
    assert client.post("/studio/preview", data={"scenario": draft}, base_url=FORGED).status_code == 303
    started = client.post("/studio/preview/draft/task/1", base_url=FORGED)
    assert started.status_code == 303
    assert started.location.startswith(f"{PUBLIC}/demo#uxlab=preview-"), started.location
    assert started.location.endswith(f"@{PUBLIC}")
    assert "evil.example" not in started.location

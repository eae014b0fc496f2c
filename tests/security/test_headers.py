"""Security headers on every response, from one hook (issue 12); pages keep working under the CSP."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import LiveServer, make_test_app
from tests.results_seed import seed_results
from tests.security.routes import urls
from uxlab import auth
from uxlab.db import get_session
from uxlab.reports import sharing
from uxlab.web.security import RESEARCHER_BLUEPRINTS

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def _seed(app: Flask, tmp_path: Path) -> str:
    """Seed the study ``shop`` and a researcher account; return a share link's secret."""
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed_results(get_session(), tmp_path)
        _link, secret = sharing.create_share(get_session(), "shop", False)
    return secret


def _nonce(csp: str) -> str:
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'", csp)
    assert match, csp
    return match.group(1)


@pytest.mark.parametrize("signed_in", [True, False])
def test_every_get_route_sends_the_security_headers(app: Flask, tmp_path: Path, signed_in: bool) -> None:
    secret = _seed(app, tmp_path)
    client = app.test_client()
    if signed_in:
        assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    known = {"slug": "shop", "secret": secret, "filename": "uxlab.css"}
    seen = set()
    for endpoint, url in urls(app, "GET", known):
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        headers = response.headers
        assert response.status_code < 500, (endpoint, url)
        assert headers["X-Content-Type-Options"] == "nosniff", endpoint
        blueprint = endpoint.split(".")[0]
        if endpoint == "reports.shared":
            assert headers["Referrer-Policy"] == "no-referrer"
        else:
            assert headers["Referrer-Policy"] == "same-origin", endpoint
        if blueprint in RESEARCHER_BLUEPRINTS:
            csp = headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in csp, endpoint
            assert "object-src 'none'" in csp and "base-uri 'none'" in csp
            assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0], endpoint
            _nonce(csp)
        if blueprint in RESEARCHER_BLUEPRINTS or endpoint == "reports.shared":
            assert "no-store" in headers.get("Cache-Control", ""), endpoint
        seen.add(blueprint)
    assert {"researcher", "reports", "probes", "participant", "api", "static"} <= seen


def test_researcher_pages_exports_and_share_pages_are_never_stored(app: Flask, tmp_path: Path) -> None:
    # They show participants' free text: a shared computer's cache or a proxy keeps no copy.
    secret = _seed(app, tmp_path)
    client = app.test_client()
    shared = client.get(f"/share/{secret}")
    assert shared.status_code == 200 and shared.headers.get("Cache-Control") == "no-store"
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    for url in (
        "/studies/shop/summary",
        "/studies/shop/attempts.csv",
        "/studies/shop/summary.json",
        "/studies",
    ):
        response = client.get(url)
        response.close()  # the CSV is streamed
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url


def test_each_response_has_its_own_nonce_and_the_pages_scripts_carry_it(app: Flask, tmp_path: Path) -> None:
    _seed(app, tmp_path)
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    first, second = client.get("/studies/shop/summary"), client.get("/studies/shop/summary")
    nonces = [_nonce(r.headers["Content-Security-Policy"]) for r in (first, second)]
    assert nonces[0] != nonces[1]
    scripts = re.findall(r"<script\b[^>]*>", first.get_data(as_text=True))
    assert scripts, "the summary page loads reports.js"
    assert all(f'nonce="{nonces[0]}"' in tag for tag in scripts), scripts


def test_pages_work_in_chromium_under_their_headers(tmp_path: Path, page: Any) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    _seed(app, tmp_path)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    with LiveServer(app) as server:
        app.config["PUBLIC_URL"] = server.url
        page.goto(f"{server.url}/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/studies")
        page.goto(f"{server.url}/studies/shop/summary")
        # reports.js (allowed by 'self' and the nonce) fetches the live counts and shows them.
        page.wait_for_selector("p.live:not([hidden])", timeout=15000)
        for path in ("/demo/", "/s/shop"):  # no CSP there: the demo's inline tracker snippet runs
            page.goto(server.url + path)
        page.goto(f"{server.url}/demo/")
        page.wait_for_function("window.uxlab_q !== undefined", timeout=15000)
    app.extensions["uxlab.engine"].dispose()
    assert violations == []

"""CSRF on every cookie-authenticated form; token-authenticated JSON APIs exempt (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from tests.conftest import make_test_app
from tests.results_seed import seed_results
from tests.security.routes import urls
from uxlab import auth, probe_uploads
from uxlab.db import get_session
from uxlab.models import ApiToken

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture
def csrf_app(tmp_path: Path) -> Any:
    """An app with CSRF checks on (as served), a seeded study ``shop`` and a researcher account."""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed_results(get_session(), tmp_path)
    yield app
    app.extensions["uxlab.engine"].dispose()


def _token(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token field"
    return match.group(1).decode()


def _signed_in(app: Flask) -> Any:
    client = app.test_client()
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": _token(client.get("/login").data)}
    assert client.post("/login", data=data).status_code == 302
    return client


def _tokens(app: Flask) -> list[ApiToken]:
    with app.app_context():
        return list(get_session().exec(select(ApiToken)).all())


def test_the_upload_token_form_is_refused_without_a_csrf_token(csrf_app: Flask) -> None:
    client = _signed_in(csrf_app)
    refused = client.post("/studies/shop/probes", data={"label": "CI"})
    assert refused.status_code == 400
    assert "CSRF token is missing" in refused.get_data(as_text=True)
    forged = client.post("/studies/shop/probes", data={"label": "CI", "csrf_token": "forged"})
    assert forged.status_code == 400
    assert _tokens(csrf_app) == []
    token = _token(client.get("/studies/shop/probes").data)
    made = client.post("/studies/shop/probes", data={"label": "CI", "csrf_token": token})
    assert made.status_code == 200
    assert "New upload token" in made.get_data(as_text=True)
    assert [t.label for t in _tokens(csrf_app)] == ["CI"]


def test_the_upload_api_takes_its_bearer_token_without_csrf(csrf_app: Flask) -> None:
    with csrf_app.app_context():
        secret = probe_uploads.create_token(get_session(), "shop", "CI")
    response = csrf_app.test_client().post(
        "/api/v1/probes", json={"not": "a report"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.is_json
    assert "CSRF" not in response.get_data(as_text=True)
    assert response.status_code == 400  # the body's problem, not a missing CSRF token


def test_every_form_route_refuses_a_post_without_a_csrf_token(csrf_app: Flask) -> None:
    client = _signed_in(csrf_app)
    checked = []
    for endpoint, url in urls(csrf_app, "POST", {"slug": "shop"}):
        if url.startswith("/api/"):
            continue  # JSON APIs authenticate with tokens, not cookies
        response = client.post(url, data={"label": "x", "email": EMAIL, "password": PASSWORD})
        assert response.status_code == 400, (endpoint, url, response.status_code)
        assert "CSRF token is missing" in response.get_data(as_text=True), endpoint
        checked.append(endpoint)
    assert {"researcher.login", "researcher.set_open", "probes.pages", "reports.create_share"} <= set(checked)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Your browser did not keep this study's cookie"), ("de", "Ihr Browser hat das Cookie")],
)
def test_a_participant_whose_browser_drops_the_cookie_is_told_in_their_language(
    csrf_app: Flask, language: str, heading: str
) -> None:
    # cookies blocked (or cleared) between the consent page and "I agree": Flask-WTF's English
    # "The CSRF session token is missing." told the participant nothing they could act on
    client = csrf_app.test_client()
    headers = {"Accept-Language": language}
    token = _token(client.get("/s/shop", headers=headers).data)
    client.delete_cookie("session")
    refused = client.post("/s/shop", data={"csrf_token": token}, headers=headers)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and heading in page and "CSRF" not in page
    assert f'<html lang="{language}"' in page and 'href="/s/shop"' in page
    assert refused.headers["Cache-Control"] == "no-store"
    # a forged form with a cookie stays Flask-WTF's refusal
    client.get("/s/shop", headers=headers)
    forged = client.post("/s/shop", data={"csrf_token": "forged"}, headers=headers)
    assert forged.status_code == 400 and "CSRF" in forged.get_data(as_text=True)


def test_an_editor_left_open_after_sign_out_is_told_to_sign_in_again(csrf_app: Flask) -> None:
    """Sign-out ends the session and its CSRF token: the editor's check then gets the
    documented 401 in JSON (studio.js shows its reason), not the CSRF check's 400, and a form
    sent from a page still open says to sign in again; nothing is stored."""
    client = _signed_in(csrf_app)
    token = _token(client.get("/studies/new").data)
    assert client.post("/logout", data={"csrf_token": token}).status_code in (302, 303)
    check = client.post("/studio/check", json={"scenario": "slug: x\n"}, headers={"X-CSRFToken": token})
    assert check.status_code == 401 and check.is_json, check.get_data(as_text=True)
    assert "sign in" in check.json["error"]["message"]
    saved = client.post("/studio/save", data={"scenario": "slug: x\n", "csrf_token": token})
    assert saved.status_code == 401
    assert "you are signed out: sign in again" in saved.get_data(as_text=True)
    created = client.post("/studies/shop/probes", data={"label": "CI", "csrf_token": token})
    assert created.status_code == 401 and _tokens(csrf_app) == []

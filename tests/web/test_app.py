"""The factory, settings and error rendering."""

from __future__ import annotations

import pytest
from flask import Flask

from uxlab.config import SETTINGS, load_settings


def test_settings_are_overridable_by_environment() -> None:
    values = load_settings({"UXLAB_MAX_EVENT_BYTES": "99", "UXLAB_DEMO_SITE": "false"})
    assert values["MAX_EVENT_BYTES"] == 99
    assert values["DEMO_SITE"] is False
    assert load_settings({})["MAX_EVENT_BYTES"] == next(
        s.default for s in SETTINGS if s.name == "MAX_EVENT_BYTES"
    )


def test_health_on_both_databases(any_app: Flask) -> None:
    response = any_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_api_path_is_json_404(app: Flask) -> None:
    response = app.test_client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_unknown_page_is_html_404(app: Flask) -> None:
    response = app.test_client().get("/nothing-here", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert b"<h1>Error 404</h1>" in response.data
    assert b'<a href="/studies">Go to the studies</a>' in response.data  # a way on, not a dead end
    participant = app.test_client().get("/s/no-such-study/task/9/seq", headers={"Accept": "text/html"})
    assert participant.status_code in (404, 410) and b"Go to the studies" not in participant.data


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("POST", "/healthz", "GET"), ("PUT", "/readyz", "GET"), ("DELETE", "/api/v1/openapi.json", "GET")],
)
def test_a_method_a_json_endpoint_does_not_take_is_a_json_405_naming_the_allowed(
    app: Flask, method: str, path: str, allowed: str
) -> None:
    response = app.test_client().open(path, method=method)
    assert response.status_code == 405
    assert response.is_json, response.data[:200]
    assert "not allowed" in response.get_json()["error"]["message"]
    assert allowed in response.headers["Allow"].split(", ")


def test_a_method_a_page_does_not_take_is_an_html_405_naming_the_allowed(app: Flask) -> None:
    response = app.test_client().delete("/login")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert {"GET", "POST"} <= set(response.headers["Allow"].split(", "))

"""Out-of-range and malformed query parameters answer a clear 400, never a 500 (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.results_seed import seed_results
from uxlab import auth
from uxlab.db import get_session
from uxlab.reports import sharing

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture
def seeded(any_app: Flask, tmp_path: Path) -> tuple[Any, str]:
    """A signed-in researcher's client over the seeded study ``shop``, and a share link's secret."""
    with any_app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed_results(get_session(), tmp_path)
        _link, secret = sharing.create_share(get_session(), "shop", False)
    client = any_app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    return client, secret


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.is_json
    assert response.get_json()["error"]["field"] == field


ATTEMPT_PAGES = [
    ("page=1e23", "page"),
    ("page=100000000000000000000000", "page"),
    ("page=-1", "page"),
    ("page=²", "page"),
    ("per_page=1e3", "per_page"),
    ("per_page=100000000000000000000000", "per_page"),
    ("page=0", "page"),  # a whole number, but no page: was a bare 404
    ("per_page=0", "per_page"),
    ("task=nosuch", "task"),  # well formed, not a task of the study: was 200 with "0 attempts"
    ("version=99", "version"),  # the study has no version 99: was 200 and empty
]


def test_attempt_pages_are_bounded(seeded: tuple[Any, str]) -> None:
    client, _secret = seeded
    for query, field in ATTEMPT_PAGES:
        response = client.get(f"/studies/shop/attempts?{query}", headers={"Accept": "application/json"})
        _refused(response, field)
        page = client.get(f"/studies/shop/attempts?{query}")
        assert page.status_code == 400
        assert field in page.get_data(as_text=True)


@pytest.mark.parametrize("report", ["summary", "summary.json", "journey", "attempts.csv", "questions"])
def test_a_version_the_study_does_not_have_is_a_400(seeded: tuple[Any, str], report: str) -> None:
    """A typo in the version filter showed empty figures, as if no one had taken part."""
    client, _secret = seeded
    _refused(
        client.get(f"/studies/shop/{report}?version=99", headers={"Accept": "application/json"}), "version"
    )
    assert client.get(f"/studies/shop/{report}?version=1").status_code == 200


def test_the_largest_page_is_answered_not_crashed_on(seeded: tuple[Any, str]) -> None:
    client, _secret = seeded
    response = client.get("/studies/shop/attempts?page=1000000000&per_page=500")
    assert response.status_code == 200
    assert "<code title=" not in response.get_data(as_text=True)  # past the last attempt


REPORTS = ["summary", "journey", "compare", "summary.json", "attempts.csv"]
FILTERS = [("until=9999-12-31", "until"), ("since=0001-01-01", "since"), ("version=²", "version")]


def test_report_filters_are_bounded(seeded: tuple[Any, str]) -> None:
    client, _secret = seeded
    for report in REPORTS:
        for query, field in FILTERS:
            response = client.get(f"/studies/shop/{report}?{query}", headers={"Accept": "application/json"})
            _refused(response, field)


@pytest.mark.parametrize("query", ["a=²", "b=²", "a=0", "b=1e3"])
def test_compare_version_numbers_are_ascii_digits(seeded: tuple[Any, str], query: str) -> None:
    """``"²".isdigit()`` is true in Python, so the compare page answered 500 for ``?a=²``."""
    client, _secret = seeded
    response = client.get(f"/studies/shop/compare?{query}", headers={"Accept": "application/json"})
    _refused(response, query[0])


def test_share_links_bound_their_filters_too(seeded: tuple[Any, str], any_app: Flask) -> None:
    _client, secret = seeded
    anonymous = any_app.test_client()
    _refused(
        anonymous.get(f"/share/{secret}?until=9999-12-31", headers={"Accept": "application/json"}), "until"
    )
    page = anonymous.get(f"/share/{secret}?until=9999-12-31")
    assert page.status_code == 400
    assert "until must be a date from 1970-01-01 to 2999-12-31" in page.get_data(as_text=True)
    assert anonymous.get(f"/share/{secret}?until=2999-12-31").status_code == 200


@pytest.mark.parametrize("bad", ["/studies\r\nSet-Cookie: x=1", "/studies\nX: y", "/studies\x00", "/\x7f"])
def test_sign_in_next_with_control_characters_is_refused(any_app: Flask, bad: str) -> None:
    with any_app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    client = any_app.test_client()
    _refused(client.get("/login", query_string={"next": bad}, headers={"Accept": "application/json"}), "next")
    posted = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "next": bad})
    assert posted.status_code == 400
    assert "Set-Cookie" not in posted.headers  # refused before signing in
    assert client.get("/studies").status_code == 302


HUGE_ID = "9" * 20  # beyond 64 bits: SQLite's driver raised OverflowError (a 500)
OVER_INTEGER = str(2**31)  # beyond PostgreSQL's integer: "integer out of range" (a 500)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/studies/shop/builds/{HUGE_ID}"),
        ("GET", f"/studies/shop/builds/{HUGE_ID}/compare"),
        ("POST", f"/studies/shop/probes/tokens/{HUGE_ID}/revoke"),
        ("POST", f"/studies/shop/shares/{HUGE_ID}/revoke"),
        ("GET", f"/s/shop/task/{HUGE_ID}"),
        ("GET", f"/studies/shop/builds/{OVER_INTEGER}"),
        ("GET", f"/s/shop/task/{OVER_INTEGER}"),
        ("GET", f"/studies/shop/builds/{2**31 - 1}"),  # the largest that fits: looked up, none
    ],
)
def test_ids_in_paths_beyond_the_database_integer_are_not_found(
    seeded: tuple[Any, str], method: str, path: str
) -> None:
    client, _secret = seeded
    response = client.open(path, method=method, headers={"Accept": "application/json"})
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    assert response.is_json

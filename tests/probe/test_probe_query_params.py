"""Probe pages' query parameters: a missing, repeated or meaningless one is a 400 naming it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.probe.test_builds import ACCOUNT, seeded


@pytest.fixture
def signed_in(app: Flask) -> tuple[FlaskClient, list[int]]:
    _, ids = seeded(app)
    client = app.test_client()
    assert client.post("/login", data=ACCOUNT).status_code == 302
    return client, ids


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/studies/helpdesk/probes/page", "path"),
        ("/studies/helpdesk/probes/page?path=", "path"),
        ("/studies/helpdesk/probes/page?path=/&path=/about", "path"),
        ("/studies/helpdesk/probes/page?path=/&branch=main&branch=feature", "branch"),
        ("/studies/helpdesk/builds?branch=main&branch=feature", "branch"),
        ("/studies/helpdesk/builds/{first}/compare?base={first}", "base"),
        ("/studies/helpdesk/builds/{third}/compare?base={first}&base={feature}", "base"),
    ],
    ids=[
        "no path",
        "empty path",
        "two paths",
        "two branches",
        "two branches (builds)",
        "base itself",
        "two bases",
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(
    signed_in: tuple[FlaskClient, list[int]], url: str, field: str
) -> None:
    client, (first, feature, third) = signed_in
    target = url.format(first=first, feature=feature, third=third)
    page = client.get(target)
    assert page.status_code == 400, target
    assert field in page.get_data(as_text=True)
    asked = client.get(target, headers={"Accept": "application/json"})
    assert asked.status_code == 400 and asked.get_json()["error"]["field"] == field

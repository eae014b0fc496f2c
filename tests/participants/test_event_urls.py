"""An event's URL is the page's absolute http(s) address, as the tracker sends it (``location.href``),
or its path on the site.

Before, any string the URL parser could read was stored: ``javascript:alert(1)``,
or ``data:text/html,<script>...`` became steps of the attempt's path, shown in reports and
exports as pages the participant visited.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.participants.test_events_api import HELPDESK, Participant, ev, page
from uxlab import scenarios
from uxlab.models import utcnow
from uxlab.web import preview

REFUSED = [
    ("javascript:alert(1)", "a javascript: URL"),
    ("data:text/html,<script>alert(1)</script>", "a data: URL"),
    ("x/y", "a URL without its scheme"),
    ("//127.0.0.1/demo/", "a URL without its scheme"),
    ("http:///demo/", "a URL without its host"),
    ("ftp://127.0.0.1/demo/", "a ftp: URL"),
    ("file:///etc/passwd", "a file: URL"),
]


@pytest.fixture
def study(any_app: Flask) -> Participant:
    return Participant(any_app)


@pytest.mark.parametrize(("url", "got"), REFUSED, ids=[case[0][:20] for case in REFUSED])
def test_an_event_url_that_is_not_absolute_http_is_a_400_and_the_batch_stores_nothing(
    study: Participant, url: str, got: str
) -> None:
    token = study.start("find-helpdesk")
    with study.app.app_context():  # the study editor's preview reads its batches the same way
        preview_token = preview.make_token(scenarios.load(HELPDESK), 1, "en", utcnow())
    for kind in ("pageview", "click"):
        for attempt in (token, preview_token):
            response = study.post(attempt, [page("/"), ev(kind, 1200, url=url)])
            assert response.status_code == 400, response.get_json()
            error = response.get_json()["error"]
            assert error["field"] == "events[1].url" and error["message"].endswith(got), error
    assert study.event_count() == 0
    assert study.attempt(token).path == []


def test_absolute_http_and_https_urls_are_stored(study: Participant) -> None:
    token = study.start("find-helpdesk")
    upper = ev("pageview", 1100, url="HTTP://localhost/demo/products")  # a scheme is case-blind
    response = study.post(token, [page("/"), upper, ev("click", 1200, url="https://localhost/demo/")])
    assert response.status_code == 200, response.get_json()
    assert study.attempt(token).path == ["/", "/products"]


def test_a_path_on_the_site_is_judged_as_the_page_it_names(study: Participant) -> None:
    """A client that sends the page's path, not its whole URL, is judged as before."""
    token = study.start("find-helpdesk")
    response = study.post(
        token, [ev("pageview", 900, url="/demo/"), ev("pageview", 1500, url="/demo/support/helpdesk")]
    )
    assert response.status_code == 200, response.get_json()
    attempt = study.attempt(token)
    assert attempt.path == ["/", "/support/helpdesk"] and attempt.outcome == "success"

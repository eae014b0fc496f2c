"""No "The task did not open" while the first page view may be on its way (participant audit t15).

On a slow network the task bar showed, its first page view was held in transit, and the
participant came back to the study 1.5 s after Start: the page said the task did not open
(no event stored yet); once the page view landed, "Skip this task" did nothing. The page
now waits CLOCK_TOLERANCE_S (5 s by default) after Start before it says so, and shows the
running task with its time left until then. SQLite and PostgreSQL, through the pages.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlmodel import select

from tests.participants.test_deadlines import only_attempt, started_ago
from tests.participants.test_events_api import HELPDESK
from uxlab import studies
from uxlab.db import get_session
from uxlab.models import Attempt

DID_NOT_OPEN = "The task did not open. Try again, or skip this task."
RUNNING = "You have already started this task. Continue where you left off."


def _started(app: Flask) -> tuple[Any, str]:
    """A participant who pressed Start on task 1 (no event from the site yet); their client and token."""
    with app.app_context():
        studies.load_scenario_file(get_session(), HELPDESK)
    client = app.test_client()
    assert client.post("/s/helpdesk").location == "/s/helpdesk/task/1"
    assert client.post("/s/helpdesk/task/1").status_code == 303
    with app.app_context():
        return client, get_session().exec(select(Attempt)).one().token


def test_back_before_the_first_page_view_landed_shows_the_running_task(any_app: Flask) -> None:
    client, _ = _started(any_app)
    started_ago(any_app, 1.5)
    page = client.get("/s/helpdesk/task/1").text
    assert DID_NOT_OPEN not in page and RUNNING in page and 'id="time-left"' in page
    # Skip pressed now does not end a task that may have opened.
    assert client.post("/s/helpdesk/task/1/skip").location == "/s/helpdesk/task/1"
    assert (only_attempt(any_app).ended_at, only_attempt(any_app).did_not_open) == (None, False)
    # Past the allowance with still no event: the task did not open, and Skip ends it as such.
    started_ago(any_app, 6)
    assert DID_NOT_OPEN in client.get("/s/helpdesk/task/1").text
    assert client.post("/s/helpdesk/task/1/skip").location == "/s/helpdesk/task/2"
    attempt = only_attempt(any_app)
    assert (attempt.outcome, attempt.did_not_open) == ("give_up", True)


def test_a_page_view_landing_after_the_notice_makes_skip_show_the_running_task(any_app: Flask) -> None:
    client, token = _started(any_app)
    started_ago(any_app, 8)
    assert DID_NOT_OPEN in client.get("/s/helpdesk/task/1").text
    event = {"id": "v1", "type": "pageview", "t": 900, "url": "http://localhost/demo/"}
    assert client.post("/api/v1/events", json={"token": token, "events": [event]}).status_code == 200
    skipped = client.post("/s/helpdesk/task/1/skip", follow_redirects=True)
    assert skipped.request.path == "/s/helpdesk/task/1"
    assert RUNNING in skipped.text and 'id="time-left"' in skipped.text
    assert only_attempt(any_app).ended_at is None

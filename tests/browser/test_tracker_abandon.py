"""Participants close their tabs mid-task; the server's sweep ends every attempt (issue 11, point 4).

Must-show 3: a study whose participants all close their tabs mid-task shows every attempt
ended, abandonment counted, with no browser open. The server runs as in production
(``TESTING`` off), so its own sweep loop (uxlab/participants/sweep.py, ``init_app``) starts
at its first request; nothing else touches the attempts until they have ended.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.browser.participant_script import DESKTOP, Participant, load_study
from tests.browser.test_studio_browser import EMAIL, PASSWORD, sign_in
from tests.conftest import LiveServer, make_test_app
from uxlab import auth
from uxlab.db import get_session
from uxlab.models import Attempt

pytestmark = pytest.mark.browser
PEOPLE = 3
LIMIT_S = 5.0  # the shortest limit a scenario accepts
SWEEP_S = 0.5
WAIT_S = 30.0  # polling bound only: the deadline is LIMIT_S + 1 s after Start; no timing assert


@pytest.fixture
def swept_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A live server as in production: its sweep loop runs every SWEEP_S; tolerance 1 s.

    SQLite here; the same loop on PostgreSQL: tests/participants/test_sweep.py.
    """
    app = make_test_app(
        tmp_path, TESTING=False, WTF_CSRF_ENABLED=True, SWEEP_INTERVAL_S=SWEEP_S, CLOCK_TOLERANCE_S=1.0
    )
    with LiveServer(app) as server:
        app.config["PUBLIC_URL"] = server.url
        yield server
    if (stop := app.extensions.get("uxlab.sweeper")) is not None:
        stop.set()
    app.extensions["uxlab.engine"].dispose()


def _support_view_stored(response: Any) -> bool:
    body = response.request.post_data or ""
    sent_the_view = '"pageview"' in body and "/demo/support" in body
    return "/api/v1/events" in response.url and response.ok and sent_the_view


def attempts_of(app: Any) -> list[Attempt]:
    with app.app_context():
        return list(get_session().exec(select(Attempt)).all())


def test_tabs_closed_mid_task_end_as_abandoned_and_the_dashboard_counts_them(
    swept_server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    """Guards the sweep (point 4): fails without it, the attempts stay "in progress" for ever."""
    app = swept_server.app
    slug = load_study(app, tmp_path, tasks=["find-helpdesk"], time_limits_s={"find-helpdesk": LIMIT_S})
    tabs = []
    for _ in range(PEOPLE):
        context = browser.new_context(**DESKTOP)
        tabs.append(context)
        person = Participant(context.new_page(), swept_server.url, slug)
        person.consent()
        person.start()
        with person.page.expect_response(_support_view_stored):
            person.follow("nav a[href$='/support']")  # on the way, then the tab is closed
        context.close()
        assert attempts_of(app)[-1].ended_at is None  # closed mid-task
    assert not set(tabs) & set(browser.contexts)  # none of their tabs is open from here on
    started = time.monotonic()
    while time.monotonic() - started < WAIT_S and any(a.ended_at is None for a in attempts_of(app)):
        time.sleep(0.2)  # polling until the server's loop has run: no assertion on how long it took
    ended = attempts_of(app)
    outcomes = [(a.outcome, a.abandoned, a.time_on_task_s) for a in ended]
    assert outcomes == [("timeout", True, LIMIT_S)] * PEOPLE
    assert [a.path for a in ended] == [["/", "/support"]] * PEOPLE  # their events up to the close are kept

    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    researcher = browser.new_context(**DESKTOP)  # the researcher looks, once all have ended
    page = researcher.new_page()
    sign_in(page, swept_server.url)
    page.goto(f"{swept_server.url}/studies/{slug}/summary")
    table = page.content().split('id="h-abandonment"')[1].split("</table>")[0]
    researcher.close()
    row = table.split('<th scope="row">find-helpdesk</th>')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split("<td>")[1:]]
    # ended, abandoned, abandoned share, reached it, dropped off here, still running
    assert cells == ["3", "3", "100%", "3", "3 (100%)", "0"]

"""A success click and the next page's view race to the server; nobody is stranded (issue 11, point 3).

The task ``open-ticket`` succeeds on a click on ``#open-ticket``, a link: the click leaves
the old page (a keepalive fetch and the pagehide beacon) while the new page's tracker sends
its view together with the click, still queued in the tab's sessionStorage. Before the
attempt lock (uxlab/participants/attempt_lock.py) a request could read the attempt as
running, and, once the click's request had ended it and committed, see the click as stored
and judge its own page view against the stale "running": it answered "not ended" and the
tab kept its task bar (2 of 15 trials by hand).

On an idle test machine that window is a few microseconds wide and never hit, so the test
widens it as a loaded database would: a hook on the engine (SQLAlchemy's
``before_cursor_execute``, a seam of the database library, not of uxlab) makes every events
request's look-up of its stored event ids take ``SLOW_READ_S``. Without the lock the next
page's request then reads "running" before the click's request commits and decides after;
with it, the second request waits for the first's commit and reads "ended".
Each trial is one participant; stranded = not handed to the task's SEQ page, or the bar
still shown. The forced two-request interleaving is tests/participants/test_attempt_lock.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from tests.browser.test_tracker import open_task
from tests.conftest import LiveServer, make_test_app
from tests.participants.test_events_api import Participant, ev

pytestmark = pytest.mark.browser
TRIALS = 30
HAND_BACK_MS = 10_000  # a stranded tab never gets there; a handed-back one within a second or so
ENOUGH_STRANDED = 3  # then the verdict is clear: stop early rather than wait out every trial
SLOW_READ_S = 0.15  # a loaded database: each events request's read of its stored ids takes this long


def _slow_stored_ids_read(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """Before the events API reads which ids an attempt has stored, wait (a slow database)."""
    if statement.lstrip().upper().startswith("SELECT") and "client_id" in statement:
        time.sleep(SLOW_READ_S)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def race_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    app: Flask = make_test_app(tmp_path, url, WTF_CSRF_ENABLED=True)
    engine = app.extensions["uxlab.engine"]
    event.listen(engine, "before_cursor_execute", _slow_stored_ids_read)
    with LiveServer(app) as server:
        app.config["PUBLIC_URL"] = server.url
        yield server
    event.remove(engine, "before_cursor_execute", _slow_stored_ids_read)
    app.extensions["uxlab.engine"].dispose()


def test_success_click_with_a_concurrent_page_view_never_strands(race_server: Any, page: Any) -> None:
    """Guards the attempt lock (point 3): every answer after the end says "ended"; fails without it."""
    stranded: list[tuple[int, str, str | None]] = []
    for trial in range(TRIALS):
        participant = Participant(race_server.app)  # a fresh session: one attempt per trial
        token = participant.start("open-ticket")
        open_task(page, race_server, token, "/demo/support/helpdesk")
        try:
            with page.expect_request(lambda r: r.url.endswith("/seq"), timeout=HAND_BACK_MS):
                page.locator("#open-ticket").click()
        except Exception:  # Playwright's TimeoutError: the participant stayed on the site
            stranded.append((trial, page.url, participant.attempt(token).outcome))
            if len(stranded) == ENOUGH_STRANDED:
                break
            continue
        page.wait_for_url(lambda url: "/demo" not in url)  # the SEQ page (this test's browser has no session)
        assert participant.attempt(token).outcome == "success"
    assert stranded == [], f"{len(stranded)} stranded (trial, url, stored outcome) in {trial + 1} trials"


def test_an_end_stored_after_this_page_s_view_was_answered_still_hands_back(
    live_server: Any, page: Any
) -> None:
    """The other order (point 3): the new page's view is answered "not ended" first, and only
    then does a request still under way from the page before (a keepalive click arriving late)
    end the attempt. Its answer reaches no page, so the new page asks for the state once,
    2 s after it starts (tracker.js ``start``). Here the test sends that late click through
    the events API itself, and holds the tab's state request back until the click is stored,
    so the order is forced on any machine. Fails without the tracker's second look: the tab
    keeps its task bar and never opens the SEQ page.
    """
    participant = Participant(live_server.app)
    token = participant.start("open-ticket")
    open_task(page, live_server, token, "/demo/support/helpdesk")
    held: list[Any] = []
    page.route("**/api/v1/attempts/*", lambda route: held.append(route))
    with page.expect_navigation():
        page.locator("nav a[href$='/support']").click()  # not the success link
    deadline = time.monotonic() + HAND_BACK_MS / 1000
    while participant.attempt(token).path[-1:] != ["/support"]:  # the new page's view is stored
        assert time.monotonic() < deadline, "the new page's view never arrived"
        time.sleep(0.05)
    assert participant.attempt(token).outcome is None
    late_click = ev(
        "click", 1500, url=f"{live_server.url}/demo/support/helpdesk", tag="A", selectors=["#open-ticket"]
    )
    assert participant.post(token, [late_click], origin=None).get_json()["ended"] is True
    deadline = time.monotonic() + HAND_BACK_MS / 1000
    while not held:  # the tab's state request, if it makes one, waits in the route
        assert time.monotonic() < deadline, "stranded: the tab never asked for the attempt's state"
        page.wait_for_timeout(100)
    with page.expect_request(lambda r: r.url.endswith("/seq"), timeout=HAND_BACK_MS):
        for route in held:
            route.continue_()
    assert participant.attempt(token).outcome == "success"


def test_a_hand_back_lost_to_a_navigation_already_under_way_still_hands_back(
    live_server: Any, page: Any
) -> None:
    """The success click's answer can reach the old page while the link's own navigation is
    already committing; the old page's move to the SEQ page is then dropped and the link's
    page opens instead (1 of 1578 tests in a CI run). The tab keeps the way onward, and that
    page's tracker follows it (the page's navigation began before the end, or here by 2 s
    after). Here the SEQ page's first request is aborted, so the
    hand-back is lost on any machine (the link's page too, so that the old page gets the end),
    and the page that opens instead is loaded by the test.
    Fails without it (the tab forgot the study when it ended): that page shows the site and
    nothing more. Back to a site page afterwards stays there, and a way onward stored more than
    2 s before the page's own navigation began is dropped, so a tab that ended a task earlier
    is never pulled back into the study.
    """
    participant = Participant(live_server.app)
    token = participant.start("open-ticket")
    open_task(page, live_server, token, "/demo/support/helpdesk")
    lost: dict[str, list[str]] = {"SEQ page": [], "link's page": []}

    def lose_first(kind: str) -> Any:
        def handle(route: Any) -> None:
            if lost[kind]:
                route.continue_()
            else:
                lost[kind].append(route.request.url)
                route.abort("aborted")

        return handle

    # Both moves are refused once, so the old page stays and receives "ended" whatever the
    # machine's timing (otherwise the link's page could open first and hand back itself).
    page.route("**/s/helpdesk/task/2/seq", lose_first("SEQ page"))
    page.route("**/demo/support/helpdesk/new-ticket", lose_first("link's page"))
    page.locator("#open-ticket").click()
    deadline = time.monotonic() + HAND_BACK_MS / 1000
    while not all(lost.values()):
        assert time.monotonic() < deadline, f"not refused yet: {[k for k, v in lost.items() if not v]}"
        page.wait_for_timeout(50)
    # At once: the real page that opens instead began its navigation before the end.
    with page.expect_request(lambda r: r.url.endswith("/seq"), timeout=HAND_BACK_MS):
        page.goto(f"{live_server.url}/demo/support/helpdesk/new-ticket")
    assert participant.attempt(token).outcome == "success"
    page.wait_for_url(lambda url: "/demo" not in url)
    page.go_back(wait_until="commit")  # to a site page (the one that sent the tab on was replaced)
    page.wait_for_url("**/demo/**", wait_until="commit")
    stays_on_the_site(page, "/demo/")  # restored from the page cache (no load event) or loaded afresh
    stale = "JSON.stringify({next: location.origin + '/s/helpdesk/task/2/seq', at: Date.now() - 60000})"
    page.evaluate(f"sessionStorage.setItem('uxlab', {stale})")
    page.goto(f"{live_server.url}/demo/products")
    stays_on_the_site(page, "/demo/products")


def test_a_site_page_opened_after_the_hand_back_stays_on_the_site(live_server: Any, page: Any) -> None:
    """After a task ends and the tab reaches the SEQ page, a site page opened a few seconds
    later (as a panel's return address on the site is, after the study) is not sent back into
    the study. With a 30 s limit it was: the page went on to the SEQ page and from there to
    wherever the participant stood (a CI run of the panel test: "interrupted by another
    navigation to .../thanks")."""
    participant = Participant(live_server.app)
    token = participant.start("open-ticket")
    open_task(page, live_server, token, "/demo/support/helpdesk")
    with page.expect_request(lambda r: r.url.endswith("/seq"), timeout=HAND_BACK_MS):
        page.locator("#open-ticket").click()
    page.wait_for_url(lambda url: "/demo" not in url)  # handed back (this browser holds no session)
    assert participant.attempt(token).outcome == "success"
    page.wait_for_timeout(2500)  # longer than the 2 s a lost hand-back's page may take to begin
    page.goto(f"{live_server.url}/demo/products")
    stays_on_the_site(page, "/demo/products")


def stays_on_the_site(page: Any, path: str) -> None:
    """The tracker drops the stored way onward (a bounce away would fail the wait) and the tab stays."""
    page.wait_for_function("sessionStorage.getItem('uxlab') === null", timeout=HAND_BACK_MS)
    page.wait_for_timeout(500)  # a move to the SEQ page would have begun by now
    assert path in page.url and "/s/" not in page.url, page.url

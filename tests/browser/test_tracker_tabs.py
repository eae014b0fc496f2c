"""Back, new tabs, offline links and the task bar's clock, in Chromium with the back/forward cache on.

Issue 11, point 6: Back from the site showed the task page with "Start" (restored from the
back/forward cache) while the attempt ran; a link opened in a new tab had no task bar; an
offline link click left the participant on the browser's error page. And the task bar now
says which task of how many and how much time is left (a quiet countdown).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.participant_script import DESKTOP, HELPDESK, Participant, load_study
from tests.browser.test_tracker import open_task
from tests.participants.test_events_api import Participant as ApiParticipant

pytestmark = pytest.mark.browser


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A desktop tab of the test Chromium, whose back/forward cache is on (tests/conftest.py)."""
    context = browser.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


class PageCacheWatch:
    """What the back/forward cache did with each page shown in ``tab``: restored, or why not."""

    def __init__(self, tab: Any) -> None:
        self.shown: list[tuple[str, bool]] = []  # (path, came from the page cache)
        self.not_restored: list[str] = []  # Chromium's reasons, when Back could not use the cache
        tab.expose_function("uxlabTestShown", lambda path, persisted: self.shown.append((path, persisted)))
        tab.add_init_script(
            "addEventListener('pageshow', function (e) {"
            " window.uxlabTestShown(location.pathname, e.persisted); });"
        )
        cdp = tab.context.new_cdp_session(tab)
        cdp.send("Page.enable")
        cdp.on("Page.backForwardCacheNotUsed", self._not_used)

    def _not_used(self, params: dict[str, Any]) -> None:
        self.not_restored += [r["reason"] for r in params.get("notRestoredExplanations", [])]


def test_back_from_the_site_shows_the_running_task_and_its_time_left(
    live_server: Any, tab: Any, tmp_path: Path
) -> None:
    """Guards point 6 (Back): study pages are no-store and reload when the page cache restores one.

    Fails without them, and without the reload alone (no-store does not keep Chromium 156 from
    caching the page): Chromium restores the task page with "Start" from before the task began.
    The page cache was really in play: Back either restored the page from it (``persisted``,
    then the layout's check reloaded it) or did not keep it because it is no-store; never
    "disabled" (Playwright's default, under which this test passed without the fix).
    """
    slug = load_study(live_server.app, tmp_path)
    watch = PageCacheWatch(tab)
    person = Participant(tab, live_server.url, slug)
    person.consent()
    start_page = tab.url
    assert tab.get_by_role("button", name="Start").is_visible()
    person.start()
    tab.go_back(wait_until="commit")  # a page from the cache fires no load event
    tab.wait_for_url(start_page, wait_until="commit")
    tab.get_by_role("button", name="Continue the task").wait_for(timeout=10_000)  # not the cached "Start"
    assert tab.get_by_role("button", name="Start").count() == 0
    assert re.search(r"Time left: \d+", tab.locator("#time-left").inner_text())
    task_path = urlsplit(start_page).path
    restored = (task_path, True) in watch.shown
    refused_as_no_store = "MainResourceHasCacheControlNoStore" in watch.not_restored
    assert restored or refused_as_no_store, (watch.shown, watch.not_restored)
    assert not any(reason.startswith("BackForwardCacheDisabled") for reason in watch.not_restored)
    # no-store as well, for other caches; Chromium 156 keeps no-store pages in its page cache
    # too (seen here: the task page came back ``persisted``), so the pageshow reload is what counts
    assert tab.request.get(start_page).headers["cache-control"] == "no-store"


def test_task_bar_says_which_task_and_counts_down_quietly(live_server: Any, tab: Any) -> None:
    """Guards the task bar's "Task n of m" and its quiet countdown (hidden from screen readers)."""
    study = ApiParticipant(live_server.app)
    token = study.start("find-helpdesk")
    with live_server.app.app_context(), study.db() as db:
        from uxlab.models import ParticipantSession

        session = db.get(ParticipantSession, study.session_id)
        assert session is not None
        order = list(session.task_order)
    open_task(tab, live_server, token)
    expected = f"Task {order.index('find-helpdesk') + 1} of {len(order)}:"
    assert tab.locator("#uxlab-task").inner_text() == expected
    clock = tab.locator("#uxlab-time")
    assert clock.get_attribute("aria-hidden") == "true"  # never read out on each tick
    assert re.fullmatch(r"[23]:\d\d", clock.inner_text())  # 180 s limit, just started
    assert tab.locator("#uxlab-status").inner_text() == ""  # nothing announced yet


def test_a_link_opened_in_a_new_tab_carries_the_task(live_server: Any, tab: Any) -> None:
    """Guards point 6 (new tab): the tracker adds the task to a link opened in a new tab
    (``carry`` in tracker.js). Fails without it: the new tab has no task bar."""
    study = ApiParticipant(live_server.app)
    token = study.start("find-helpdesk")
    open_task(tab, live_server, token)
    with tab.context.expect_page() as opened:
        tab.locator("nav a[href$='/support']").click(modifiers=["Control"])
    other = opened.value
    other.locator("#uxlab-prompt").wait_for()  # the task bar, in the new tab too
    assert "uxlab=" not in other.url  # the token leaves the address bar at once
    with other.expect_request(lambda r: r.url.endswith("/s/helpdesk/task/1/seq") or "/seq" in r.url):
        other.locator("#customer-portal-link").click()
        other.wait_for_load_state()
        other.locator("#helpdesk-link").click()
    attempt = study.attempt(token)
    assert attempt.outcome == "success"
    assert attempt.path[:2] == ["/", "/support"]  # the new tab's page views joined the attempt


def test_an_offline_link_click_waits_for_the_connection(live_server: Any, tab: Any) -> None:
    """Guards point 6 (offline link): the tracker holds a link clicked offline until the
    connection is back. Fails without it: the tab shows the browser's error page."""
    study = ApiParticipant(live_server.app)
    token = study.start("find-helpdesk")
    open_task(tab, live_server, token)
    here = tab.url
    tab.context.set_offline(True)
    tab.locator("nav a[href$='/support']").click()
    status = tab.locator("#uxlab-status")
    status.filter(has_text="No connection. The link opens when you are back online.").wait_for()
    assert tab.url == here  # still on the site with its task bar, not on the browser's error page
    tab.context.set_offline(False)
    tab.wait_for_url(re.compile(r"/demo/support$"))
    tab.locator("#uxlab-prompt").wait_for()


def broken_study(app: Any, tmp_path: Path) -> str:
    """The demo study with its first task starting at a page the site does not have (a 404, no snippet)."""
    import yaml

    from uxlab import studies
    from uxlab.db import get_session

    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    data.update(slug="broken", randomize_tasks=False)
    data["tasks"] = [t for t in data["tasks"] if t["id"] in ("find-helpdesk", "open-ticket")]
    data["tasks"][0]["start"] = "/no-such-page"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with app.app_context():
        studies.load_scenario_file(get_session(), path)
    # The task page waits CLOCK_TOLERANCE_S after Start for a first page view still on its way
    # (uxlab/participants/task_open.py); Back from the 404 comes sooner than that here.
    app.config["CLOCK_TOLERANCE_S"] = 0.0
    return "broken"


def stored_attempt(app: Any) -> Any:
    from sqlmodel import select

    from uxlab.db import get_session
    from uxlab.models import Attempt

    with app.app_context():
        (attempt,) = get_session().exec(select(Attempt)).all()
        return attempt


def test_a_task_that_did_not_open_can_be_tried_again(live_server: Any, tab: Any, tmp_path: Path) -> None:
    """Guards point 5 (a start page that fails): Back to the study offers "try again / skip".

    Fails without it: the task page offers "Continue the task", which opens the same 404.
    """
    person = Participant(tab, live_server.url, broken_study(live_server.app, tmp_path))
    person.consent()
    tab.get_by_role("button", name="Start").click()
    tab.wait_for_url(re.compile(r"/demo/no-such-page(#.*)?$"))
    assert tab.locator("#uxlab-taskbar").count() == 0
    tab.go_back()
    tab.get_by_text("The task did not open. Try again, or skip this task.").wait_for()
    tab.get_by_role("button", name="Try again").click()  # the same attempt's start page again
    tab.wait_for_url(re.compile(r"/demo/no-such-page(#.*)?$"))
    attempt = stored_attempt(live_server.app)
    assert attempt.ended_at is None and attempt.did_not_open is False


def test_skipping_a_task_that_did_not_open_records_it_as_such(
    live_server: Any, tab: Any, tmp_path: Path
) -> None:
    """Guards point 5: a task skipped because it did not open is recorded as such, with no SEQ."""
    slug = broken_study(live_server.app, tmp_path)
    person = Participant(tab, live_server.url, slug)
    person.consent()
    tab.get_by_role("button", name="Start").click()
    tab.wait_for_url(re.compile(r"/demo/no-such-page(#.*)?$"))
    tab.go_back()
    tab.get_by_role("button", name="Skip this task").click()
    tab.wait_for_url(f"**/s/{slug}/task/2")  # straight to the next task: nothing to rate
    attempt = stored_attempt(live_server.app)
    assert (attempt.outcome, attempt.did_not_open, attempt.abandoned) == ("give_up", True, False)

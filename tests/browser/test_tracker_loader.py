"""The inline loader (uxlab/participants/snippet.py) in real Chromium on the demo site.

Normal visitors: nothing before the load event, no request, nothing sent. A study in
progress: a later page gets tracker.js after load, and clicks made before tracker.js ran
are recorded with their own times, also when the page was left before it ran.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from tests.browser.test_tracker import follow, open_task
from tests.participants.test_events_api import Participant
from uxlab.models import Event

pytestmark = pytest.mark.browser

# Note every sessionStorage access (the loader's only cost) with the document's state at the time.
WATCH_STORAGE = """
const own = Object.getOwnPropertyDescriptor(window, "sessionStorage");
window.storageReads = [];
Object.defineProperty(window, "sessionStorage", {configurable: true, get() {
  window.storageReads.push({at: performance.now(), state: document.readyState});
  return own.get.call(window);
}});
"""
SETTLE = "() => new Promise(r => setTimeout(r, 300))"
LOAD_END = "performance.getEntriesByType('navigation')[0].loadEventEnd"
TRACKER_REQUESTED = "performance.getEntriesByType('resource').find(e => /tracker/.test(e.name)).startTime"
ACKNOWLEDGED = "() => { const s = JSON.parse(sessionStorage.getItem('uxlab')); return s && !s.q.length; }"


@pytest.fixture
def study(live_server: Any) -> Participant:
    return Participant(live_server.app)


class Held:
    """Hold back the next request for tracker.js until ``release()`` (what a slow network does)."""

    def __init__(self, page: Any) -> None:
        self.route: Any = None
        page.route("**/static/tracker.js", self._handle)

    def _handle(self, route: Any) -> None:
        if self.route is None:
            self.route = route
        else:
            route.continue_()

    def wait(self, page: Any) -> None:
        for _ in range(100):
            if self.route is not None:
                return
            page.wait_for_timeout(50)
        pytest.fail("tracker.js was never requested")

    def release(self) -> None:
        self.route.continue_()


def events(study: Participant, token: str) -> list[Event]:
    attempt = study.attempt(token)
    with study.app.app_context(), study.db() as db:
        query = select(Event).where(Event.attempt_id == attempt.id).order_by(col(Event.client_ms))
        return list(db.exec(query).all())


def wait_acknowledged(page: Any) -> None:
    """Wait until the tracker's queue is empty (every event stored)."""
    page.wait_for_function(ACKNOWLEDGED)


def test_normal_visitor_no_request_nothing_before_load(live_server: Any, page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(WATCH_STORAGE)
    page.goto(f"{live_server.url}/demo/")
    page.evaluate(SETTLE)
    page.locator("h1").click()  # a click after load: the loader no longer listens
    page.evaluate(SETTLE)
    assert not [url for url in requests if "tracker.js" in url or "/api/" in url]
    assert page.locator("script[src*='tracker.js']").count() == 0
    assert page.evaluate("window.uxlab_q") is None
    reads = page.evaluate("window.storageReads")
    load_end = page.evaluate(LOAD_END)
    assert len(reads) == 1 and reads[0]["at"] >= load_end > 0, (reads, load_end)  # once, after load
    assert page.evaluate("sessionStorage.length") == 0  # nothing written


def test_later_page_gets_the_tracker_after_load(study: Participant, live_server: Any, page: Any) -> None:
    token = study.start("find-helpdesk")
    open_task(page, live_server, token)  # the task's first page: tracker.js at once, before load
    first = page.evaluate(TRACKER_REQUESTED)
    assert first < page.evaluate(LOAD_END)
    follow(page, "nav a[href$='/support']")
    page.locator("#uxlab-prompt").wait_for()
    later = page.evaluate(TRACKER_REQUESTED)
    assert later >= page.evaluate(LOAD_END)
    wait_acknowledged(page)
    assert study.attempt(token).path == ["/", "/support"]


def _on_support_with_tracker_held(study: Participant, live_server: Any, page: Any) -> tuple[str, Held]:
    """Start a task, then follow a link to /support while that page's tracker.js is held back."""
    token = study.start("find-helpdesk")
    open_task(page, live_server, token)
    held = Held(page)
    follow(page, "nav a[href$='/support']")  # load does not wait for the held tracker.js
    held.wait(page)
    return token, held


def test_click_before_the_tracker_ran_is_recorded_with_its_time(
    study: Participant, live_server: Any, page: Any
) -> None:
    token, held = _on_support_with_tracker_held(study, live_server, page)
    page.locator("h1").click()
    clicked_at = page.evaluate("performance.timeOrigin + performance.now()")
    page.wait_for_timeout(300)
    held.release()
    page.locator("#uxlab-prompt").wait_for()
    wait_acknowledged(page)
    stored = events(study, token)
    got = [(e.kind, e.url.rsplit("/demo", 1)[1], e.data.get("tag")) for e in stored]
    assert got == [
        ("pageview", "/", None),
        ("click", "/", "A"),
        ("pageview", "/support", None),
        ("click", "/support", "H1"),  # made while tracker.js was held back
    ]
    click = stored[-1]
    assert click.data["text"] == page.locator("h1").inner_text()
    # client_ms counts from Start (t0, on this tab's clock): the click's own time, not the
    # moment tracker.js ran 300 ms later
    t0 = page.evaluate("JSON.parse(sessionStorage.getItem('uxlab')).t0")
    assert click.client_ms is not None and abs(t0 + click.client_ms - clicked_at) < 150


def test_page_left_before_the_tracker_ran_keeps_its_page_view_and_click(
    study: Participant, live_server: Any, page: Any
) -> None:
    token, _held = _on_support_with_tracker_held(study, live_server, page)
    follow(page, "#customer-portal-link")  # leaves /support while its tracker.js is held back
    page.locator("#uxlab-prompt").wait_for()
    wait_acknowledged(page)
    attempt = study.attempt(token)
    assert attempt.path == ["/", "/support", "/support/portal"]
    assert attempt.click_count == 2
    kinds = [(e.kind, e.url.rsplit("/demo", 1)[1]) for e in events(study, token)]
    assert kinds == [
        ("pageview", "/"),
        ("click", "/"),
        ("pageview", "/support"),
        ("click", "/support"),  # noted by the loader: its time, no element details
        ("pageview", "/support/portal"),
    ]

"""The task bar's countdown on each page: the server's time left, this page's clock (participant audit).

Finding 2: the countdown ran from a Start time kept from the task's first page, on the page's
wall-clock-derived clock (``performance.timeOrigin``); a device clock set between two pages
made it hit 0 at once and send ``timeout``, or show more time than the limit. Finding 3: a
task of exactly a minute announced "One minute left." as it started, and again on each page
shown at 1:00. Finding 4: the countdown hid while the answer field was open.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.participant_script import DESKTOP
from tests.browser.test_tracker import open_task
from tests.participants.test_events_api import Participant

pytestmark = pytest.mark.browser
CLOCK_SET_S = 600  # the device's clock is set this far between the task's first and second page

# From the second page of the tab on, the page's clock reads CLOCK_SET_S more (or less), as
# when the system clock is corrected and the next page's timeOrigin follows it.
CLOCK_SET_AFTER_FIRST_PAGE = """(() => {
  if (!sessionStorage.getItem('test-first-page')) { sessionStorage.setItem('test-first-page', '1'); return; }
  const origin = performance.timeOrigin + %d, now = Date.now.bind(Date), shift = %d;
  Object.defineProperty(Performance.prototype, 'timeOrigin', { get() { return origin; } });
  Date.now = () => now() + shift;
})();"""


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


def seconds_left(tab: Any) -> int:
    clock = tab.locator("#uxlab-time").filter(has_text=re.compile(r"^\d+:\d\d$"))
    minutes, seconds = clock.inner_text(timeout=5000).split(":")
    return int(minutes) * 60 + int(seconds)


@pytest.mark.parametrize("shift_s", [CLOCK_SET_S, -CLOCK_SET_S])
def test_a_clock_set_between_two_pages_moves_neither_the_countdown_nor_the_timeout(
    live_server: Any, tab: Any, shift_s: int
) -> None:
    """Fails before the fix: +10 min times the task out on the second page, -10 min shows 12:5x left."""
    study = Participant(live_server.app)
    token = study.start("find-helpdesk")  # 180 s
    shift_ms = shift_s * 1000
    tab.add_init_script(CLOCK_SET_AFTER_FIRST_PAGE % (shift_ms, shift_ms))
    open_task(tab, live_server, token)
    assert 170 <= seconds_left(tab) <= 180
    with tab.expect_navigation():
        tab.locator("nav a[href$='/support']").click()
    tab.locator("#uxlab-prompt").wait_for()
    page_clock_ms = tab.evaluate("performance.timeOrigin + performance.now()")
    assert page_clock_ms - time.time() * 1000 == pytest.approx(shift_ms, abs=2000)  # really set
    tab.wait_for_timeout(2500)  # the bar's state check, and a few ticks
    assert 165 <= seconds_left(tab) <= 180
    attempt = study.attempt(token)
    assert attempt.ended_at is None and attempt.path == ["/", "/support"]


MINUTE_TASKS = """
slug: minute
title: One-minute tasks
consent: ok
site: {base_url: /demo}
tasks:
  - {id: one-minute, prompt: Look around., stage: retention, success: self_report, time_limit_s: 60}
  - {id: just-over, prompt: Look around more., stage: retention, success: self_report, time_limit_s: 62}
  - {id: two-minutes, prompt: Find the hotline., stage: retention, time_limit_s: 120,
     success: {answer: {question: What is the hotline's number?, accepted: ["+1 555 0100"]}}}
"""
ONE_MINUTE_LEFT = "One minute left."


def status(tab: Any) -> str:
    return str(tab.locator("#uxlab-status").inner_text())


def test_a_one_minute_task_never_announces_one_minute_left(live_server: Any, tab: Any) -> None:
    """Finding 3: fails before the fix, which announced it at Start (and after a reload at 1:00)."""
    study = Participant(live_server.app, MINUTE_TASKS)
    open_task(tab, live_server, study.start("one-minute"))
    assert 55 <= seconds_left(tab) <= 60
    tab.wait_for_timeout(1500)
    assert status(tab) == ""
    tab.reload()
    tab.locator("#uxlab-prompt").wait_for()
    assert seconds_left(tab) <= 60
    tab.wait_for_timeout(1500)
    assert status(tab) == ""


def test_one_minute_left_is_heard_once_per_attempt(live_server: Any, tab: Any) -> None:
    """The time left passes one minute: said once, not again on the next page (the state keeps it)."""
    study = Participant(live_server.app, MINUTE_TASKS)
    open_task(tab, live_server, study.start("just-over"))
    tab.locator("#uxlab-status").filter(has_text=ONE_MINUTE_LEFT).wait_for(timeout=6000)
    assert seconds_left(tab) <= 60
    with tab.expect_navigation():
        tab.locator("nav a[href$='/support']").click()
    tab.locator("#uxlab-prompt").wait_for()
    assert 55 <= seconds_left(tab) <= 60
    tab.wait_for_timeout(1500)
    assert status(tab) == ""


def test_the_time_left_stays_in_sight_while_answering(live_server: Any, tab: Any) -> None:
    """Finding 4: fails before the fix, where the countdown hid with Done and Give up."""
    study = Participant(live_server.app, MINUTE_TASKS)
    open_task(tab, live_server, study.start("two-minutes"))
    tab.locator("#uxlab-done").click()
    tab.locator("#uxlab-answer").wait_for()
    assert tab.locator("#uxlab-time").is_visible()
    assert 100 <= seconds_left(tab) <= 120
    tab.locator("#uxlab-cancel").click()
    assert tab.locator("#uxlab-done").is_visible() and tab.locator("#uxlab-time").is_visible()

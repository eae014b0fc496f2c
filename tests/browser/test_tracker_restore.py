"""Back into a page of an earlier task, restored from the back/forward cache while a later task runs.

Participant audit, finding 1: the restored page revived the earlier task's bar on the
running attempt's token (its prompt, its Done, its countdown with its own 10 s limit
against the later task's Start) and at 10 s sent ``timeout`` for the later task. The
restored page now shows the bar of the attempt running now, as a fresh load would.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.participant_script import DESKTOP, Participant, load_study, stored_attempts
from tests.browser.test_tracker_tabs import PageCacheWatch

pytestmark = pytest.mark.browser

FIRST_LIMIT_S = 10  # find-hotline (an answer task), short: its bar would time out soon after
SECOND_LIMIT_S = 300  # router-warranty (Done is a success), long


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A desktop tab of the test Chromium, whose back/forward cache is on (tests/conftest.py)."""
    context = browser.new_context(**DESKTOP)
    yield context.new_page()
    context.close()


def bar_prompt(tab: Any) -> str:
    return str(tab.locator("#uxlab-prompt").inner_text())


def back(tab: Any) -> None:
    """Press Back; a study page restored from the page cache reloads itself, which aborts the wait."""
    try:
        tab.go_back(wait_until="commit")  # a page from the cache fires no load event
    except PlaywrightError as error:
        if "ERR_ABORTED" not in str(error):
            raise
    tab.wait_for_timeout(1000)


def seconds_left(tab: Any) -> int:
    minutes, seconds = tab.locator("#uxlab-time").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_back_into_an_earlier_tasks_page_shows_the_running_tasks_bar(
    live_server: Any, tab: Any, tmp_path: Path
) -> None:
    """Fails before the fix: the restored page shows the first task's prompt (and times out the second)."""
    slug = load_study(
        live_server.app,
        tmp_path,
        tasks=["find-hotline", "router-warranty"],
        time_limits_s={"find-hotline": FIRST_LIMIT_S, "router-warranty": SECOND_LIMIT_S},
    )
    watch = PageCacheWatch(tab)
    person = Participant(tab, live_server.url, slug)
    person.consent()
    person.start()
    first_prompt = bar_prompt(tab)
    first_page = tab.url
    person.answer("555 0000")  # a wrong answer ends the first task as a failure
    person.seq(5)
    person.start()
    second_started = time.monotonic()
    second_prompt = bar_prompt(tab)
    assert second_prompt != first_prompt
    for _ in range(3):  # from the second task's site page: its task page, the first's SEQ page, its site page
        back(tab)
    tab.wait_for_url(first_page, wait_until="commit")
    tab.locator("#uxlab-prompt").filter(has_text=second_prompt).wait_for(timeout=5000)
    assert (urlsplit(first_page).path, True) in watch.shown, watch.shown  # from the page cache
    tab.locator("#uxlab-time").filter(has_text=re.compile(r"^[45]:\d\d$")).wait_for(timeout=5000)
    assert seconds_left(tab) > SECOND_LIMIT_S - 60
    # past the first task's limit, counted from the second's Start: no timeout sent
    tab.wait_for_timeout(max(0.0, FIRST_LIMIT_S + 2 - (time.monotonic() - second_started)) * 1000)
    assert tab.url == first_page
    _, (first, second), _ = stored_attempts(live_server.app, slug)
    assert (first.outcome, second.outcome) == ("failure", None)
    assert second.path == ["/", "/"]  # its start page, then the restored page (the first's start page)
    person.end_with(person.task_bar("Done"))  # the second task's Done: a success, no answer asked
    _, (_, second), _ = stored_attempts(live_server.app, slug)
    assert second.outcome == "success"


def test_back_into_a_page_of_an_ended_task_shows_no_bar(live_server: Any, tab: Any, tmp_path: Path) -> None:
    """With no task running, a page restored from the page cache has no bar and sends nothing."""
    slug = load_study(live_server.app, tmp_path, tasks=["router-warranty"])
    person = Participant(tab, live_server.url, slug)
    person.consent()
    person.start()
    first_page = tab.url
    person.end_with(person.task_bar("Done"))
    calls: list[str] = []
    tab.on("request", lambda r: calls.append(r.url) if "/api/" in r.url else None)
    back(tab)
    tab.wait_for_url(first_page, wait_until="commit")
    tab.wait_for_timeout(2500)
    assert tab.locator("#uxlab-taskbar").count() == 0
    assert calls == []

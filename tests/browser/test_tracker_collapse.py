"""The task bar collapses to one line on a phone, and expands again (tracker.js, ``#uxlab-fold``).

On an iPhone SE (375x667) the open bar covered about a quarter of the screen, half with the
answer form open, and could not be made smaller: the participant saw little of the site.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.participant_script import button, tab_to
from tests.browser.test_tracker import follow, handed_back, open_task
from tests.participants.test_events_api import Participant

pytestmark = pytest.mark.browser
SMALL_PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
FOCUSED = "document.activeElement.shadowRoot?.activeElement?.id"


@pytest.fixture
def small_phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**SMALL_PHONE)
    yield context.new_page()
    context.close()


def bar_height(page: Any) -> float:
    box = page.locator("#uxlab-bar").bounding_box()
    assert box is not None
    return float(box["height"])


def test_the_bar_collapses_to_one_line_and_expands_again(live_server: Any, small_phone: Any) -> None:
    study = Participant(live_server.app)
    token = study.start("find-helpdesk")
    page = small_phone
    open_task(page, live_server, token)
    fold = page.locator("#uxlab-fold")
    assert fold.get_attribute("aria-expanded") == "true"
    assert fold.inner_text() == "Hide task"
    box = fold.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44  # touch target
    open_height = bar_height(page)

    fold.tap()
    assert fold.get_attribute("aria-expanded") == "false"
    assert fold.inner_text() == "Show task"
    slim = bar_height(page)
    assert slim < 80 < open_height, (slim, open_height)  # one line: the site shows above it
    assert page.locator("#uxlab-prompt").is_hidden() and page.locator("#uxlab-done").is_hidden()
    assert page.locator("#uxlab-task").is_visible() and page.locator("#uxlab-time").is_visible()
    # the page's foot follows the bar: the site's own content is not covered
    padding = page.evaluate("parseFloat(getComputedStyle(document.documentElement).paddingBottom)")
    assert abs(padding - slim) < 1
    # a screen reader hears the time left on demand: the button's description
    described = page.evaluate(
        "(() => { const r = document.querySelector('#uxlab-taskbar').shadowRoot;"
        " return r.querySelector('#uxlab-fold').getAttribute('aria-describedby').split(' ')"
        ".map(id => r.getElementById(id).textContent).join(' '); })()"
    )
    assert described.startswith("Time left: ") and ":" in described[len("Time left: ") :]

    # collapsed on the next page of the same task too (kept with the attempt in sessionStorage)
    follow(page, "nav a[href$='/support']")
    page.locator("#uxlab-fold").wait_for()
    assert page.locator("#uxlab-fold").get_attribute("aria-expanded") == "false"
    assert page.locator("#uxlab-prompt").is_hidden()
    assert bar_height(page) < 80

    page.locator("#uxlab-fold").tap()  # one tap: Done and Give up are back
    assert page.locator("#uxlab-fold").get_attribute("aria-expanded") == "true"
    assert page.locator("#uxlab-done").is_visible() and page.locator("#uxlab-give-up").is_visible()
    assert page.locator("#uxlab-prompt").is_visible()
    assert bar_height(page) > slim


def test_the_fold_button_works_with_the_keyboard_and_done_still_ends_the_task(
    live_server: Any, small_phone: Any
) -> None:
    study = Participant(live_server.app)
    token = study.start("find-helpdesk")
    page = small_phone
    open_task(page, live_server, token)
    tab_to(page, button("Hide task"))  # the task bar comes last in the tab order
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('#uxlab-taskbar').shadowRoot.activeElement).outlineStyle"
    )
    assert outline == "solid"  # a visible focus
    fold = page.locator("#uxlab-fold")
    page.keyboard.press("Enter")
    assert fold.get_attribute("aria-expanded") == "false"
    assert page.evaluate(FOCUSED) == "uxlab-fold"  # focus stays on the button
    page.keyboard.press("Space")
    assert fold.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    assert fold.get_attribute("aria-expanded") == "false"
    # Done after collapsing: one press to expand, one on Done
    page.keyboard.press("Enter")
    assert page.locator("#uxlab-done").is_visible()
    with handed_back(page, 1):
        page.locator("#uxlab-done").tap()
    attempt = study.attempt(token)
    assert attempt.outcome is not None

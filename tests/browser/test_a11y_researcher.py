"""Researcher pages from the accessibility audit: the editor's refusal takes focus, live regions
speak only when something changed, and text fields are big enough not to zoom a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.participant_script import PHONE, load_study
from uxlab import auth
from uxlab.db import get_session

pytestmark = pytest.mark.browser
EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def signed_in(live_server: Any, browser: Any, **device: Any) -> Any:
    """A page signed in as a new researcher account."""
    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    page = browser.new_context(**(device or {"viewport": {"width": 1280, "height": 800}})).new_page()
    page.goto(live_server.url + "/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return page


def test_refused_save_takes_focus_and_marks_the_text(live_server: Any, browser: Any) -> None:
    page = signed_in(live_server, browser)
    page.goto(live_server.url + "/studies/new")
    page.fill("#scenario", "slug: [broken\n")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_function("document.activeElement.id === 'refused'")
    assert page.title().startswith("Error: New study"), page.title()
    assert page.locator("#refused a").get_attribute("href") == "#scenario"
    text = page.locator("#scenario")
    assert text.get_attribute("aria-invalid") == "true"
    assert "refused-text" in (text.get_attribute("aria-describedby") or "").split()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "scenario"
    page.context.close()


# Every change to a live region's text from now on, as a screen reader would hear it.
WATCH_JS = """sel => {
  window.said = [];
  new MutationObserver(() => window.said.push(document.querySelector(sel).textContent))
    .observe(document.querySelector(sel), {childList: true, characterData: true, subtree: true});
}"""


def test_editor_status_speaks_only_when_it_changes(live_server: Any, browser: Any) -> None:
    page = signed_in(live_server, browser)
    page.goto(live_server.url + "/studies/new")
    page.locator("#scenario").click()
    page.keyboard.press("Control+End")
    page.evaluate(WATCH_JS, "#check-status")
    with page.expect_response("**/studio/check"):
        page.keyboard.type("# a")  # a comment: the check says the same as before
    for key in " note":
        with page.expect_response("**/studio/check"):  # a pause after each key: a check each time
            page.keyboard.type(key)
    assert page.evaluate("window.said") == []
    with page.expect_response("**/studio/check"):
        page.keyboard.type("\ntasks: 1\n")
    page.wait_for_function("window.said.length === 1")
    assert "problem" in page.evaluate("window.said[0]")
    page.context.close()


def test_live_counts_are_read_whole_and_only_when_they_change(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    page = signed_in(live_server, browser)
    load_study(live_server.app, tmp_path, "live", tasks=["find-hotline"])
    page.goto(live_server.url + "/studies/live/summary")
    live = page.locator("p.live")
    live.wait_for()
    assert live.get_attribute("role") == "status" and live.get_attribute("aria-atomic") == "true"
    page.evaluate(WATCH_JS, "p.live")
    page.evaluate("window.uxlabLive.refresh()")
    page.evaluate("window.uxlabLive.refresh()")
    assert page.evaluate("window.said") == []
    page.context.close()


# Text fields smaller than 16 px text (iOS zooms the page on focus) or 44 px height.
SMALL_FIELDS_JS = """() =>
  [...document.querySelectorAll('input:not([type=hidden], [type=checkbox], [type=radio])')]
  .filter(i => i.getBoundingClientRect().width)
  .map(i => [i.id || i.name, parseFloat(getComputedStyle(i).fontSize), i.getBoundingClientRect().height])
  .filter(([, size, height]) => size < 16 || height < 44)"""


def test_text_fields_are_16px_and_44px_tall_on_a_phone(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    page = signed_in(live_server, browser, **PHONE)
    load_study(live_server.app, tmp_path, "fields", tasks=["find-hotline"])
    for path in ("/studies/fields/probes", "/studies/fields/access"):
        page.goto(live_server.url + path)
        assert page.locator("#token-label, #share-email").count() == 1, path
        assert page.evaluate(SMALL_FIELDS_JS) == [], path
    page.goto(live_server.url + "/studies/fields/summary")
    with page.expect_navigation():
        page.get_by_role("button", name="Create a share link").click()
    page.locator("#new-share-url").wait_for()
    assert page.evaluate(SMALL_FIELDS_JS) == []
    page.context.close()

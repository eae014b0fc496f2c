"""Researcher pages from the accessibility audit: the editor's refusal takes focus, live regions
speak only when something changed, and text fields are big enough not to zoom a phone."""

from __future__ import annotations

from typing import Any

import pytest

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

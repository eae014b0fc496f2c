"""Researcher pages in real Chromium on a 412 px phone: keyboard only, axe-core WCAG 2.1 AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.browser.participant_script import CAPTIONS_FIT_JS
from tests.results_seed import seed_results
from uxlab import auth
from uxlab.db import get_session
from uxlab.models import Study

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def _check(page: Any, axe: Any) -> None:
    violations = axe.run(page, options=WCAG_AA).response["violations"]
    assert violations == [], (page.url, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])
    assert page.evaluate("document.documentElement.scrollWidth") <= 412, page.url
    assert page.evaluate(CAPTIONS_FIT_JS), ("a table caption runs off the screen", page.url)


def _tab_to(page: Any, text: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("(e => e.matches('a, button') ? e.innerText : '')(document.activeElement)")
        if text in focused:
            return
    pytest.fail(f"{text!r} cannot be reached with Tab on {page.url}")


@pytest.mark.browser
def test_researcher_pages_by_keyboard_on_a_phone(live_server: Any, browser: Any, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    app = live_server.app
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed_results(get_session(), tmp_path)
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    page, axe = context.new_page(), Axe()
    try:
        page.goto(live_server.url + "/studies")
        assert page.url == live_server.url + "/login?next=/studies"
        _check(page, axe)
        # The email field has focus on arrival (autofocus may land after the load event).
        page.wait_for_function("document.activeElement && document.activeElement.name === 'email'")
        page.keyboard.type(EMAIL)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == live_server.url + "/studies"
        _check(page, axe)

        _tab_to(page, "Close")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "is now closed" in page.locator("[role=status]").inner_text()
        with app.app_context():
            assert get_session().exec(select(Study).where(Study.slug == "shop")).one().is_open is False
        _check(page, axe)

        _tab_to(page, "Attempts")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == live_server.url + "/studies/shop/attempts"
        assert page.locator("tbody tr").count() == 4
        _check(page, axe)

        _tab_to(page, "Sign out")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == live_server.url + "/login"
        assert page.goto(live_server.url + "/s/shop").status == 410
    finally:
        context.close()

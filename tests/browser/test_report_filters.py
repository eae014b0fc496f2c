"""The report filter form at 412 px in real Chromium: language and finished-only, by keyboard, axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

import tests.summary_seed as seed
from tests.browser.test_reports import EMAIL, PASSWORD, _check
from uxlab import auth
from uxlab.db import get_session
from uxlab.models import ParticipantSession


@pytest.mark.browser
def test_language_and_finished_filters_on_a_phone(live_server: Any, browser: Any, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with live_server.app.app_context():
        db = get_session()
        auth.create_user(db, EMAIL, PASSWORD)
        seed.seed(db, tmp_path)  # seed.PEOPLE: six participants, every one finished
        first, second, *_ = db.exec(select(ParticipantSession).order_by(ParticipantSession.id)).all()
        first.language = second.language = "de"
        second.finished_at = None  # the second German participant left before the end
        db.add_all([first, second])
        db.commit()
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    page, axe = context.new_page(), Axe()
    try:
        page.goto(live_server.url + "/studies/cx/summary")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.select_option("#f-language", "de")
        page.focus("#f-finished")
        page.keyboard.press("Space")  # a checkbox ticks from the keyboard
        assert page.is_checked("#f-finished")
        with page.expect_navigation():
            page.click("text=Apply filters")
        assert "language=de" in page.url and "finished=1" in page.url
        assert "1 participant" in page.locator(".lede").inner_text()  # the first: German and finished
        assert page.is_checked("#f-finished") and page.input_value("#f-language") == "de"
        _check(page, axe, tmp_path, "summary-filters")
    finally:
        context.close()

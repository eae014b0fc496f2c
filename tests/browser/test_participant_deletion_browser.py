"""The attempts page's Delete button in real Chromium on a 412 px phone: keyboard only, axe (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.browser.test_researcher_browser import EMAIL, PASSWORD, _check
from tests.results_seed import seed_results
from uxlab import auth
from uxlab.db import get_session
from uxlab.models import ParticipantSession


@pytest.mark.browser
def test_a_participant_is_deleted_from_the_attempts_page_by_keyboard(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    app = live_server.app
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seeded = seed_results(get_session(), tmp_path)
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    page, axe = context.new_page(), Axe()
    try:
        page.goto(live_server.url + "/login?next=/studies/shop/attempts")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        assert page.locator("tbody tr").count() == 4  # the seed: Ana 2 attempts, Ben 2
        row = page.locator("tbody tr", has=page.locator(f"code[title='{seeded.ana}']")).first
        row.locator("details.delete-participant summary").focus()
        page.keyboard.press("Enter")  # opens the disclosure
        _check(page, axe)
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # ticks the confirmation
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Deleted participant" in page.locator("[role=status]").inner_text()
        assert page.locator("tbody tr").count() == 2  # Ben's two attempts remain
        _check(page, axe)
        with app.app_context():
            left = get_session().exec(select(ParticipantSession.public_id)).all()
        assert left == [seeded.ben]
    finally:
        context.close()

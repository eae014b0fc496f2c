"""Sharing a study and the accounts page in real Chromium on a 412 px phone: keyboard only, axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_researcher_browser import EMAIL, PASSWORD, _check, _tab_to
from tests.results_seed import seed_results
from uxlab import access, auth, studies
from uxlab.db import get_session

BEN = "ben@example.org"


@pytest.mark.browser
def test_sharing_a_study_by_keyboard_on_a_phone(live_server: Any, browser: Any, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    app = live_server.app
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)  # the first account: an admin
        auth.create_user(get_session(), BEN, PASSWORD)
        seed_results(get_session(), tmp_path)
        access.set_owner(get_session(), "shop", EMAIL)
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    page, axe = context.new_page(), Axe()
    try:
        page.goto(live_server.url + "/login?next=/studies/shop/access")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == live_server.url + "/studies/shop/access"
        _check(page, axe)
        page.locator("#share-email").focus()  # the field's label is read with it
        assert page.evaluate("document.activeElement.labels[0].innerText").startswith("Share with")
        page.keyboard.type(BEN)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "is now shared with ben@example.org" in page.inner_text("[role=status]")
        _check(page, axe)
        with app.app_context():
            study = studies.get_study(get_session(), "shop")
            assert [u.email for u in access.shared_with(get_session(), study)] == [BEN]
        _tab_to(page, "Remove")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "no longer shared with ben@example.org" in page.inner_text("[role=status]")
        page.goto(live_server.url + "/accounts")
        _check(page, axe)
        assert page.locator("select[name=role]").count() == 2
    finally:
        context.close()

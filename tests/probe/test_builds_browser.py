"""Builds, build page, comparison and token revocation in Chromium at 412 px, by keyboard, with axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.participant_script import AXE_OPTIONS, PHONE, button, link_to, tab_to
from tests.probe.test_builds import ACCOUNT, seeded

pytestmark = pytest.mark.browser


def checked(page: Any, what: str) -> None:
    """No WCAG 2.1 A/AA violation and no sideways scrolling at 412 px."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), what


def test_builds_build_and_compare_by_keyboard_on_a_phone(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    _, (first, feature, _) = seeded(live_server.app)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    keys = page.keyboard
    try:
        page.goto(live_server.url + "/studies/helpdesk/builds")
        page.fill("#email", ACCOUNT["email"])
        page.fill("#password", ACCOUNT["password"])
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url == live_server.url + "/studies/helpdesk/builds"
        checked(page, "builds list")

        tab_to(page, lambda f: f.get("tag") == "SELECT" and f.get("name") == "branch")
        keys.press("ArrowDown")  # All branches -> feature
        tab_to(page, button("Show"))
        with page.expect_navigation():
            keys.press("Enter")
        assert page.url.endswith("/builds?branch=feature")
        assert page.locator("tbody tr").count() == 1
        checked(page, "builds list of one branch")

        tab_to(page, link_to(f"/studies/helpdesk/builds/{feature}"))
        with page.expect_navigation():
            keys.press("Enter")
        assert page.get_by_role("heading", level=1).inner_text() == f"Build #{feature}: Failed"
        checked(page, "build page")

        tab_to(page, link_to(f"/compare?base={first}"))
        with page.expect_navigation():
            keys.press("Enter")
        row = page.get_by_role("row", name="lcp_ms")
        assert row.get_by_role("cell").all_inner_texts() == ["1000", "3000", "+2000"]
        checked(page, "compare page")

        page.goto(live_server.url + "/studies/helpdesk/probes")
        checked(page, "page speed with its tokens")
        tab_to(page, lambda f: f.get("tag") == "BUTTON" and f.get("text") == "Revoke")
        with page.expect_navigation():
            keys.press("Enter")
        assert "is revoked" in page.get_by_role("status").first.inner_text()
        assert page.get_by_role("button", name="Revoke").count() == 0
        checked(page, "page speed after revoking")
    finally:
        context.close()

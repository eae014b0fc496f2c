"""Issue 16, must-show 1: a fresh demo shows figures everywhere at the first sign-in.

The demo is prepared exactly as ``uxlab demo`` (``make run``) prepares it, demo data
included, then a researcher signs in with the printed password in real Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from uxlab.demo.setup import prepare_demo

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = pytest.mark.browser


def _percent(text: str) -> int:
    found = re.search(r"(\d+)%", text)
    assert found, text
    return int(found.group(1))


def test_first_sign_in_shows_data_on_every_report(live_server: Any, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    setup = prepare_demo(live_server.app, SCENARIOS)
    assert setup.demo_participants == 240 and setup.email and setup.password
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(live_server.url + "/studies/helpdesk/summary")
        page.fill("#email", setup.email)
        page.fill("#password", setup.password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        success = page.locator("#fig-task_success .figure").inner_text()
        assert 30 <= _percent(success) <= 95, success  # a real rate, not "no data"
        assert page.locator("#fig-sus .figure").inner_text().strip() not in ("", "no data")
        assert page.locator("figure svg[role=img]").count() >= 4  # success, times, SUS, NPS ...
        lede = page.locator(".lede").first.inner_text()
        assert int(lede.split(" participant")[0]) >= 100 and "Study versions 1, 2" in lede
        assert Axe().run(page, options=WCAG_AA).response["violations"] == []

        page.click("nav.report-nav >> text=Journey map")
        page.wait_for_url("**/journey")
        assert page.locator(".stage .status").count() >= 3
        assert "No data" not in page.locator("#stage-retention").locator("..").inner_text()

        page.click("nav.report-nav >> text=Compare")
        page.wait_for_url("**/compare**")
        assert "against" in page.locator("h1").inner_text()
        assert page.locator("table.compare tbody tr").count() >= 4
        page.click("nav.compare-with >> text=variant helpdesk-b")
        page.wait_for_url("**variant=helpdesk-b**")
        assert "helpdesk against helpdesk-b" in page.locator("h1").inner_text()
        assert page.locator("table.compare tbody tr").count() >= 4

        page.goto(live_server.url + "/studies/helpdesk/summary")
        page.click("nav.report-nav >> text=Page speed")
        page.wait_for_url("**/probes")
        page.get_by_role("link", name="/support/helpdesk", exact=True).click()
        page.wait_for_url("**/probes/page**")
        assert page.locator("svg[role=img]").count() >= 1
        assert page.get_by_text("No uploads measured").count() == 0
    finally:
        page.close()

"""Report pages in real Chromium at 412 px: dashboard, journey map, comparison, filters, axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tests.summary_seed as seed
from tests.browser.participant_script import CAPTIONS_FIT_JS
from uxlab import auth
from uxlab.db import get_session

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
EMAIL, PASSWORD = "rita@example.org", "a long enough password"


def _check(page: Any, axe: Any, shots: Path, name: str) -> None:
    violations = axe.run(page, options=WCAG_AA).response["violations"]
    assert violations == [], (page.url, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])
    assert page.evaluate("document.documentElement.scrollWidth") <= 412, page.url
    assert page.evaluate(CAPTIONS_FIT_JS), ("a table caption runs off the screen", page.url)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_dashboard_and_journey_map_on_a_phone(live_server: Any, browser: Any, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed.seed(get_session(), tmp_path)
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    page, axe = context.new_page(), Axe()
    try:
        page.goto(live_server.url + "/studies/cx/summary")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url == live_server.url + "/studies/cx/summary"
        assert page.locator("#fig-task_success .figure").inner_text() == "67%"  # 12 of 18 attempts
        live = page.locator("p.live")
        live.wait_for(state="visible")
        assert "6 started, 6 finished, 0 doing a task now" in " ".join(live.inner_text().split())
        _check(page, axe, tmp_path, "summary")
        with live_server.app.app_context():  # a seventh participant arrives while the page is open
            version = seed.load(get_session(), tmp_path)
            seed.sessions.start_session(get_session(), version, seed.PHONE_UA, "en")
        page.evaluate("window.uxlabLive.refresh()")
        page.wait_for_function("document.querySelector('[data-live=participants]').textContent === '7'")
        assert page.locator("#fig-task_success .figure").inner_text() == "67%"  # no reload

        page.select_option("#f-device", "phone")
        with page.expect_navigation():
            page.click("text=Apply filters")
        assert "device=phone" in page.url
        assert page.locator("#fig-task_success .figure").inner_text() == "50%"  # 3 of the phones' 6
        assert "3 participants" in page.locator(".lede").inner_text()  # the two phones and the newcomer
        _check(page, axe, tmp_path, "summary-phone")

        with page.expect_navigation():
            page.click("nav.report-nav >> text=Journey map")
        assert page.url.endswith("/studies/cx/journey?device=phone")
        page.locator(".touchpoint summary").first.click()
        assert page.locator(".touchpoint details[open] dd").first.is_visible()
        _check(page, axe, tmp_path, "journey")

        with live_server.app.app_context():
            seed.seed_second_version(get_session(), tmp_path)
        page.goto(live_server.url + "/studies/cx/summary")
        with page.expect_navigation():
            page.click("nav.report-nav >> text=Compare")
        assert page.url == live_server.url + "/studies/cx/compare"
        assert "Version 1 against Version 2" in page.locator("h1").inner_text()
        page.select_option("#f-device", "desktop")
        with page.expect_navigation():
            page.click("text=Apply filters")
        assert "device=desktop" in page.url and "a=1" in page.url and "b=2" in page.url
        _check(page, axe, tmp_path, "compare")

        with live_server.app.app_context():  # a variant study of the same test
            variant = seed.SCENARIO.replace("slug: cx\n", "slug: cx-b\nvariant_of: cx\n")
            version = seed.load(get_session(), tmp_path, variant, "cx-b.yaml")
            seed.add_person(get_session(), version, seed.PEOPLE[0])
        page.reload()
        with page.expect_navigation():
            page.click("nav.compare-with >> text=variant cx-b")
        assert "cx against cx-b" in page.locator("h1").inner_text()
        page.select_option("#f-a", "2")
        with page.expect_navigation():
            page.click("text=Apply filters")
        assert "variant=cx-b" in page.url and "a=2" in page.url and "device=desktop" in page.url
        assert "cx version 2 against cx-b" in page.locator("h1").inner_text()
        _check(page, axe, tmp_path, "compare-variants")
    finally:
        context.close()


@pytest.mark.browser
def test_new_share_link_is_shown_where_the_page_lands_with_a_copy_button(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    """Issue 16: the one-time link was a banner at the top while the page jumped to #share."""
    from axe_playwright_python.sync_playwright import Axe

    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed.seed(get_session(), tmp_path)
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/studies/cx/summary")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        with page.expect_navigation():
            page.click("text=Create a share link")
        assert page.url.endswith("/studies/cx/summary#share")
        field = page.locator("#share #new-share-url")
        assert field.is_visible() and field.evaluate("el => el.getBoundingClientRect().top >= 0")
        url = field.input_value()
        assert "/share/" in url and " " not in url
        page.get_by_role("button", name="Copy link").click()
        page.locator("[data-copied]").wait_for(state="visible")
        assert page.evaluate("navigator.clipboard.readText()") == url
        _check(page, Axe(), tmp_path, "share-link")
        assert page.locator(".flash").count() == 1  # no second copy in a banner at the top
        page.reload()
        assert page.locator("#new-share-url").count() == 0  # shown once
    finally:
        context.close()

"""Excluding a participant and the outcome/task filters in real Chromium (issue 16): keyboard only,
axe clean (WCAG 2.1 AA), no sideways scrolling, at 412 px and on a desktop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

import tests.summary_seed as seed
from tests.browser.participant_script import DESKTOP, PHONE, button, tab_to
from tests.browser.test_reports import EMAIL, PASSWORD
from uxlab import auth
from uxlab.db import get_session
from uxlab.models import ParticipantSession

pytestmark = pytest.mark.browser
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _clean(page: Any, width: int, what: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert violations == [], (what, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])
    assert page.evaluate("document.documentElement.scrollWidth") <= width, what


def _summary_text(page: Any) -> str:
    return str(page.locator(".lede").inner_text())


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_exclude_and_include_by_keyboard(live_server: Any, browser: Any, tmp_path: Path, device: str) -> None:
    with live_server.app.app_context():
        db = get_session()
        auth.create_user(db, EMAIL, PASSWORD)
        seed.seed(db, tmp_path, seed.PEOPLE[:3])
        first = db.exec(select(ParticipantSession).order_by(col(ParticipantSession.id))).first()
        assert first is not None
        short = first.public_id[:8]
    options = PHONE if device == "phone" else DESKTOP
    width = options["viewport"]["width"]  # type: ignore[index]
    context = browser.new_context(**options)
    page = context.new_page()
    keys = page.keyboard
    try:
        page.goto(live_server.url + "/studies/cx/attempts")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        want = f"Exclude participant {short}"
        tab_to(page, lambda f: f.get("tag") == "SUMMARY" and " ".join(f.get("text", "").split()) == want, 200)
        keys.press("Enter")  # opens the form
        tab_to(page, lambda f: f.get("tag") == "INPUT" and f.get("name") == "reason")
        _clean(page, width, "attempts page with the exclude form open")
        keys.type("speeder: 2 s per task")
        with page.expect_navigation():
            keys.press("Enter")
        assert "is excluded from the reports" in page.inner_text("body")
        assert page.locator("text=speeder: 2 s per task").count() == 3  # each of their three attempts
        _clean(page, width, "attempts page with an excluded participant")
        page.goto(live_server.url + "/studies/cx/summary")
        assert "2 participants" in _summary_text(page) and "1 participant excluded" in _summary_text(page)
        _clean(page, width, "summary with an exclusion")
        # the outcome and task filters, from the keyboard
        page.focus("#f-outcome")
        page.select_option("#f-outcome", "give_up")
        page.select_option("#f-task", "find")
        tab_to(page, button("Apply filters"))
        with page.expect_navigation():
            keys.press("Enter")
        assert "outcome=give_up" in page.url and "task=find" in page.url
        assert "1 participant " in _summary_text(page) and "give up attempts at task find" in _summary_text(
            page
        )
        _clean(page, width, "summary filtered by outcome and task")
        tab_to(page, lambda f: f.get("tag") == "A" and f.get("href", "").endswith("/exclusions"), 200)
        with page.expect_navigation():
            keys.press("Enter")
        assert "speeder: 2 s per task" in page.inner_text("table")
        _clean(page, width, "the excluded participants")
        tab_to(
            page,
            lambda f: (
                f.get("tag") == "BUTTON"
                and " ".join(f.get("text", "").split()) == f"Include again participant {short}"
            ),
        )
        with page.expect_navigation():
            keys.press("Enter")
        assert "No participant of this study is excluded." in page.inner_text("main")
        _clean(page, width, "no excluded participants")
        page.goto(live_server.url + "/studies/cx/summary")
        assert "3 participants" in _summary_text(page) and "excluded" not in _summary_text(page)
    finally:
        context.close()

"""Every participant page, and the task bar on the demo site, pass axe-core (WCAG 2.1 A/AA rules),
and the whole flow can be completed with the keyboard alone (Tab, Space, Enter and typing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import select

from tests.browser.participant_script import (
    AXE_OPTIONS,
    DESKTOP,
    PHONE,
    button,
    link_to,
    load_study,
    only_session,
    radio,
    stored_attempts,
    tab_to,
)
from uxlab.db import get_session
from uxlab.models import Study
from uxlab.participants import attempts, sessions
from uxlab.scenarios.scales import field_names

pytestmark = pytest.mark.browser


def no_violations(page: Any, what: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_keyboard_only_run_with_axe_on_every_page(live_server: Any, browser: Any, tmp_path: Path) -> None:
    slug = load_study(live_server.app, tmp_path, "a11y", tasks=["find-hotline", "router-warranty"])
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    keys = page.keyboard
    page.goto(f"{live_server.url}/s/{slug}")
    no_violations(page, "consent")
    tab_to(page, button("I agree, start the study"))
    keys.press("Enter")
    page.wait_for_url("**/task/1")
    no_violations(page, "task prompt")

    # Task 1 (answer): Start, go to Contact, open the answer field in the task bar, type, send.
    tab_to(page, button("Start"))
    keys.press("Enter")
    page.get_by_role("region", name="Study task").wait_for()
    no_violations(page, "demo site with the task bar")
    tab_to(page, link_to("/contact"))
    keys.press("Enter")
    page.wait_for_url("**/demo/contact")
    page.get_by_role("region", name="Study task").wait_for()
    tab_to(page, button("Done"))
    keys.press("Enter")  # the tracker moves focus into the answer field
    page.get_by_role("region", name="Study task").get_by_role("textbox").wait_for()
    no_violations(page, "task bar with the answer field")
    keys.type("+1 555 0100")
    keys.press("Enter")
    page.wait_for_url("**/task/1/seq")
    no_violations(page, "SEQ")
    tab_to(page, radio("seq"))
    keys.press("Space")
    tab_to(page, button("Next"))
    keys.press("Enter")
    page.wait_for_url("**/task/2")

    # Task 2 (self report): Start, then Done in the task bar.
    tab_to(page, button("Start"))
    keys.press("Enter")
    page.get_by_role("region", name="Study task").wait_for()
    tab_to(page, button("Done"))
    keys.press("Enter")
    page.wait_for_url("**/task/2/seq")
    tab_to(page, radio("seq"))
    keys.press("Space")
    tab_to(page, button("Next"))
    keys.press("Enter")
    page.wait_for_url("**/questionnaires")
    no_violations(page, "questionnaires")

    for name in ("sus", "umux_lite", "nps", "csat", "ces"):
        for field in field_names(name):
            tab_to(page, radio(field), limit=3)
            keys.press("Space")
    tab_to(page, lambda f: f.get("tag") == "TEXTAREA", limit=3)
    keys.type("All done with the keyboard.")
    tab_to(page, button("Submit"), limit=3)
    keys.press("Enter")
    page.wait_for_url("**/thanks")
    no_violations(page, "thanks")

    with live_server.app.app_context():
        db = get_session()
        study = db.exec(select(Study).where(Study.slug == slug)).one()
        study.is_open = False
        db.add(study)
        db.commit()
    page.goto(f"{live_server.url}/s/{slug}")
    assert page.get_by_role("heading", name="This study is closed").is_visible()
    no_violations(page, "closed study (410)")
    context.close()

    session, stored, responses = stored_attempts(live_server.app, slug)
    assert [(a.task, a.outcome, a.seq) for a in stored] == [
        ("find-hotline", "success", 1),
        ("router-warranty", "success", 1),
    ]
    assert len(responses) == 16 and session.finished_at is not None


def test_german_pages_on_a_phone(live_server: Any, browser: Any, tmp_path: Path) -> None:
    """The German questionnaire page at 412 px: axe, no sideways scroll, every scale in one row.

    The note that the items are translations is for researchers (issue 16), not participants.
    """
    slug = load_study(live_server.app, tmp_path, "hilfe", language="de", tasks=["find-hotline"])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{slug}")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("button", name="Ich stimme zu, Studie beginnen").tap()
    page.wait_for_url("**/task/1")
    no_violations(page, "German task prompt")
    with live_server.app.app_context():  # the task itself is covered above; end it on the server
        db = get_session()
        session = only_session(db, slug)
        sessions.begin_task(db, session, 1, live_server.url)
        attempts.end_attempt(db, sessions.progress(db, session).attempt, "give_up")
        sessions.save_seq(db, session, 1, "4")
    page.goto(f"{live_server.url}/s/{slug}")
    page.wait_for_url("**/questionnaires")
    assert page.get_by_text("Übersetzungen englischsprachiger Standardfragebögen").count() == 0
    rows = page.eval_on_selector_all(
        ".scale", "els => els.map(s => new Set([...s.children].map(o => o.offsetTop)).size)"
    )
    assert rows and set(rows) == {1}, rows  # NPS's eleven options included
    assert page.locator(".scale.wide").count() >= 1
    no_violations(page, "German questionnaires")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()

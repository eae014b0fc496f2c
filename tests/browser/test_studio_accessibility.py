"""The study editor and the preview pages pass axe-core (WCAG 2.1 A/AA) at 412 px and on a desktop,
don't scroll sideways on the phone, and work with the keyboard alone (Tab, Enter, Space, typing)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.participant_script import (
    AXE_OPTIONS,
    DESKTOP,
    FOCUSED_JS,
    PHONE,
    ROOT,
    button,
    link_to,
    radio,
    tab_to,
)
from uxlab import auth
from uxlab.db import get_session

pytestmark = pytest.mark.browser
EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def checked(page: Any, what: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what} scrolls sideways: {width}"


def field(name: str) -> Any:
    return lambda f: f.get("name") == name


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["412px", "desktop"])
def test_editor_and_preview_by_keyboard_with_axe(
    live_server: Any, browser: Any, device: dict[str, Any]
) -> None:
    app, base = live_server.app, live_server.url
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    context = browser.new_context(**device)
    page = context.new_page()
    keys = page.keyboard
    page.goto(base + "/login?next=/studies/new")
    # The email field has focus on arrival; Chromium applies autofocus at a rendering update,
    # which may come after the load event that goto waits for.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'email'")
    keys.type(EMAIL)
    keys.press("Tab")
    keys.type(PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")
    checked(page, "new study")

    # Type a problem into the file: it is listed, and its button takes the cursor to its line.
    tab_to(page, field("scenario"))
    keys.press("Control+End")
    keys.type("    time_limit_s: soon\n")
    page.locator("#problems button").first.wait_for()
    checked(page, "editor with a problem")
    # The starter's task has a time limit already: the line typed last repeats the key.
    last = len((ROOT / "templates" / "studio" / "starter.yaml").read_text().splitlines()) + 1
    tab_to(page, button(f"line {last}: tasks[0].time_limit_s: duplicate key (each key may appear once)"))
    keys.press("Enter")
    assert page.evaluate(FOCUSED_JS)["name"] == "scenario"
    line = page.evaluate("(t => t.value.slice(t.selectionStart, t.selectionEnd))(document.activeElement)")
    assert line == "    time_limit_s: soon"
    keys.press("Backspace")  # the selected line goes
    page.get_by_role("status").filter(has_text="No problems").wait_for()

    # The task builder, by keyboard.
    tab_to(page, field("id"))
    keys.type("second")
    tab_to(page, field("prompt"))
    keys.type("Find the about page.")
    tab_to(page, field("url"))
    keys.type("/about")
    tab_to(page, button("Add the task to the file"))
    keys.press("Enter")
    page.get_by_role("status").filter(has_text="No problems: my-study, 2 task(s).").wait_for()
    checked(page, "editor after the task builder")

    # Preview in a new tab, by keyboard: every page and the task bar.
    with context.expect_page() as opened:
        tab_to(page, lambda f: f.get("text", "").startswith("Preview as participant"))
        keys.press("Enter")
    tab = opened.value
    tab.wait_for_load_state()
    checked(tab, "preview consent")
    tab_to(tab, button("I agree, start the study"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/task/1")
    checked(tab, "preview task")
    tab_to(tab, button("Start"))
    tab.keyboard.press("Enter")
    tab.get_by_role("region", name="Study task (Preview)").wait_for()
    checked(tab, "demo site with the preview task bar")
    tab_to(tab, link_to("/contact"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/task/1/seq?outcome=success")
    checked(tab, "preview SEQ")
    tab_to(tab, radio("seq"))
    tab.keyboard.press("Space")
    tab_to(tab, button("Next"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/task/2")
    tab_to(tab, button("Start"))
    tab.keyboard.press("Enter")
    tab.get_by_role("region", name="Study task (Preview)").wait_for()
    tab_to(tab, link_to("/about"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/task/2/seq?outcome=success")
    tab_to(tab, radio("seq"))
    tab.keyboard.press("Space")
    tab_to(tab, button("Next"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/questionnaires")
    checked(tab, "preview questionnaires")
    for _ in range(10):  # SUS: the first answer of each item (radio groups take one Tab each)
        tab_to(tab, lambda f: f.get("type") == "radio")
        tab.keyboard.press("Space")
    tab_to(tab, button("Submit"))
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/thanks")
    checked(tab, "preview thanks")

    # Save, by keyboard.
    page.bring_to_front()
    with page.expect_navigation():
        tab_to(page, button("Save as a new version"))
        keys.press("Enter")
    assert page.url == base + "/studies/my-study/edit"
    checked(page, "saved study in the editor")
    context.close()

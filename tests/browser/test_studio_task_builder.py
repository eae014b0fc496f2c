"""The editor's "Add a task" form checks what the scenario rules check (uxlab/scenarios/tasks.py),
in real Chromium.

Audit finding: its ``pattern="[a-z0-9][a-z0-9-]*"`` is no valid regular expression under the
``v`` flag Chromium compiles patterns with ("Invalid character class"), so the task id went
unchecked; the label left out "_", which task ids allow; and the time limit took 1 s (the
checker wants 5 to 7200) with a default of 180 s where a task left without one gets 300 s.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.participant_script import DESKTOP
from tests.browser.test_studio_browser import EMAIL, PASSWORD, sign_in
from uxlab import auth, scenarios
from uxlab.db import get_session
from uxlab.errors import ScenarioError
from uxlab.scenarios.schema import DEFAULT_TIME_LIMIT_S
from uxlab.scenarios.tasks import TASK_ID_RE

pytestmark = pytest.mark.browser


def _checker_takes_limit(seconds: str) -> bool:
    text = (
        "slug: s\ntitle: S\nconsent: ok\nsite: {base_url: /demo}\ntasks:\n"
        f"  - {{id: t, prompt: p, success: {{url: /}}, stage: purchase, time_limit_s: {seconds}}}\n"
    )
    try:
        scenarios.loads(text)
    except ScenarioError:
        return False
    return True


def test_the_task_builder_takes_what_the_checker_takes(live_server: Any, browser: Any) -> None:
    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/studies/new")
    task_id, limit = page.get_by_label("Task id"), page.get_by_label("Time limit")
    assert limit.input_value() == f"{DEFAULT_TIME_LIMIT_S:g}"  # the scenario's default

    def valid(field: Any, value: str) -> bool:
        field.fill(value)
        return bool(field.evaluate("input => input.checkValidity()"))

    ids = ("find_hotline-2", "a", "9to5", "x" * 100, "Find", "-find", "_find", "find hotline", "find.it")
    for value in ids:
        assert valid(task_id, value) == bool(TASK_ID_RE.match(value)), value
    task_id.fill("x" * 101)  # as typed: the field keeps 100 characters, the most an id has
    assert task_id.input_value() == "x" * 100
    assert "a-z, 0-9, - and _" in page.locator("label[for=b-id]").inner_text()
    for value in ("5", "7200", "4", "7201", "1"):
        assert valid(limit, value) == _checker_takes_limit(value), value
    assert not valid(limit, "")  # the checker's default is the field's value, not an empty one
    assert not [text for text in warnings if "pattern" in text.lower()], warnings

    # A task the form lets through is one the checker takes: the file still has no problems.
    page.get_by_label("Task text").fill("Find the hotline.")
    page.get_by_label("Success: the URL reached").fill("/contact")
    task_id.fill("find_hotline")
    limit.fill("5")
    page.get_by_role("button", name="Add the task to the file").click()
    page.get_by_role("status").filter(has_text="No problems: my-study, 2 task(s).").wait_for()
    text = page.get_by_label("Scenario file (YAML)").input_value()
    assert scenarios.loads(text).tasks[-1].time_limit_s == 5
    # One the checker refuses is not added: the browser stops the form and says why.
    task_id.fill("Find Hotline")
    page.get_by_role("button", name="Add the task to the file").click()
    assert page.get_by_label("Scenario file (YAML)").input_value() == text
    assert task_id.evaluate("input => input.validationMessage")
    context.close()

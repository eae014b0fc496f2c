"""Every problem of a scenario file is shown in one check, in the study editor (issue 11, point 7).

``uxlab scenarios check`` and the studio editor use the one validator (``scenarios.loads``);
a missing ``consent`` used to stop it, hiding the task problems after it. Here a researcher
pastes a file with problems in every part into the editor in Chromium and sees all of them,
each at its line; the command line's run of the same file: tests/scenarios/test_check.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.participant_script import DESKTOP
from tests.browser.test_studio_browser import EMAIL, PASSWORD, sign_in
from tests.scenarios.test_check import EVERYTHING_WRONG, EXPECTED
from uxlab import auth
from uxlab.db import get_session

pytestmark = pytest.mark.browser


def test_the_editor_lists_every_problem_of_a_file_whatever_its_field(live_server: Any, browser: Any) -> None:
    """Guards point 7: fails when a problem (a missing required key) stops the check early."""
    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/studies/new")
    page.get_by_label("Scenario file (YAML)").fill(EVERYTHING_WRONG)
    page.get_by_role("status").filter(has_text="problem(s):").wait_for()  # the editor's check has answered
    shown = [text.split(": ")[:2] for text in page.locator("#problems button").all_inner_texts()]
    assert shown == [[f"line {line}", field] for line, field in EXPECTED]
    bad_lines = page.locator("#gutter .bad").all_inner_texts()
    assert bad_lines == [str(line) for line in sorted({line for line, _ in EXPECTED})]
    context.close()

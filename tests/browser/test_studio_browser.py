"""Must-show 2 of issue 16 in real Chromium: write a study in the editor (a problem shown at its
line while typing, then fixed), preview it (nothing recorded), save it, take it as a participant
coming from a panel link with ``?pid=``, get redirected to the completion URL with the code, find
the pid in the export, and load the downloaded file with ``uxlab scenarios load`` unchanged
(same content hash).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from tests.browser.participant_script import DESKTOP, stored_attempts
from uxlab import auth, scenarios
from uxlab.cli import cli
from uxlab.db import get_session
from uxlab.models import Attempt, ParticipantSession, Study, StudyVersion
from uxlab.security_models import AuditEvent

pytestmark = pytest.mark.browser
EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"
# Typed into the editor after STUDY_HEAD; the stage is typed last, in two goes.
STUDY_HEAD = """slug: support-check
title: Finding support
consent: |
  Thank you for taking part.

  You will do two short tasks on our website.
site:
  base_url: /demo
questionnaires: []
free_text: Anything else?
recruit:
  completion_url: SERVER/demo/?cc={code}&pid={pid}
  capture: [pid]
tasks:
  - id: contact
    prompt: Find the contact page.
    start: /
    success: {url: /contact}
    """
STAGE_LINE = STUDY_HEAD.count("\n") + 1  # the line "stage: ..." is typed on


def sign_in(page: Any, base: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def cli_load(app: Any, path: Path) -> str:
    env = {"UXLAB_DATABASE_URL": app.config["DATABASE_URL"], "UXLAB_SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(cli, ["scenarios", "load", str(path)], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def count(app: Any, model: Any) -> int:
    with app.app_context():
        return int(get_session().exec(select(func.count()).select_from(model)).one())


def preview(tab: Any) -> None:
    """Take the draft in the preview tab: consent, two tasks on the demo site, SEQ, the last page."""
    tab.get_by_text("Preview: Finding support").wait_for()  # the new tab may still be loading
    tab.get_by_role("button", name="I agree, start the study").click()
    tab.get_by_role("button", name="Start").click()
    bar = tab.get_by_role("region", name="Study task (Preview)")
    bar.wait_for()
    assert "Preview: Your task" in bar.inner_text()
    tab.get_by_role("link", name="Contact").first.click()  # the success page: the bar ends the task
    tab.wait_for_url("**/studio/preview/support-check/task/1/seq?outcome=success")
    tab.locator("input[name=seq][value='6']").check()
    tab.get_by_role("button", name="Next").click()
    tab.get_by_role("button", name="Start").click()
    tab.get_by_role("region", name="Study task (Preview)").get_by_role("button", name="Done").click()
    tab.wait_for_url("**/task/2/seq?outcome=success")
    tab.locator("input[name=seq][value='5']").check()
    tab.get_by_role("button", name="Next").click()
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/studio/preview/support-check/thanks")


def test_write_preview_save_take_and_download_a_study(live_server: Any, browser: Any, tmp_path: Path) -> None:
    app, base = live_server.app, live_server.url
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    context = browser.new_context(accept_downloads=True, **DESKTOP)
    page = context.new_page()
    sign_in(page, base)
    page.get_by_role("link", name="New study").click()
    editor = page.get_by_label("Scenario file (YAML)")
    editor.fill(STUDY_HEAD.replace("SERVER", base))
    editor.press("End")
    page.keyboard.type("stage: consider")  # not a stage yet: the check names the line
    problem = page.locator("#problems button").first
    problem.wait_for()
    assert problem.inner_text().startswith(f"line {STAGE_LINE}: tasks[0].stage: ")
    assert page.locator(f"#gutter span:nth-child({STAGE_LINE})").get_attribute("class") == "bad"
    page.keyboard.type("ation\n")
    status = page.get_by_role("status").filter(has_text="No problems")
    status.wait_for()
    assert status.inner_text() == "No problems: support-check, 1 task(s)."
    assert page.locator("#gutter .bad").count() == 0

    # The task builder writes the second task into the file.
    page.get_by_label("Task id").fill("self-report")
    page.get_by_label("Task text").fill('Find "About us", then press Done.')
    page.get_by_label("Success: the URL reached").fill("/about")
    page.get_by_role("button", name="Add the task to the file").click()
    page.get_by_role("status").filter(has_text="2 task(s)").wait_for()
    assert '- id: "self-report"' in editor.input_value()
    # ... which a participant ends with Done: make it a self-reported task.
    editor.fill(editor.input_value().replace('success: {url: "/about"}', "success: self_report"))
    page.get_by_role("status").filter(has_text="No problems: support-check, 2 task(s).").wait_for()
    written = editor.input_value()

    with context.expect_page() as opened:
        page.get_by_role("button", name="Preview as participant").click()
    preview(opened.value)
    assert [count(app, m) for m in (Study, StudyVersion, ParticipantSession, Attempt)] == [0, 0, 0, 0]

    with page.expect_navigation():
        page.get_by_role("button", name="Save as a new version").click()
    assert page.url == base + "/studies/support-check/edit"
    assert "“Finding support”: saved as version 1." in page.get_by_role("status").first.inner_text()
    with app.app_context():
        (version,) = get_session().exec(select(StudyVersion)).all()
        saves = get_session().exec(select(AuditEvent).where(AuditEvent.action == "study_saved")).all()
    assert version.content_hash == scenarios.loads(written).content_hash()
    assert [(e.actor, e.study_slug) for e in saves] == [(EMAIL, "support-check")]

    # A participant from a panel takes the saved study.
    participant = browser.new_context(**DESKTOP).new_page()
    participant.goto(base + "/s/support-check?pid=PANEL-7")
    participant.get_by_role("button", name="I agree, start the study").click()
    participant.get_by_role("button", name="Start").click()
    bar = participant.get_by_role("region", name="Study task")
    bar.wait_for()
    assert "Preview" not in bar.inner_text()
    participant.get_by_role("link", name="Contact").first.click()
    participant.wait_for_url("**/s/support-check/task/1/seq")
    participant.locator("input[name=seq][value='6']").check()
    participant.get_by_role("button", name="Next").click()
    participant.get_by_role("button", name="Start").click()
    participant.get_by_role("region", name="Study task").get_by_role("button", name="Done").click()
    participant.wait_for_url("**/task/2/seq")
    participant.locator("input[name=seq][value='5']").check()
    participant.get_by_role("button", name="Next").click()
    participant.get_by_role("button", name="Submit").click()
    participant.wait_for_url("**/demo/?cc=*")  # the completion URL, with the code and the pid
    session, attempts, _ = stored_attempts(app, "support-check")
    assert session.finished_at is not None and session.link_params == {"pid": "PANEL-7"}
    query = parse_qs(urlsplit(participant.url).query)
    assert query == {"cc": [session.completion_code], "pid": ["PANEL-7"]}
    export = page.request.get(base + "/studies/support-check/attempts.csv").text()
    rows = list(csv.DictReader(io.StringIO(export)))
    assert [(row["task"], row["link_params"], row["completion_code"]) for row in rows] == [
        ("contact", "pid=PANEL-7", session.completion_code),
        ("self-report", "pid=PANEL-7", session.completion_code),
    ]
    assert [(a.task, a.outcome, a.seq) for a in attempts] == [
        ("contact", "success", 6),
        ("self-report", "success", 5),
    ]

    # Both downloads load unchanged: the saved version, and the editor's own text.
    for name in ("Download the saved version", "Download this text"):
        with page.expect_download() as download:
            page.get_by_role("button" if name.endswith("text") else "link", name=name).click()
        path = tmp_path / f"{len(name)}-{download.value.suggested_filename}"
        download.value.save_as(path)
        assert download.value.suggested_filename == "support-check.yaml"
        assert scenarios.load(path).content_hash() == version.content_hash
        assert cli_load(app, path) == "support-check: unchanged (version 1)\n"
    context.close()

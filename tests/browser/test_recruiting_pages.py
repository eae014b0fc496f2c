"""The recruiting pages in real Chromium, at 412 px and on a desktop: screener, own questions,
completion redirect, thanks with the code, screened out, full. Each passes axe-core (WCAG 2.1
A/AA) and the whole way through is done with the keyboard alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from sqlmodel import select

from tests.browser.participant_script import DESKTOP, HELPDESK, PHONE, button, radio, tab_to
from tests.browser.test_accessibility import no_violations
from uxlab import auth, studies
from uxlab.db import get_session
from uxlab.models import ParticipantSession, Screening

pytestmark = pytest.mark.browser


def checkbox(name: str) -> Any:
    return lambda f: f.get("type") == "checkbox" and f.get("name") == name


def text_field(name: str) -> Any:
    return lambda f: f.get("tag") == "INPUT" and f.get("name") == name


def load_panel_study(live_server: Any, tmp_path: Path) -> None:
    """The demo study cut to its self-report task, with a recruit section and questions of its own."""
    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    task = next(t for t in data["tasks"] if t["id"] == "router-warranty")
    task["questions"] = [
        {"id": "found", "type": "single", "text": "Where did you find it?", "options": ["Menu", "Search"]},
        {"id": "sure", "type": "rating", "text": "How sure are you?", "scale": {"min": 1, "max": 5}},
    ]
    data.update(slug="panel", tasks=[task], questionnaires=[], free_text=None)
    data["questions"] = [
        {"id": "used", "type": "multiple", "text": "Which pages helped?", "options": ["Products", "Support"]},
        {"id": "note", "type": "text", "text": "Anything else?"},
    ]
    data["recruit"] = {
        "completion_url": live_server.url + "/demo/?cc={code}&pid={pid}",
        "capture": ["pid"],
        "quota": {"total": 1},
        "screener": [
            {
                "id": "router",
                "type": "single",
                "text": "Do you have a router?",
                "options": ["Yes", "No"],
                "accept": ["Yes"],
            },
            {
                "id": "isp",
                "type": "multiple",
                "text": "Your providers?",
                "options": ["Acme", "Other"],
                "reject": ["Other"],
            },
        ],
    }
    path = tmp_path / "panel.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with live_server.app.app_context():
        studies.load_scenario_file(get_session(), path)


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["412px", "desktop"])
def test_panel_participant_by_keyboard_with_axe(
    live_server: Any, browser: Any, tmp_path: Path, device: Any
) -> None:
    load_panel_study(live_server, tmp_path)
    page = browser.new_context(**device).new_page()
    keys = page.keyboard
    page.goto(f"{live_server.url}/s/panel?pid=PRO-42")
    page.wait_for_url("**/s/panel/screener?pid=PRO-42")
    no_violations(page, "screener")
    fits(page)
    heights = page.eval_on_selector_all(
        ".choice-option", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert len(heights) == 4 and min(heights) >= 44  # each option's row is a 44 px target (README)
    tab_to(page, radio("router"))
    keys.press("Space")  # the first option: Yes
    tab_to(page, checkbox("isp"))
    keys.press("Space")  # Acme
    tab_to(page, button("Next"))
    keys.press("Enter")
    page.wait_for_url("**/s/panel?pid=PRO-42")
    tab_to(page, button("I agree, start the study"))
    keys.press("Enter")
    page.wait_for_url("**/task/1")
    tab_to(page, button("Start"))
    keys.press("Enter")
    page.get_by_role("region", name="Study task").wait_for()
    tab_to(page, button("Done"))
    keys.press("Enter")
    page.wait_for_url("**/task/1/seq")
    no_violations(page, "SEQ with the task's own questions")
    fits(page)
    for name in ("seq", "q_found", "q_sure"):
        tab_to(page, radio(name))
        keys.press("Space")
    tab_to(page, button("Next"))
    keys.press("Enter")
    page.wait_for_url("**/questionnaires")
    no_violations(page, "final block with own questions")
    fits(page)
    tab_to(page, checkbox("q_used"))
    keys.press("Space")
    tab_to(page, text_field("q_note"))
    keys.type("Fine.")
    tab_to(page, button("Submit"))
    keys.press("Enter")
    page.wait_for_url("**/demo/?cc=*")

    with live_server.app.app_context():
        session = get_session().exec(select(ParticipantSession)).one()
    assert session.link_params == {"pid": "PRO-42"} and session.finished_at is not None
    assert parse_qs(urlsplit(page.url).query) == {"cc": [session.completion_code], "pid": ["PRO-42"]}
    page.goto(f"{live_server.url}/s/panel/thanks")
    assert session.completion_code and session.completion_code in page.inner_text("main")
    no_violations(page, "thanks with the completion code")
    fits(page)

    latecomer = browser.new_context(**device).new_page()  # the quota of 1 is taken
    latecomer.goto(f"{live_server.url}/s/panel?pid=PRO-43")
    assert latecomer.get_by_role("heading", level=1).inner_text() == "This study is full"
    no_violations(latecomer, "study full")
    fits(latecomer)


def test_screened_out_page_by_keyboard_with_axe(live_server: Any, browser: Any, tmp_path: Path) -> None:
    load_panel_study(live_server, tmp_path)
    page = browser.new_context(
        **PHONE, locale="de-DE", extra_http_headers={"Accept-Language": "de"}
    ).new_page()
    page.goto(f"{live_server.url}/s/panel")
    tab_to(page, radio("router"))
    keys = page.keyboard
    keys.press("Space")
    tab_to(page, checkbox("isp"))
    keys.press("Tab")
    keys.press("Space")  # Other: turned away
    tab_to(page, button("Weiter"))
    keys.press("Enter")
    page.get_by_role("heading", name="Vielen Dank für Ihr Interesse").wait_for()
    no_violations(page, "screened out")
    fits(page)
    with live_server.app.app_context():
        db = get_session()
        assert len(db.exec(select(Screening)).all()) == 1
        assert db.exec(select(ParticipantSession)).all() == []

    # The researcher sees the turned-away browser counted: on the dashboard and on Questions & recruiting.
    with live_server.app.app_context():
        auth.create_user(get_session(), "rita@example.org", "a long enough password")
    researcher = browser.new_context(**PHONE).new_page()
    researcher.goto(f"{live_server.url}/studies/panel/summary")
    researcher.fill("#email", "rita@example.org")
    researcher.fill("#password", "a long enough password")
    with researcher.expect_navigation():
        researcher.click("button[type=submit]")
    live = researcher.locator("p.live")
    live.wait_for(state="visible")
    assert "0 started, 0 finished, 0 doing a task now, 1 screened out" in " ".join(live.inner_text().split())
    researcher.goto(f"{live_server.url}/studies/panel/questions")
    assert "Screened out 1" in " ".join(researcher.locator("dl.recruiting").inner_text().split())
    assert "of a quota of 1" in researcher.inner_text("main")
    no_violations(researcher, "questions and recruiting report")
    fits(researcher)


def to_the_last_page(page: Any, server_url: str, pid: str) -> None:
    """Screener, consent, the task (Done), its SEQ and questions: up to the study's last page."""
    page.goto(f"{server_url}/s/panel?pid={pid}")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("checkbox", name="Acme").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="I agree, start the study").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("region", name="Study task").get_by_role("button", name="Done").click()
    page.wait_for_url("**/task/1/seq")
    for name in ("seq", "q_found", "q_sure"):
        page.locator(f"input[name={name}]").first.check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/questionnaires")
    page.get_by_role("checkbox", name="Support").check()
    page.get_by_role("textbox").fill(f"Note from {pid}.")


def test_finishing_after_the_quota_filled_keeps_the_answers_through_double_submit_back_and_reload(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    """Two panel participants reach the last page of a one-place study; B submits first and takes
    the place. A double-clicks Submit: A's answers are stored once, A's session is finished and
    left out of the reports, and A is told that the study filled up, with no completion link to
    the panel. Back and a reload afterwards show the thanks page, which says so too (a panel
    participant must know why no code came), and store nothing more."""
    from uxlab.models import ParticipantExclusion, QuestionAnswer
    from uxlab.participants.recruiting import OVER_QUOTA_REASON

    load_panel_study(live_server, tmp_path)
    a = browser.new_context(**DESKTOP).new_page()
    b = browser.new_context(**PHONE).new_page()
    to_the_last_page(a, live_server.url, "A-1")
    to_the_last_page(b, live_server.url, "B-2")
    b.get_by_role("button", name="Submit").click()
    b.wait_for_url("**/demo/?cc=*")
    a.get_by_role("button", name="Submit").dblclick()
    heading = a.get_by_role("heading", level=1)
    heading.wait_for()
    a.wait_for_load_state()
    assert heading.inner_text() in {"This study filled up while you took part", "Thank you"}, (
        heading.inner_text()
    )
    assert "cc=" not in a.content() and "/demo/" not in a.url
    no_violations(a, "filled up while taking part")

    def stored() -> tuple[list[tuple[str, str | None]], list[str]]:
        """A's final answers and exclusion reasons; A's session is finished, without a code."""
        with live_server.app.app_context():
            db = get_session()
            (session,) = [s for s in db.exec(select(ParticipantSession)) if s.link_params == {"pid": "A-1"}]
            assert session.finished_at is not None and session.completion_code is None
            final = select(QuestionAnswer).where(
                QuestionAnswer.session_id == session.id, QuestionAnswer.task_key == ""
            )
            answers = sorted((row.question_id, row.text) for row in db.exec(final))
            why = select(ParticipantExclusion.reason).where(ParticipantExclusion.session_id == session.id)
            return answers, list(db.exec(why))

    first = stored()
    assert first == ([("note", "Note from A-1."), ("used", "Support")], [OVER_QUOTA_REASON])
    filled = "This study filled up while you took part"
    for move in (a.go_back, a.reload):  # the end of the study again, still saying why; no form
        move()
        a.wait_for_load_state()
        a.get_by_role("heading", name=filled).wait_for()
        assert a.get_by_role("button", name="Submit").count() == 0, a.url
    assert a.url.endswith("/s/panel/thanks") and "cc=" not in a.content()
    no_violations(a, "thanks after finishing over the quota")
    assert stored() == first
    b.goto(f"{live_server.url}/s/panel/thanks")  # the one who took the place: the usual thanks
    assert b.get_by_role("heading", name=filled).count() == 0 and "Your completion code" in b.content()

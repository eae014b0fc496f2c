"""The task bar from the accessibility audit: it never hides what has keyboard focus (WCAG 2.4.11)
and gives the page back its own padding when it goes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from tests.browser.test_tracker import open_task
from tests.participants.test_events_api import Participant
from uxlab.db import get_session
from uxlab.models import Study

pytestmark = pytest.mark.browser

# The page's focused element (outside the task bar) and whether it is what shows at its centre.
FOCUS_SHOWN_JS = """() => {
  const a = document.activeElement;
  if (!a || a === document.body || a.id === 'uxlab-taskbar') return null;
  const r = a.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const top = document.elementFromPoint(x, y);
  return {text: (a.innerText || '').trim().slice(0, 40), shown: !!top && (top === a || a.contains(top)),
          on: top && top.id};
}"""
PADDING_JS = (
    "[document.documentElement.style.paddingBottom, document.documentElement.style.scrollPaddingBottom]"
)


def test_tab_never_leaves_focus_under_the_task_bar(live_server: Any, browser: Any) -> None:
    study = Participant(live_server.app)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_task(page, live_server, study.start("router-warranty"))
    page.locator("#uxlab-prompt").click()  # the click is recorded; focus starts in the bar
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SHOWN_JS)
        if focus is None:  # in the task bar: the page's links are done
            if seen:
                break
            continue
        seen.append(focus)
        assert focus["shown"], (focus, [f["text"] for f in seen])
    assert {"Privacy", "Downloads"} <= {f["text"] for f in seen}, seen  # the footer's links
    bar = page.evaluate(
        "document.getElementById('uxlab-taskbar').shadowRoot.querySelector('section').offsetHeight"
    )
    assert page.evaluate(PADDING_JS) == [f"{bar}px", f"{bar}px"]

    # The study closes: the bar goes on the next answer, and the page gets its own padding back.
    with live_server.app.app_context():
        db = get_session()
        closed = db.exec(select(Study)).one()
        closed.is_open = False
        db.add(closed)
        db.commit()
    page.locator("h1").first.click()
    page.locator("#uxlab-taskbar").wait_for(state="detached")
    assert page.evaluate(PADDING_JS) == ["", ""]
    context.close()


def test_the_padding_follows_the_bar_as_the_answer_field_opens(live_server: Any, browser: Any) -> None:
    study = Participant(live_server.app)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_task(page, live_server, study.start("find-hotline"))
    before = page.evaluate(PADDING_JS)
    page.locator("#uxlab-done").click()
    page.locator("#uxlab-answer").wait_for()
    height = "document.getElementById('uxlab-taskbar').shadowRoot.getElementById('uxlab-bar').offsetHeight"
    page.wait_for_function(f"document.documentElement.style.scrollPaddingBottom === {height} + 'px'")
    assert page.evaluate(PADDING_JS) != before
    context.close()


def test_the_prompt_keeps_the_study_language_in_a_german_bar(live_server: Any, browser: Any) -> None:
    # the helpdesk study has no `language`: its text is in DEFAULT_LANGUAGE (en); a German
    # participant's bar speaks German around it (WCAG 3.1.2)
    from uxlab.models import ParticipantSession

    study = Participant(live_server.app)
    with live_server.app.app_context(), study.db() as db:
        session = db.get(ParticipantSession, study.session_id)
        assert session is not None
        session.language = "de"
        db.add(session)
        db.commit()
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_task(page, live_server, study.start("find-helpdesk"))
    bar = page.locator("#uxlab-bar")
    assert bar.get_attribute("lang") == "de" and page.locator("#uxlab-done").inner_text() != "Done"
    assert page.locator("#uxlab-prompt").get_attribute("lang") == "en"
    context.close()


def test_no_lang_mark_on_the_prompt_when_the_bar_speaks_its_language(live_server: Any, browser: Any) -> None:
    study = Participant(live_server.app)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_task(page, live_server, study.start("find-helpdesk"))
    assert page.locator("#uxlab-bar").get_attribute("lang") == "en"
    assert page.locator("#uxlab-prompt").get_attribute("lang") is None
    context.close()

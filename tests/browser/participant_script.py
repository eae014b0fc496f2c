"""A scripted participant for the browser tests: loads a study into a live server, walks its pages.

Only the production paths are used: the study goes in through ``studies.load_scenario_file``,
the participant through the pages, the tracker snippet and the events API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from sqlmodel import col, select

from uxlab import studies
from uxlab.db import get_session
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios" / "helpdesk.yaml"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PIXEL_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
DESKTOP = {"viewport": {"width": 1350, "height": 940}}
PHONE = {
    "viewport": {"width": 412, "height": 823},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PIXEL_UA,
}


def load_study(
    app: Flask,
    tmp_path: Path,
    slug: str = "helpdesk",
    *,
    tasks: list[str] | None = None,
    time_limits_s: dict[str, float] | None = None,
    **top: Any,
) -> str:
    """Load the demo study (or a copy: another slug, a subset of tasks, other limits) into ``app``."""
    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    data.update(slug=slug, **top)
    if tasks is not None:
        data["tasks"] = [t for t in data["tasks"] if t["id"] in tasks]
    for task in data["tasks"]:
        if task["id"] in (time_limits_s or {}):
            task["time_limit_s"] = (time_limits_s or {})[task["id"]]
            task.pop("target_time_s", None)  # must stay below the limit
    path = tmp_path / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with app.app_context():
        studies.load_scenario_file(get_session(), path)
    return slug


@dataclass(frozen=True)
class Stored:
    """One stored attempt, in the participant's task order."""

    task: str
    outcome: str | None
    time_on_task_s: float | None
    seq: int | None
    path: list[str]
    click_count: int


def only_session(db: Any, slug: str) -> ParticipantSession:
    """Return the one participant session of the study ``slug``."""
    (session,) = db.exec(
        select(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .join(Study, col(Study.id) == StudyVersion.study_id)
        .where(Study.slug == slug)
    ).all()
    return session


def stored_attempts(app: Flask, slug: str) -> tuple[ParticipantSession, list[Stored], list[Response]]:
    """Return the study's only session, its attempts in task order, and its responses."""
    with app.app_context():
        db = get_session()
        session = only_session(db, slug)
        rows = db.exec(
            select(Attempt, Task)
            .join(Task, col(Task.id) == Attempt.task_id)
            .where(Attempt.session_id == session.id)
        ).all()
        by_key = {
            task.key: Stored(task.key, a.outcome, a.time_on_task_s, a.seq, list(a.path), a.click_count)
            for a, task in rows
        }
        assert len(by_key) == len(rows), "one attempt per task"
        responses = list(db.exec(select(Response).where(Response.session_id == session.id)).all())
        return session, [by_key[key] for key in session.task_order], responses


class Participant:
    """Drives one participant through a study in a Playwright page and times each task."""

    def __init__(self, page: Any, server_url: str, slug: str, *, touch: bool = False) -> None:
        self.page, self.server_url, self.slug, self.touch = page, server_url, slug, touch
        self.started_at = 0.0
        # The server starts the task's clock while it handles the Start request: somewhere
        # between the request's send (started_at) and its answer, this much later.
        self.start_window_s = 0.0
        self.start_windows_s: list[float] = []  # each start()'s window, in task order
        self.took_s: list[float] = []
        # The moment of each press, on the browser's wall clock (the same clock as the
        # Start request's timestamp), so a slow test process cannot stretch the stopwatch.
        self.pressed_at_ms = 0.0
        page.expose_function("uxlabTestPressed", self._pressed)
        page.add_init_script(
            "document.addEventListener('click', function (e) {"
            " window.uxlabTestPressed(performance.timeOrigin + e.timeStamp); }, true);"
        )

    def _pressed(self, at_ms: float) -> None:
        self.pressed_at_ms = at_ms

    def press(self, locator: Any) -> None:
        """Tap on a touch screen, click otherwise."""
        if self.touch:
            locator.tap()
        else:
            locator.click()

    def consent(self) -> None:
        self.page.goto(f"{self.server_url}/s/{self.slug}")
        self.press(self.page.get_by_role("button", name="I agree, start the study"))
        self.page.wait_for_url("**/task/1")

    def start(self) -> None:
        """Press Start on the task page and wait for the task bar on the site.

        The script's clock starts when the browser sends the Start form (the request's own
        timestamp, on this machine's wall clock); the server's starts while it handles that
        request, up to ``start_window_s`` later on a loaded machine. The press that ends the
        task stops both.
        """
        with self.page.expect_request(lambda r: r.method == "POST" and "/task/" in r.url) as posted:
            self.press(self.page.get_by_role("button", name="Start"))
        self.page.get_by_role("region", name="Study task").wait_for()
        timing = posted.value.timing
        self.started_at = timing["startTime"] / 1000
        self.start_window_s = max(0.0, timing["responseEnd"] / 1000)
        self.start_windows_s.append(self.start_window_s)

    def assert_time_on_task(self, stored_s: float | None, took_s: float, within_s: float) -> None:
        """The stored time is the script's, less up to the Start round trip, give or take ``within_s``."""
        assert stored_s is not None
        low_s, high_s = took_s - self.start_window_s - within_s, took_s + within_s
        assert low_s <= stored_s <= high_s, (stored_s, took_s, self.start_window_s)

    def follow(self, selector: str, pause_s: float = 0.0) -> None:
        """Pause (reading the page), then follow a link and wait for the next page's task bar."""
        if pause_s:
            self.page.wait_for_timeout(pause_s * 1000)
        self.press(self.page.locator(selector).first)
        self.page.wait_for_load_state()

    def task_bar(self, name: str) -> Any:
        return self.page.get_by_role("region", name="Study task").get_by_role("button", name=name)

    def end_with(self, locator: Any) -> None:
        """Press what ends the task (Done, Give up, a watched element) and wait for the SEQ page.

        The task ends when the press reaches the page: the script's clock stops at that
        click's own timestamp.
        """
        self.pressed_at_ms = 0.0
        self.press(locator)
        self.page.wait_for_url("**/seq")
        assert self.pressed_at_ms, "the press never reached the page"
        self.took_s.append(self.pressed_at_ms / 1000 - self.started_at)

    def arrive(self, selector: str, path_end: str, pause_s: float = 0.0) -> None:
        """Follow the link to the success page (url criterion): the task ends when that page opens.

        The clock stops when the browser requests the page (the request's own timestamp),
        so a slow test process cannot stretch the measured time.
        """
        if pause_s:
            self.page.wait_for_timeout(pause_s * 1000)

        def is_page(request: Any) -> bool:
            return bool(request.is_navigation_request() and request.url.endswith(path_end))

        with self.page.expect_request(is_page) as opened:
            self.press(self.page.locator(selector).first)
        self.page.wait_for_url("**/seq")
        self.took_s.append(opened.value.timing["startTime"] / 1000 - self.started_at)

    def answer(self, text: str) -> None:
        self.press(self.task_bar("Done"))
        self.page.get_by_role("region", name="Study task").get_by_role("textbox").fill(text)
        self.end_with(self.task_bar("Send answer"))

    def seq(self, value: int) -> None:
        self.press(self.page.locator(f"input[name=seq][value='{value}']"))
        self.press(self.page.get_by_role("button", name="Next"))
        self.page.wait_for_url(lambda url: "/seq" not in url)

    def questionnaires(self, free_text: str) -> None:
        for group in self.page.locator("fieldset.rating").all():
            self.press(group.locator("input[type=radio]").last)
        self.page.get_by_role("textbox").fill(free_text)
        self.press(self.page.get_by_role("button", name="Submit"))
        self.page.wait_for_url("**/thanks")

    def fits_width(self) -> bool:
        """True when the page does not scroll sideways."""
        return bool(self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


# True when no caption of a table in a scroll box reaches past the screen's right edge.
CAPTIONS_FIT_JS = (
    "[...document.querySelectorAll('.table-wrap caption')]"
    ".every(c => c.getBoundingClientRect().right <= window.innerWidth + 1)"
)


# The focused element, looking inside open shadow roots (the task bar lives in one).
FOCUSED_JS = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a) return {};
  return {tag: a.tagName, text: (a.innerText || '').trim(), href: a.getAttribute('href') || '',
          name: a.getAttribute('name') || '', type: a.getAttribute('type') || ''};
}"""


def tab_to(page: Any, want: Callable[[dict[str, str]], bool], limit: int = 80) -> dict[str, str]:
    """Press Tab until the focused element is the one wanted (reads focus, only the keyboard acts)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, str] = page.evaluate(FOCUSED_JS)
        if want(focused):
            return focused
        seen.append(f"{focused.get('tag')}:{focused.get('text') or focused.get('name')}"[:40])
    raise AssertionError(f"Tab never reached the element; focus went through {seen}")


def button(label: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f.get("tag") == "BUTTON" and f.get("text") == label


def link_to(path_end: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f.get("tag") == "A" and f.get("href", "").endswith(path_end)


def radio(name: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f.get("type") == "radio" and f.get("name") == name

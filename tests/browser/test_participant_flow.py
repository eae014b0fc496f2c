"""A scripted participant completes the demo study in real Chromium, at desktop and phone size.

Between the two runs every outcome is covered: success by url (with a reload mid-task),
by click and by answer, a failure (Done without success), a give-up and a timeout (a copy
of the demo study with a 5 s limit on its last task). The stored outcomes must match the
script, and the stored times on task the script's own clock within 10% or 300 ms.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlmodel import col, func, select

from tests.browser.participant_script import DESKTOP, PHONE, Participant, load_study, stored_attempts
from tests.conftest import LiveServer, make_test_app
from uxlab import studies
from uxlab.db import get_session
from uxlab.models import ParticipantSession, Response, Study, StudyVersion

pytestmark = pytest.mark.browser

NAV_SUPPORT = "nav a[href$='/support']"
NAV_CONTACT = "nav a[href$='/contact']"
TIMEOUT_S = 5.0  # the shortest limit a scenario accepts


def assert_times_match(stored: list[Any], p: Participant) -> None:
    """Each stored time is the script's within 10% or 300 ms, less up to that task's Start round trip.

    The server starts a task's clock while it handles the Start request, which the script's
    clock (started when the request was sent) does not see: on a loaded machine the answer
    took 0.38 s once (``Participant.start_windows_s``).
    """
    for attempt, took, window_s in zip(stored, p.took_s, p.start_windows_s, strict=True):
        assert attempt.time_on_task_s is not None
        tolerance_s = max(0.3, 0.1 * took)
        low_s, high_s = took - window_s - tolerance_s, took + tolerance_s
        got = (attempt.task, attempt.time_on_task_s, took, window_s)
        assert low_s <= attempt.time_on_task_s <= high_s, got


def test_desktop_url_click_answer_give_up_and_reload(live_server: Any, browser: Any, tmp_path: Path) -> None:
    slug = load_study(live_server.app, tmp_path)
    context = browser.new_context(**DESKTOP)
    p = Participant(context.new_page(), live_server.url, slug)
    p.consent()
    # 1 find-helpdesk, success by url; the participant reloads the support page on the way.
    p.start()
    p.follow(NAV_SUPPORT, pause_s=0.8)
    p.page.reload()
    p.page.get_by_role("region", name="Study task").wait_for()
    p.follow("a#customer-portal-link", pause_s=0.5)
    p.arrive("a#helpdesk-link", "/support/helpdesk", pause_s=0.5)
    p.seq(6)
    # 2 open-ticket, success by click.
    p.start()
    p.follow(NAV_SUPPORT)
    p.follow("a#customer-portal-link")
    p.follow("a#helpdesk-link", pause_s=0.6)
    p.end_with(p.page.locator("#open-ticket"))
    p.seq(5)
    # 3 find-hotline, success by answer (punctuation and spaces do not matter).
    p.start()
    p.follow(NAV_CONTACT, pause_s=0.4)
    p.page.wait_for_timeout(1000)
    p.answer("+1 (555) 0100")
    p.seq(7)
    # 4 router-warranty: the participant gives up.
    p.start()
    p.page.wait_for_timeout(1200)
    p.end_with(p.task_bar("Give up"))
    p.seq(2)
    p.questionnaires("Took a while to find the helpdesk.")
    context.close()

    session, stored, responses = stored_attempts(live_server.app, slug)
    assert session.device_class == "desktop" and session.finished_at is not None
    assert [(a.task, a.outcome, a.seq) for a in stored] == [
        ("find-helpdesk", "success", 6),
        ("open-ticket", "success", 5),
        ("find-hotline", "success", 7),
        ("router-warranty", "give_up", 2),
    ]
    assert stored[0].path == ["/", "/support", "/support", "/support/portal", "/support/helpdesk"]
    assert_times_match(stored, p)
    assert len(responses) == 10 + 2 + 1 + 1 + 1 + 1


def test_phone_url_failure_answer_and_timeout(live_server: Any, browser: Any, tmp_path: Path) -> None:
    slug = load_study(
        live_server.app, tmp_path, "helpdesk-phone", time_limits_s={"router-warranty": TIMEOUT_S}
    )
    context = browser.new_context(**PHONE)
    p = Participant(context.new_page(), live_server.url, slug, touch=True)
    p.consent()
    assert p.fits_width()
    # 1 find-helpdesk, success by url.
    p.start()
    assert p.fits_width()
    p.follow(NAV_SUPPORT, pause_s=0.5)
    p.follow("a#customer-portal-link", pause_s=0.5)
    p.arrive("a#helpdesk-link", "/support/helpdesk")
    assert p.fits_width()
    p.page.goto(f"{live_server.url}/s/{slug}")  # coming back to the study link resumes at the SEQ
    p.page.wait_for_url("**/task/1/seq")
    p.seq(4)
    # 2 open-ticket: the participant presses Done on the helpdesk page without opening a ticket.
    p.start()
    p.follow(NAV_SUPPORT)
    p.follow("a#customer-portal-link")
    p.follow("a#helpdesk-link", pause_s=0.7)
    p.end_with(p.task_bar("Done"))
    p.seq(3)
    # 3 find-hotline, success by answer.
    p.start()
    p.follow(NAV_CONTACT, pause_s=0.6)
    p.answer("+1 555 0100")
    p.seq(6)
    # 4 router-warranty with a 5 s limit: the participant reads and runs out of time.
    p.start()
    p.page.wait_for_url("**/seq", timeout=15_000)
    assert time.time() - p.started_at >= TIMEOUT_S - 0.3  # not ended early
    p.took_s.append(TIMEOUT_S)  # the script waited out the limit; the stored time is the limit
    assert "The time for this task ran out." in p.page.content()
    p.seq(1)
    assert p.fits_width()
    p.questionnaires("Fine on my phone.")
    assert p.fits_width()
    context.close()

    session, stored, responses = stored_attempts(live_server.app, slug)
    assert session.device_class == "phone" and session.finished_at is not None
    assert [(a.task, a.outcome, a.seq) for a in stored] == [
        ("find-helpdesk", "success", 4),
        ("open-ticket", "failure", 3),
        ("find-hotline", "success", 6),
        ("router-warranty", "timeout", 1),
    ]
    assert stored[1].click_count >= 3
    assert_times_match(stored, p)
    assert {(r.questionnaire, r.item, r.value) for r in responses if r.questionnaire == "nps"} == {
        ("nps", 1, 10)
    }


# --- double clicks on a slow link: one session, one set of answers ---------------------------

DOUBLE_CLICK_TRIALS = 5
SLOW_ANSWER_S = 0.6  # a form post's answer reaches the browser this late: the second click is sent first
CLICK_GAP_MS = 150  # between the two presses of a double click


def double_click(page: Any, locator: Any) -> None:
    """Press twice, as an impatient participant does; the mouse does not wait for the first navigation."""
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(CLICK_GAP_MS)
    page.mouse.click(x, y)


def lands_on(page: Any, path_end: str) -> None:
    """Wait until the tab shows ``path_end`` (the first click's navigation is aborted by the second)."""
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(re.escape(path_end) + "$"), timeout=15_000)
    page.wait_for_load_state()


class SlowAnswers:
    """Hold back the answers to form posts, as a slow link does, once the server has handled them."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app, self.delay_s = wsgi_app, 0.0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        body = self.wsgi_app(environ, start_response)
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].startswith("/s/"):
            time.sleep(self.delay_s)
        return body


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def slow_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[LiveServer, SlowAnswers]]:
    """A live server over SQLite, then over PostgreSQL, whose form answers can be held back."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    server_app = make_test_app(tmp_path, url, WTF_CSRF_ENABLED=True)
    slow = SlowAnswers(server_app.wsgi_app)
    server_app.wsgi_app = slow  # type: ignore[method-assign]
    with LiveServer(server_app) as server:
        server_app.config["PUBLIC_URL"] = server.url
        yield server, slow
    server_app.extensions["uxlab.engine"].dispose()


def sessions_of(server: LiveServer, slug: str) -> list[tuple[Any, int]]:
    """Each session of the study: when it finished, and how many answers it has."""
    with server.app.app_context():
        db = get_session()
        rows = db.exec(
            select(ParticipantSession.finished_at, func.count(col(Response.id)))
            .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
            .join(Study, col(Study.id) == StudyVersion.study_id)
            .outerjoin(Response, col(Response.session_id) == ParticipantSession.id)
            .where(Study.slug == slug)
            .group_by(col(ParticipantSession.id), col(ParticipantSession.finished_at))
        ).all()
        return [(finished, int(answers)) for finished, answers in rows]


def test_double_clicks_on_consent_and_submit_store_one_session_and_one_set_of_answers(
    slow_server: tuple[LiveServer, SlowAnswers], browser: Any, tmp_path: Path
) -> None:
    """Guards point 1: the consent page hands out the participant's id before consent, so a
    consent posted twice finds one session; a questionnaire posted twice is stored once.

    Fails without it (the id made only at consent): two sessions per double-clicking participant.
    """
    server, slow = slow_server
    slug = load_study(server.app, tmp_path, tasks=["router-warranty"], questionnaires=["umux_lite"])
    posts: list[str] = []
    for trial in range(DOUBLE_CLICK_TRIALS):
        context = browser.new_context(**DESKTOP)
        p = Participant(context.new_page(), server.url, slug)
        p.page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        p.page.goto(f"{server.url}/s/{slug}")
        slow.delay_s = SLOW_ANSWER_S
        double_click(p.page, p.page.get_by_role("button", name="I agree, start the study"))
        lands_on(p.page, "/task/1")
        slow.delay_s = 0.0
        assert len(sessions_of(server, slug)) == trial + 1, "one session per participant"
        p.start()
        p.end_with(p.task_bar("Give up"))
        p.seq(4)
        for group in p.page.locator("fieldset.rating").all():
            group.locator("input[type=radio]").last.check()
        slow.delay_s = SLOW_ANSWER_S
        double_click(p.page, p.page.get_by_role("button", name="Submit"))
        lands_on(p.page, "/thanks")
        slow.delay_s = 0.0
        context.close()
    rows = sessions_of(server, slug)
    # Both clicks were sent each time; still one session per participant, finished, with
    # its two UMUX-Lite answers stored once.
    assert sum(url.endswith(f"/s/{slug}") for url in posts) == 2 * DOUBLE_CLICK_TRIALS
    assert sum(url.endswith("/questionnaires") for url in posts) == 2 * DOUBLE_CLICK_TRIALS
    assert len(rows) == DOUBLE_CLICK_TRIALS
    assert all(finished is not None and answers == 2 for finished, answers in rows), rows


def test_a_site_under_a_base_path_opens_its_start_page_with_the_task_bar(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    """``base_url: /demo/products`` and the default ``start: /`` open /demo/products (not a 404 at .../).

    Guards point 5 (``Site.url_for``: ``/`` is the base URL as written); fails without it: the
    participant is sent to /demo/products/, a 404 without a task bar.
    """
    scenario = tmp_path / "products.yaml"
    scenario.write_text(
        "slug: products\ntitle: Products\nconsent: You agree.\nsite: {base_url: /demo/products}\n"
        "tasks:\n  - {id: x200, prompt: Open X200., success: {url: /router-x200}, stage: consideration}\n",
        encoding="utf-8",
    )
    with live_server.app.app_context():
        studies.load_scenario_file(get_session(), scenario)
    context = browser.new_context(**DESKTOP)
    p = Participant(context.new_page(), live_server.url, "products")
    p.consent()
    p.start()
    assert urlsplit(p.page.url).path == "/demo/products"
    p.arrive("a[href$='/products/router-x200']", "/demo/products/router-x200", pause_s=0.3)
    p.seq(5)
    context.close()
    _, stored, _ = stored_attempts(live_server.app, "products")
    assert [(a.outcome, a.path) for a in stored] == [("success", ["/", "/router-x200"])]

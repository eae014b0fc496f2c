"""A scripted participant completes the demo study in real Chromium, at desktop and phone size.

Between the two runs every outcome is covered: success by url (with a reload mid-task),
by click and by answer, a failure (Done without success), a give-up and a timeout (a copy
of the demo study with a 5 s limit on its last task). The stored outcomes must match the
script, and the stored times on task the script's own clock within 10% or 300 ms.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.participant_script import DESKTOP, PHONE, Participant, load_study, stored_attempts

pytestmark = pytest.mark.browser

NAV_SUPPORT = "nav a[href$='/support']"
NAV_CONTACT = "nav a[href$='/contact']"
TIMEOUT_S = 5.0  # the shortest limit a scenario accepts


def assert_times_match(stored: list[Any], took_s: list[float]) -> None:
    for attempt, took in zip(stored, took_s, strict=True):
        assert attempt.time_on_task_s is not None
        tolerance_s = max(0.3, 0.1 * took)
        assert abs(attempt.time_on_task_s - took) <= tolerance_s, (attempt.task, attempt.time_on_task_s, took)


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
    assert_times_match(stored, p.took_s)
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
    assert_times_match(stored, p.took_s)
    assert {(r.questionnaire, r.item, r.value) for r in responses if r.questionnaire == "nps"} == {
        ("nps", 1, 10)
    }

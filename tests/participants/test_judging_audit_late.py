"""Done pressed offline in time counts however late it arrives, sweep or no sweep (audit t5c/t5d).

Done pressed offline 1 s into a task and delivered after the limit counted 1 s when it
arrived before the sweep, and got 410 (an abandoned timeout) when it arrived after it: the
result hung on the sweep's timing. An attempt the server ended as abandoned (no tracker saw
the limit) now takes a late batch with an event that counts by the late-delivery rule,
judged as if the server had not ended it, until the participant moves on (answers the
task's SEQ question; the session finishes; the study closes). SQLite and PostgreSQL;
``router-warranty`` (Done is a success) has a 120 s limit, CLOCK_TOLERANCE_S is 5 s.
"""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from tests.participants.test_events_api import Participant, ev, page, post_sent
from uxlab.db import get_session
from uxlab.models import Attempt
from uxlab.participants import attempts, sweep

AFTER_S = 130  # past the 120 s limit and its 5 s tolerance


def _sweep(study: Participant, token: str) -> None:
    with study.app.app_context():
        assert sweep.end_overdue(get_session()) == 1
    attempt = study.attempt(token)
    assert (attempt.outcome, attempt.abandoned) == ("timeout", True)


def _late_done(study: Participant, token: str) -> tuple[int, dict[str, object]]:
    """Done pressed at 1 s, sent on reconnecting at 130 s by a clock that agrees."""
    response = post_sent(study, token, [page("/", 200), ev("done", 1000)], AFTER_S * 1000)
    return response.status_code, response.get_json()


def test_done_pressed_offline_in_time_counts_before_and_after_the_sweep(any_app: Flask) -> None:
    study = Participant(any_app)
    before = study.start("router-warranty", started_s_ago=AFTER_S)
    status, body = _late_done(study, before)
    assert (status, body["outcome"], study.attempt(before).time_on_task_s) == (200, "success", 1.0)

    after = study.start("router-warranty", started_s_ago=AFTER_S)
    _sweep(study, after)
    status, body = _late_done(study, after)
    assert (status, body["ended"], body["outcome"]) == (200, True, "success")
    attempt = study.attempt(after)
    assert (attempt.outcome, attempt.time_on_task_s, attempt.abandoned) == ("success", 1.0, False)
    assert (attempt.path, study.event_count()) == (["/"], 4)  # both batches' page view and Done


def test_a_late_batch_with_nothing_in_time_leaves_the_abandoned_timeout(any_app: Flask) -> None:
    study = Participant(any_app)
    token = study.start("router-warranty", started_s_ago=AFTER_S)
    _sweep(study, token)
    response = post_sent(study, token, [ev("done", 128_000)], AFTER_S * 1000)  # past the limit
    assert response.status_code == 410
    assert (study.attempt(token).abandoned, study.event_count()) == (True, 0)


def test_after_the_seq_answer_a_late_batch_is_refused(any_app: Flask) -> None:
    study = Participant(any_app)
    token = study.start("router-warranty", started_s_ago=AFTER_S)
    _sweep(study, token)
    with any_app.app_context():
        db = get_session()
        assert attempts.record_seq(db, db.exec(select(Attempt).where(Attempt.token == token)).one(), 3)
    assert _late_done(study, token)[0] == 410
    attempt = study.attempt(token)
    assert (attempt.outcome, attempt.abandoned, study.event_count()) == ("timeout", True, 0)


def test_a_timeout_a_tracker_saw_is_not_reopened(any_app: Flask) -> None:
    study = Participant(any_app)
    token = study.start("router-warranty", started_s_ago=AFTER_S)
    assert study.client.get(f"/api/v1/attempts/{token}").get_json()["outcome"] == "timeout"
    assert _late_done(study, token)[0] == 410
    assert (study.attempt(token).outcome, study.attempt(token).abandoned) == ("timeout", False)

"""One deadline rule and the configured settings on every path that can end an attempt."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, select

from tests.conftest import make_test_app
from uxlab import scenarios, studies
from uxlab.db import get_session
from uxlab.models import Attempt, ParticipantSession, Response, StudyVersion, utcnow
from uxlab.participants import attempts, sessions

LIMIT_S = 60
ONE_TASK = f"""\
slug: deadline
title: Deadlines
consent: You agree.
site: {{base_url: /demo}}
questionnaires: [umux_lite]
tasks:
  - {{id: only, prompt: Find the helpdesk., success: {{url: /support/helpdesk}}, stage: retention,
     time_limit_s: {LIMIT_S}}}
"""


def _app(tmp_path: Path, tolerance_s: float) -> Flask:
    app = make_test_app(tmp_path, CLOCK_TOLERANCE_S=tolerance_s)
    with app.app_context():
        studies.store_scenario(get_session(), scenarios.loads(ONE_TASK))
    return app


def started_ago(app: Flask, seconds: float) -> None:
    """Move the running attempt's Start back, as if the participant had started it ``seconds`` ago."""
    with app.app_context():
        db = get_session()
        attempt = db.exec(select(Attempt)).one()
        attempt.started_at = utcnow() - timedelta(seconds=seconds)
        db.add(attempt)
        db.commit()


def only_attempt(app: Flask) -> Attempt:
    """The one attempt of the test's study, as stored now."""
    with app.app_context():
        return get_session().exec(select(Attempt)).one()


# Overdue by 20 s: past a 5 s tolerance, within 60 s; by 3 s: within 5 s, past 1 s. Before
# the settings reached these paths, the SEQ and questionnaire posts judged with 5 s whatever
# was configured, so each case below came out the other way.
@pytest.mark.parametrize(
    ("post", "tolerance_s", "overdue_s", "goes_to", "outcome"),
    [
        ("/s/deadline/task/1/seq", 60.0, 20, "/s/deadline/task/1", None),
        ("/s/deadline/task/1/seq", 1.0, 3, "/s/deadline/questionnaires", "timeout"),
        ("/s/deadline/questionnaires", 60.0, 20, "/s/deadline/task/1", None),
        ("/s/deadline/questionnaires", 1.0, 3, "/s/deadline/task/1/seq", "timeout"),
    ],
)
def test_the_configured_clock_tolerance_reaches_the_seq_and_questionnaire_posts(
    tmp_path: Path, post: str, tolerance_s: float, overdue_s: float, goes_to: str, outcome: str | None
) -> None:
    app = _app(tmp_path, tolerance_s)
    client = app.test_client()
    client.post("/s/deadline")
    client.post("/s/deadline/task/1")
    started_ago(app, LIMIT_S + overdue_s)
    answers = {"seq": "5", "umux_lite_1": "6", "umux_lite_2": "6"}
    response = client.post(post, data=answers)
    assert (response.status_code, response.location) == (303, goes_to)
    assert only_attempt(app).outcome == outcome
    app.extensions["uxlab.engine"].dispose()


@pytest.mark.parametrize(("tolerance_s", "outcome"), [(60.0, None), (1.0, "timeout")])
def test_every_path_without_an_event_judges_the_same_deadline(
    tmp_path: Path, tolerance_s: float, outcome: str | None
) -> None:
    """The tracker's state request and the task page agree with the posts above."""
    app = _app(tmp_path, tolerance_s)
    client = app.test_client()
    client.post("/s/deadline")
    client.post("/s/deadline/task/1")
    started_ago(app, LIMIT_S + 3)
    token = only_attempt(app).token
    state = client.get(f"/api/v1/attempts/{token}").get_json()
    assert (state["ended"], state["outcome"]) == (outcome is not None, outcome)
    page = client.get("/s/deadline/task/1")
    assert page.status_code == (200 if outcome is None else 302)
    app.extensions["uxlab.engine"].dispose()


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    apps = (make_test_app(tmp_path / "a"), make_test_app(tmp_path / "b"))
    yield apps
    for app in apps:
        app.extensions["uxlab.engine"].dispose()


def test_scenario_of_keeps_one_reading_per_app_keyed_by_version_and_content(
    two_apps: tuple[Flask, Flask],
) -> None:
    first, second = two_apps
    with first.app_context():
        db: Session = get_session()
        version, _ = studies.store_scenario(db, scenarios.loads(ONE_TASK))
        read = studies.scenario_of(version)
        assert studies.scenario_of(db.get(StudyVersion, version.id)) is read
        edited = scenarios.loads(ONE_TASK.replace(f"time_limit_s: {LIMIT_S}", "time_limit_s: 90"))
        version.scenario, version.content_hash = edited.to_dict(), edited.content_hash()
        assert studies.scenario_of(version).task("only").time_limit_s == 90
    with second.app_context():
        assert studies.scenario_of(version) is not read  # another app reads for itself
    cache = studies.ScenarioCache(entries=2)
    for number in range(5):
        cache.get(
            StudyVersion(id=number, study_id=1, number=number, content_hash="h", scenario=edited.to_dict())
        )
    assert len(cache) == 2


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_parallel_consents_and_answers_of_one_browser_store_once(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    """Requests that arrive together (a double click on a slow link) run in parallel threads here."""
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else ""
    app = make_test_app(tmp_path, url)
    with app.app_context():
        version, _ = studies.store_scenario(get_session(), scenarios.loads(ONE_TASK))
    public_id = sessions.new_public_id()

    def both(call: Callable[[Session], object]) -> None:
        barrier = threading.Barrier(2)

        def run() -> None:
            with app.app_context():
                barrier.wait()
                call(get_session())

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    both(lambda db: sessions.start_session(db, db.get(StudyVersion, version.id), "", "", public_id))
    with app.app_context():
        db = get_session()
        (session,) = db.exec(select(ParticipantSession)).all()
        sessions.begin_task(db, session, 1, "http://localhost")
        attempts.end_attempt(db, db.exec(select(Attempt)).one(), "give_up")
        sessions.save_seq(db, session, 1, "3")
    answers = {"umux_lite_1": "6", "umux_lite_2": "5"}
    both(lambda db: sessions.save_responses(db, db.get(ParticipantSession, session.id), answers))
    with app.app_context():
        assert len(get_session().exec(select(Response)).all()) == 2
    app.extensions["uxlab.engine"].dispose()

"""A study closed or edited through one server takes effect on another at once (issue 13, must-show 4).

Two app instances over one database (SQLite file or PostgreSQL schema), as two gunicorn
workers or two servers behind a balancer: each has its own caches. The documented time is
zero: every request reads the study's open flag and current version from the database;
the only per-app cache on these paths (``studies.scenario_of``) is keyed by a stored
version's id and content hash, which never change, so it cannot serve stale study state.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, select

from tests.conftest import make_test_app
from tests.participants.test_events_api import Participant, page
from uxlab import studies
from uxlab.models import ParticipantSession, StudyVersion

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "helpdesk.yaml"
OLD_PROMPT, NEW_PROMPT = "Find the helpdesk portal.", "Find the support portal."


@pytest.fixture
def other_app(any_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second app over ``any_app``'s database: another server process's view of it."""
    second = make_test_app(tmp_path / "other", any_app.config["DATABASE_URL"])
    yield second
    second.extensions["uxlab.engine"].dispose()


def _session(app: Flask) -> Session:
    return Session(app.extensions["uxlab.engine"], expire_on_commit=False)


def test_close_and_edit_on_one_app_take_effect_on_the_other(
    any_app: Flask, other_app: Flask, tmp_path: Path
) -> None:
    scenario_file = tmp_path / "helpdesk.yaml"
    shutil.copy(DEMO, scenario_file)
    assert OLD_PROMPT in scenario_file.read_text()
    with _session(any_app) as db:
        studies.load_scenario_file(db, scenario_file)
    participant = Participant(other_app, scenario_file)  # unchanged file: the same version 1
    token = participant.start("find-helpdesk")
    visitor = other_app.test_client()
    # Warm the other app: its scenario cache and pool now hold the open study's version 1.
    assert participant.post(token, [page("/")]).status_code == 200
    assert visitor.get("/s/helpdesk").status_code == 200

    with _session(any_app) as db:
        studies.set_open(db, "helpdesk", False, actor="test")  # what the researcher's Close button calls
    closed = participant.post(token, [page("/support", 1500)])
    assert closed.status_code == 410 and "closed" in closed.get_json()["error"]["message"]
    assert visitor.get("/s/helpdesk", headers={"Accept": "text/html"}).status_code == 410

    with _session(any_app) as db:
        studies.set_open(db, "helpdesk", True, actor="test")
    assert participant.post(token, [page("/support", 1500)]).status_code == 200

    scenario_file.write_text(scenario_file.read_text().replace(OLD_PROMPT, NEW_PROMPT))
    with _session(any_app) as db:
        v2, created = studies.load_scenario_file(db, scenario_file)
    assert created and v2.number == 2
    newcomer = other_app.test_client()
    task_page = newcomer.post("/s/helpdesk", follow_redirects=True)
    assert task_page.status_code == 200
    with _session(any_app) as db:
        newest = db.exec(select(ParticipantSession).order_by(ParticipantSession.id.desc())).first()  # type: ignore[union-attr]
        assert newest is not None and newest.id != participant.session_id
        version = db.get(StudyVersion, newest.study_version_id)
        assert version is not None and version.number == 2
    first_task = newcomer.get("/s/helpdesk/task/1")
    assert NEW_PROMPT in first_task.get_data(as_text=True)

"""A study's ``site.retention_days``: the sweep deletes old raw events, results stay (issue 12).

The seed (tests/results_seed.py) records Ana's two attempts and Ben's ended first attempt
with their tracker events, and Ben's running second attempt. Ana's attempts are moved 40
days into the past (start and end, so every figure stays the same); with
``retention_days: 30`` the sweep deletes exactly her events (counted before) and keeps
Ben's, and the attempt rows and the CX summary are the same before and after.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlmodel import col, select

from tests.results_seed import SCENARIO, seed_results
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.errors import ScenarioError
from uxlab.models import Attempt, Event, ParticipantSession
from uxlab.participants import retention
from uxlab.reports.summary import build_summary
from uxlab.scenarios import writer
from uxlab.scenarios.loader import loads
from uxlab.scenarios.schema import Scenario

KEEPING_30_DAYS = SCENARIO.replace("site: {base_url: /demo}", "site: {base_url: /demo, retention_days: 30}")


def _events_of(app: Flask, public_id: str) -> int:
    with app.app_context():
        query = (
            select(Event.id)
            .join(Attempt, col(Attempt.id) == Event.attempt_id)
            .join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id)
            .where(ParticipantSession.public_id == public_id)
        )
        return len(get_session().exec(query).all())


def _attempts(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        return [a.model_dump() for a in get_session().exec(select(Attempt).order_by(col(Attempt.id))).all()]


def _summary(app: Flask, now: datetime) -> Any:
    with app.app_context():
        return build_summary(get_session(), "shop", now=now)


def test_the_sweep_deletes_events_past_retention_and_keeps_every_result(
    any_app: Flask, tmp_path: Path
) -> None:
    with any_app.app_context():
        db = get_session()
        seeded = seed_results(db, tmp_path, KEEPING_30_DAYS)
        ana = db.exec(select(ParticipantSession).where(ParticipantSession.public_id == seeded.ana)).one()
        for attempt in db.exec(select(Attempt).where(Attempt.session_id == ana.id)).all():
            assert attempt.ended_at is not None
            attempt.started_at -= timedelta(days=40)
            attempt.ended_at -= timedelta(days=40)
            db.add(attempt)
        db.commit()
        now = max(a.started_at for a in db.exec(select(Attempt)).all()) + timedelta(hours=1)
    ana_events, ben_events = _events_of(any_app, seeded.ana), _events_of(any_app, seeded.ben)
    assert (ana_events, ben_events) == (9, 8)  # the seed's 5 + 4 and 8 tracker events
    attempts_before, summary_before = _attempts(any_app), _summary(any_app, now)
    env = {"UXLAB_DATABASE_URL": database_url(any_app), "UXLAB_SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(cli, ["sweep"], env=env)
    assert result.exit_code == 0, result.stderr
    assert f"deleted {ana_events} tracker events past their study's retention_days" in result.stdout
    assert (_events_of(any_app, seeded.ana), _events_of(any_app, seeded.ben)) == (0, ben_events)
    assert _attempts(any_app) == attempts_before
    assert _summary(any_app, now) == summary_before
    with any_app.app_context():  # a second sweep finds nothing more to delete
        assert retention.delete_old_events(get_session()) == 0


def test_the_sweep_keeps_events_of_a_study_without_retention(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        db = get_session()
        seed_results(db, tmp_path)
        total = len(db.exec(select(Event.id)).all())
        far_future = max(a.started_at for a in db.exec(select(Attempt)).all()) + timedelta(days=10_000)
        assert retention.delete_old_events(db, now=far_future) == 0
        assert len(db.exec(select(Event.id)).all()) == total > 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "site.retention_days: is 0, below the minimum"),
        ("2.5", "site.retention_days: expected a whole number of days"),
        ("soon", "site.retention_days: expected a whole number of days"),
    ],
)
def test_retention_days_is_validated_with_file_line_and_field(value: str, message: str) -> None:
    text = SCENARIO.replace("site: {base_url: /demo}", f"site: {{base_url: /demo, retention_days: {value}}}")
    with pytest.raises(ScenarioError) as raised:
        loads(text, "shop.yaml")
    # site: is line 5 of the seed's scenario
    assert f"shop.yaml:5: {message}" in str(raised.value)


def test_retention_days_survives_storage_and_the_written_file() -> None:
    """A stored version (``to_dict``) and a downloaded file (``writer.dumps``) keep the setting."""
    scenario = loads(KEEPING_30_DAYS, "shop.yaml")
    assert scenario.site.retention_days == 30
    assert Scenario.from_dict(scenario.to_dict()).site.retention_days == 30
    assert loads(writer.dumps(scenario), "written.yaml") == scenario

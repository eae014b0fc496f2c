"""The live box beside the report figures leaves excluded participants out, as the figures do;
the count of excluded participants is the version shown's.

``tests.summary_seed``'s six participants, recorded through the production paths; one is
excluded the way the attempts page does it (``exclusions.exclude``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlmodel import col, select

import tests.summary_seed as seed
from tests.web.test_reports_pages import signed_in
from uxlab import studies
from uxlab.db import get_session
from uxlab.models import ParticipantSession
from uxlab.participants import attempts, exclusions, sessions
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary


def test_live_counts_leave_excluded_participants_out(any_app: Flask, tmp_path: Path) -> None:
    client = signed_in(any_app, tmp_path)
    with any_app.app_context():
        db = get_session()
        first = db.exec(select(ParticipantSession).order_by(col(ParticipantSession.id))).first()
        assert first is not None
        exclusions.exclude(db, first.public_id, "speeder", study_slug="cx", actor="test")
        # an excluded bot still at work: its running attempt is not counted either
        version = studies.current_version(db, studies.get_study(db, "cx"))
        bot = sessions.start_session(db, version, seed.DESKTOP_UA, "en")
        attempts.start_attempt(db, bot, studies.tasks_of(db, version)[0])
        exclusions.exclude(db, bot.public_id, "bot", study_slug="cx", actor="test")
    live = client.get("/studies/cx/live.json").get_json()
    assert live == {"participants": 5, "screened_out": 0, "finished": 5, "attempts": 15, "running": 0}
    summary = client.get("/studies/cx/summary.json").get_json()
    assert (summary["participants"], summary["finished"], summary["attempts"]) == (5, 5, 15)


def test_the_excluded_count_is_the_version_shown(any_app: Flask, tmp_path: Path) -> None:
    # one participant excluded in version 1, two in version 2: each version shows its own
    with any_app.app_context():
        db = get_session()
        seed.seed(db, tmp_path)
        v2 = seed.load(db, tmp_path, seed.SCENARIO.replace("the helpdesk portal", "the helpdesk"))
        v1_people = db.exec(select(ParticipantSession).order_by(col(ParticipantSession.id))).all()
        exclusions.exclude(db, v1_people[0].public_id, "speeder", study_slug="cx", actor="test")
        for person in seed.PEOPLE[:2]:
            added = seed.add_person(db, v2, person)
            exclusions.exclude(db, added.public_id, "bot", study_slug="cx", actor="test")
        counts = {v: build_summary(db, "cx", Filters(version=v)).excluded for v in (None, 1, 2)}
    assert counts == {None: 3, 1: 1, 2: 2}

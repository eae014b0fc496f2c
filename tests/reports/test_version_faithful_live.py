"""The live box beside the report figures leaves excluded participants out, as the figures do.

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

"""Demo data: the first sign-in shows results everywhere, and one call removes them again."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from flask import Flask
from sqlmodel import col, select

from uxlab import auth
from uxlab.db import get_session
from uxlab.demo import data as demo_data
from uxlab.demo.setup import prepare_demo
from uxlab.models import ApiToken, Attempt, ParticipantSession, ProbeUpload, Study, StudyVersion

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
EMAIL, PASSWORD = "rita@example.org", "a long enough password"


@pytest.fixture
def demo_app(any_app: Flask) -> Flask:
    with any_app.app_context():
        db = get_session()
        made = demo_data.add_demo_data(db, SCENARIOS / "helpdesk.yaml", people=25)
        assert made is not None and made.participants == 25 and made.versions == 2
    prepare_demo(any_app, SCENARIOS)  # the file is version 2 already: no new version
    with any_app.app_context():
        db = get_session()
        assert demo_data.add_demo_data(db, SCENARIOS / "helpdesk.yaml", people=25) is None  # only once
        auth.create_user(db, EMAIL, PASSWORD, auth.ADMIN)  # the demo studies have no owner: admins see them
    return any_app


def _signed_in(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0] if "csrf_token" in form else ""
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    return client


def test_reports_show_data_at_once(demo_app: Flask) -> None:
    client = _signed_in(demo_app)
    summary = client.get("/studies/helpdesk/summary.json").get_json()
    assert summary["participants"] >= 15  # the current version's and the earlier one's
    with demo_app.app_context():
        db = get_session()
        outcomes = set(db.exec(select(Attempt.outcome)).all())
        assert {"success", "failure", "give_up", "timeout"} <= outcomes
        # participants who closed the tab mid-task: ended by the server at the limit (README, Participants)
        assert db.exec(select(Attempt).where(Attempt.abandoned, Attempt.outcome == "timeout")).first()
        devices = set(db.exec(select(ParticipantSession.device_class)).all())
        languages = set(db.exec(select(ParticipantSession.language)).all())
        assert {"desktop", "phone"} <= devices and {"en", "de"} <= languages
        helpdesk = db.exec(select(Study).where(Study.slug == "helpdesk")).one()
        assert len(db.exec(select(StudyVersion).where(StudyVersion.study_id == helpdesk.id)).all()) == 2
    journey = client.get("/studies/helpdesk/journey").get_data(as_text=True)
    assert "No data" not in journey.split('id="stage-retention"')[1].split('class="stage"')[0]
    assert client.get("/studies/helpdesk/compare").status_code == 200  # two versions
    variants = client.get("/studies/helpdesk/compare?variant=helpdesk-b").get_data(as_text=True)
    assert "helpdesk against helpdesk-b" in variants
    probes = client.get("/studies/helpdesk/probes").get_data(as_text=True)
    assert "/support/helpdesk" in probes
    history = client.get("/studies/helpdesk/probes/page?path=/").get_data(as_text=True)
    assert history.count("<svg") >= 1
    schema = json.loads((SCHEMAS / "probe-report-v1.schema.json").read_text(encoding="utf-8"))
    with demo_app.app_context():
        uploads = get_session().exec(select(ProbeUpload)).all()
        assert len({u.branch for u in uploads}) == 2 and len(uploads) == 6
        for upload in uploads:  # what a real `uxlab probe --json` would have sent
            jsonschema.validate(upload.report, schema)


def test_demo_answers_are_dated_with_their_participants(demo_app: Flask) -> None:
    """The demo back-dates its participants over the past weeks; their questionnaire answers
    were all dated the moment the demo was made (responses.csv's answered_at)."""
    from uxlab.models import Response

    with demo_app.app_context():
        db = get_session()
        query = select(ParticipantSession.finished_at, Response.created_at).join(
            Response, col(Response.session_id) == ParticipantSession.id
        )
        pairs = db.exec(query).all()
    assert pairs and all(finished == answered for finished, answered in pairs)
    assert len({answered for _, answered in pairs}) > 10  # spread over the participants, not one moment


def test_removing_demo_data_keeps_real_participants(demo_app: Flask) -> None:
    with demo_app.app_context():
        db = get_session()
        # the oldest session, one of the demo study's own (rows come in no set order on PostgreSQL)
        real = db.exec(select(ParticipantSession).order_by(col(ParticipantSession.id))).first()
        assert real is not None
        real.user_agent = "a real browser"  # stands for a participant who took the demo study
        db.add(real)
        db.commit()
        removed = demo_data.remove_demo_data(db)
        assert removed == 24
        left = db.exec(select(ParticipantSession)).all()
        assert [p.user_agent for p in left] == ["a real browser"]
        assert db.exec(select(ProbeUpload)).all() == [] and db.exec(select(ApiToken)).all() == []
        assert db.exec(select(Study).where(Study.slug == "helpdesk-b")).first() is None
        assert db.exec(select(Study).where(Study.slug == "helpdesk")).one().is_open

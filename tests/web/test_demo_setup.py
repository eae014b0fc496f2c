"""`uxlab demo`'s set-up (everything but serving): schema, scenarios, demo researcher, links."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlmodel import select

from uxlab import auth
from uxlab.db import get_session
from uxlab.demo.setup import DEMO_EMAIL, prepare_demo
from uxlab.models import Study, StudyVersion

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_demo_setup_loads_studies_and_makes_a_researcher(app: Flask) -> None:
    first = prepare_demo(app, SCENARIOS, with_data=False)  # demo data: tests/web/test_demo_data.py
    assert "http://127.0.0.1:5000/s/helpdesk" in first.participant_urls
    assert first.login_url == "http://127.0.0.1:5000/login"
    assert first.email == DEMO_EMAIL
    assert first.password is not None
    with app.app_context():
        db = get_session()
        assert auth.authenticate(db, DEMO_EMAIL, first.password) is not None
        slugs = set(db.exec(select(Study.slug)).all())
        assert {url.rsplit("/", 1)[1] for url in first.participant_urls} == slugs
        versions = len(db.exec(select(StudyVersion)).all())

    again = prepare_demo(app, SCENARIOS, with_data=False)
    assert again.password is not None and again.password != first.password
    with app.app_context():
        db = get_session()
        assert auth.authenticate(db, DEMO_EMAIL, again.password) is not None
        assert auth.authenticate(db, DEMO_EMAIL, first.password) is None
        assert len(db.exec(select(StudyVersion)).all()) == versions  # unchanged files: no new versions
        assert auth.count_users(db) == 1


def test_demo_setup_leaves_real_accounts_alone(app: Flask) -> None:
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
    setup = prepare_demo(app, SCENARIOS, with_data=False)
    assert setup.email is None and setup.password is None
    with app.app_context():
        assert auth.count_users(get_session()) == 1

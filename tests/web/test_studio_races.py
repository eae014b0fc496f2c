"""Saving a new study twice at once in the browser editor (a double click), over SQLite and PostgreSQL.

Both posts found no study with the slug; the second's insert broke the unique slug and
answered 500, and for a moment the first's study had no owner, so the same researcher's
other post was told the slug "is taken" (409).
"""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from tests.races import twice_at_once
from tests.web.test_studio import GOOD, _signed_in
from uxlab.db import get_session
from uxlab.models import Study, StudyVersion, User
from uxlab.security_models import AuditEvent


def test_a_double_click_on_save_stores_one_study_owned_by_its_author(any_app: Flask) -> None:
    first = _signed_in(any_app)
    answers, _ = twice_at_once(  # both find no study with the slug before either inserts one
        any_app, first, "INSERT INTO STUDY ", lambda c: c.post("/studio/save", data={"scenario": GOOD})
    )
    assert [(a.status_code, a.headers.get("Location")) for a in answers] == [
        (303, "/studies/checkout/edit")
    ] * 2
    with any_app.app_context():
        db = get_session()
        (study,) = db.exec(select(Study)).all()
        owner = db.get(User, study.owner_id)
        assert owner is not None and owner.email == "ana@example.org"
        assert [v.number for v in db.exec(select(StudyVersion))] == [1]
        actions = [e.action for e in db.exec(select(AuditEvent)) if e.action.startswith("study_")]
    assert sorted(actions) == ["study_owner_set", "study_saved"]

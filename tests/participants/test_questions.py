"""Custom questions after a task (on its SEQ page) and in the final block, over SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlmodel import Session, select

from uxlab import scenarios, studies
from uxlab.db import get_session
from uxlab.models import Attempt, ParticipantSession, QuestionAnswer
from uxlab.participants import attempts, sessions

STUDY = """
slug: asks
title: A study with questions
consent: Hello.
site: {base_url: /demo}
tasks:
  - id: one
    prompt: Find the page.
    success: self_report
    stage: awareness
    questions:
      - {id: found, type: single, text: Where did you look?, options: [menu, search]}
      - {id: confident, type: rating, text: How sure are you?, scale: {min: 1, max: 5}}
questions:
  - {id: used, type: multiple, text: Which did you use?, options: [menu, search, footer]}
  - {id: missing, type: text, text: What was missing?}
"""


@pytest.fixture
def any_db(any_app: Flask) -> Iterator[Session]:
    with any_app.app_context():
        yield get_session()


def test_task_and_final_questions_are_stored_with_their_step_or_not_at_all(
    any_app: Flask, any_db: Session
) -> None:
    studies.store_scenario(any_db, scenarios.loads(STUDY))
    client = any_app.test_client()
    client.get("/s/asks")
    client.post("/s/asks")
    client.post("/s/asks/task/1")
    session = any_db.exec(select(ParticipantSession)).one()
    attempts.end_attempt(any_db, sessions.progress(any_db, session).attempt, "success")  # type: ignore[arg-type]
    page = client.get("/s/asks/task/1/seq").text
    assert 'name="q_found"' in page and 'name="q_confident"' in page and "How sure are you?" in page

    bad = client.post("/s/asks/task/1/seq", data={"seq": "6", "q_found": "elsewhere", "q_confident": "9"})
    assert bad.status_code == 400 and 'id="e-q_confident"' in bad.text
    any_db.expire_all()
    assert any_db.exec(select(Attempt.seq)).one() is None  # the valid SEQ was not stored either
    assert any_db.exec(select(QuestionAnswer)).all() == []

    good = client.post("/s/asks/task/1/seq", data={"seq": "6", "q_found": "search", "q_confident": "4"})
    assert good.location == "/s/asks/questionnaires"
    final = client.get("/s/asks/questionnaires").text
    assert 'type="checkbox" name="q_used"' in final and 'name="q_missing"' in final
    assert client.post("/s/asks/questionnaires", data={}).status_code == 400  # q_used is required
    done = client.post("/s/asks/questionnaires", data={"q_used": ["menu", "footer"], "q_missing": " A map. "})
    assert done.location == "/s/asks/thanks"
    stored = any_db.exec(select(QuestionAnswer).order_by(QuestionAnswer.id)).all()
    got = [(a.task_key, a.question_id, a.value, a.text) for a in stored]
    assert got == [
        ("one", "found", None, "search"),
        ("one", "confident", 4, None),
        ("", "used", None, "menu"),
        ("", "used", None, "footer"),
        ("", "missing", None, "A map."),
    ]
    any_db.expire_all()
    assert any_db.exec(select(ParticipantSession)).one().finished_at is not None

"""Custom questions after a task (on its SEQ page) and in the final block, over SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlmodel import Session, select

from tests.races import twice_at_once
from uxlab import scenarios, studies
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


def _at_the_seq(app: Flask, db: Session, study: str = STUDY) -> Any:
    """A participant's browser of ``study`` (slug ``asks``) whose task 1 ended: at its SEQ page."""
    studies.store_scenario(db, scenarios.loads(study))
    client = app.test_client()
    client.get("/s/asks")
    client.post("/s/asks")
    client.post("/s/asks/task/1")
    session = db.exec(select(ParticipantSession)).one()
    attempts.end_attempt(db, sessions.progress(db, session).attempt, "success")  # type: ignore[arg-type]
    return client


def test_task_and_final_questions_are_stored_with_their_step_or_not_at_all(
    any_app: Flask, any_db: Session
) -> None:
    client = _at_the_seq(any_app, any_db)
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


def test_two_posts_of_one_seq_at_once_store_its_questions_once(any_app: Flask, any_db: Session) -> None:
    """A double click on the SEQ page sends two posts that both find the participant at the SEQ
    (both read where the participant is before either writes). Only one stores the task's
    question answers; before, both did (4 rows for 2 questions, and a skewed mean)."""
    first = _at_the_seq(any_app, any_db)
    form = {"seq": "6", "q_found": "search", "q_confident": "4"}
    answers, _ = twice_at_once(  # both read where the participant is before either writes
        any_app, first, "INSERT INTO QUESTIONANSWER", lambda c: c.post("/s/asks/task/1/seq", data=form)
    )
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.location for a in answers} == {"/s/asks/questionnaires"}
    any_db.expire_all()
    stored = any_db.exec(select(QuestionAnswer.question_id, QuestionAnswer.value, QuestionAnswer.text)).all()
    assert sorted(stored, key=str) == sorted([("found", None, "search"), ("confident", 4, None)], key=str)
    assert any_db.exec(select(Attempt.seq)).one() == 6


def test_a_nul_character_in_an_answer_is_a_400_that_stores_nothing(any_app: Flask, any_db: Session) -> None:
    """PostgreSQL cannot store a NUL in text: a typed answer holding one was a 500 there (the
    participant's answers lost) and stored as is on SQLite. Now it is a 400 naming the field on
    both, the participant stays at the step, and the same answers without it are stored."""
    client = _at_the_seq(any_app, any_db)
    assert (
        client.post(
            "/s/asks/task/1/seq", data={"seq": "6", "q_found": "search", "q_confident": "4"}
        ).status_code
        == 303
    )
    bad = client.post("/s/asks/questionnaires", data={"q_used": ["menu"], "q_missing": "A\x00map"})
    assert bad.status_code == 400 and "q_missing: contains a NUL character" in bad.text
    json_bad = client.post(
        "/s/asks/questionnaires", data={"q_used": ["menu\x00"]}, headers={"Accept": "application/json"}
    )
    assert json_bad.status_code == 400 and json_bad.get_json()["error"]["field"] == "q_used"
    any_db.expire_all()
    assert any_db.exec(select(ParticipantSession)).one().finished_at is None
    assert [a.task_key for a in any_db.exec(select(QuestionAnswer))] == ["one", "one"]  # the task's only
    done = client.post("/s/asks/questionnaires", data={"q_used": ["menu"], "q_missing": "A map"})
    assert done.location == "/s/asks/thanks"
    assert client.get("/s/asks/thanks?x=%00").status_code == 400  # query parameters too

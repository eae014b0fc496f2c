"""Figures of custom questions and recruiting, over SQLite and PostgreSQL; exports with link parameters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, select

from uxlab import auth, scenarios, studies
from uxlab.db import get_session
from uxlab.errors import BadRequest
from uxlab.metrics.question_stats import choice_share, rating_mean
from uxlab.models import ParticipantSession, QuestionAnswer
from uxlab.participants import sessions
from uxlab.reports import export
from uxlab.reports.filters import Filters
from uxlab.reports.questions import question_figures, recruiting_state

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
      - {id: sure, type: rating, text: How sure?, scale: {min: 1, max: 10}}
questions:
  - {id: used, type: multiple, text: Which did you use?, options: [menu, search]}
  - {id: note, type: text, text: Anything else?}
recruit:
  capture: [pid]
  quota: {total: 40}
"""


def test_choice_share_is_the_adjusted_wald_of_sauro_and_lewis() -> None:
    # Sauro & Lewis, "A new formula for quantitative UX decision making" (MeasuringU, 2012),
    # the adjusted-Wald worked example of Quantifying the User Experience ch. 3:
    # 7 of 10 -> "about 39% to 90%".
    share = choice_share(7, 10)
    assert share.estimate == 0.7 and share.method == "choice_share"
    assert (round(share.low, 2), round(share.high, 2)) == (0.39, 0.90)  # type: ignore[arg-type]


def test_rating_mean_is_the_t_interval_of_lanes_worked_example() -> None:
    # Lane, Online Statistics Education, "Confidence Interval for the Mean" (worked example):
    # the five values 2, 3, 5, 6, 9: mean 5, s_M = 1.225, t(4) = 2.776, 95% CI 1.60 to 8.40.
    mean = rating_mean([2, 3, 5, 6, 9], 1, 10)
    assert mean.estimate == 5.0 and mean.unit == "rating"
    assert (round(mean.low, 2), round(mean.high, 2)) == (1.60, 8.40)  # type: ignore[arg-type]


def _seed(db: Session) -> None:
    """Four participants answer through the participant code (save_responses), three of them with a pid."""
    version, _ = studies.store_scenario(db, scenarios.loads(STUDY))
    for n, (used, sure) in enumerate(
        [(["menu"], 2), (["menu", "search"], 3), (["search"], 5), (["menu"], 9)]
    ):
        session = sessions.start_session(db, version, "Firefox", "en")
        session.link_params = {"pid": f"P{n}"} if n else None
        db.add(session)
        db.commit()
        db.add(QuestionAnswer(session_id=session.id, task_key="one", question_id="sure", value=sure))
        db.commit()
        session.task_order = []  # no tasks left: straight to the final block
        db.add(session)
        db.commit()
        form = {"q_used": used, "q_note": "=cmd()" if n == 3 else ""}
        assert sessions.save_responses(db, session, form) is not None


def test_figures_per_question(any_app: Flask) -> None:
    with any_app.app_context():
        db = get_session()
        _seed(db)
        sure, used, note = question_figures(db, "asks", Filters())
        state = recruiting_state(db, "asks", 4)
    assert (sure.task, sure.respondents) == ("one", 4)
    assert sure.mean == rating_mean([2, 3, 5, 9], 1, 10)
    assert (used.task, used.respondents) == ("", 4)
    assert [(o, c) for o, c, _ in used.options] == [("menu", 3), ("search", 2)]
    assert used.options[0][2] == choice_share(3, 4)
    assert note.texts == ("=cmd()",)
    assert state is not None and (state.quota_total, state.screened_out, state.capture) == (40, 0, ("pid",))


def test_exports_carry_link_parameters_and_answers(any_app: Flask) -> None:
    with any_app.app_context():
        db = get_session()
        _seed(db)
        out = io.StringIO()
        export.export_study(db, "asks", out, "csv", "questions")
        data = io.StringIO()
        export.export_study(db, "asks", data, "json", "questions")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == export.QUESTION_COLUMNS
    assert [(r["question"], r["value"], r["text"], r["link_params"]) for r in rows[:3]] == [
        ("sure", "2", "", ""),
        ("used", "", "menu", ""),
        ("sure", "3", "", "pid=P1"),
    ]
    assert rows[-1]["text"] == "'=cmd()"  # defused like every typed cell
    assert json.loads(data.getvalue())["questions"][2]["link_params"] == {"pid": "P1"}


def test_questions_page_and_csv_for_a_signed_in_researcher(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        _seed(get_session())
        auth.create_user(get_session(), "rita@example.org", "a long enough password")
    client = app.test_client()
    assert (
        client.post(
            "/login", data={"email": "rita@example.org", "password": "a long enough password"}
        ).status_code
        == 302
    )
    assert "screened_out" in client.get("/studies/asks/live.json").json
    page = client.get("/studies/asks/questions")
    assert page.status_code == 200
    assert "Which did you use?" in page.text and "of a quota of 40" in page.text
    assert "4 respondents" in page.text
    assert client.get("/studies/asks/questions.csv").text.count("\n") == 1 + 4 + 5 + 1


def test_filter_by_link_parameter(any_app: Flask) -> None:
    """``link=pid:P2`` keeps the one session that came with ?pid=P2: summary, questions and CSV alike."""
    from uxlab.reports.summary import build_summary

    with any_app.app_context():
        db = get_session()
        _seed(db)
        only = Filters.from_args({"link": "pid:P2"})
        assert only.link == ("pid", "P2") and only.to_args() == {"link": "pid:P2"}
        assert build_summary(db, "asks", only).participants == 1
        assert build_summary(db, "asks", only).to_dict()["filters"]["link"] == "pid:P2"
        assert build_summary(db, "asks", Filters()).participants == 4
        sure = question_figures(db, "asks", only)[0]
        assert (sure.respondents, sure.mean.estimate if sure.mean else None) == (1, 5.0)
        rows = list(export.iter_question_rows(db, "asks", only))
        third = db.exec(
            select(ParticipantSession.public_id).order_by(ParticipantSession.id).offset(2)
        ).first()
        assert {r["participant"] for r in rows} == {third}  # the third seeded, the one with pid P2


@pytest.mark.parametrize("raw", ["pid", "pid:", ":x", "p-d:x", "pid:" + "x" * 201])
def test_a_bad_link_filter_is_refused_naming_the_parameter(raw: str) -> None:
    with pytest.raises(BadRequest) as caught:
        Filters.from_args({"link": raw})
    assert caught.value.field == "link"

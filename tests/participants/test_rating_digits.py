"""Ratings take ASCII digits only: "٣" (Arabic-Indic) or "３" (full-width) is no answer.

Before, ``int()`` (and the ``\\d`` before it) read any script's digits, so ``seq=٣`` and a
rating question's ``３`` were stored as 3: no rating control sends them. Now they are
refused like any other value that is no answer, with the participant's own message, in
the participant's language, and nothing of the step is stored.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import Session, select

from tests.participants.test_questions import STUDY, _at_the_seq
from uxlab.models import Attempt, QuestionAnswer, Response

OTHER_DIGITS = ["٣", "３", "۳", "३"]  # Arabic-Indic, full-width, Persian, Devanagari


@pytest.mark.parametrize("digit", OTHER_DIGITS)
def test_a_seq_or_rating_in_other_digits_is_refused_and_nothing_stored(
    any_app: Flask, any_db: Session, digit: str
) -> None:
    client = _at_the_seq(any_app, any_db)
    for form in ({"seq": digit, "q_confident": "3"}, {"seq": "3", "q_confident": digit}):
        refused = client.post("/s/asks/task/1/seq", data={**form, "q_found": "search"})
        assert refused.status_code == 400, form
        assert "Please choose an answer." in refused.text
    any_db.expire_all()
    assert any_db.exec(select(Attempt.seq)).one() is None
    assert any_db.exec(select(QuestionAnswer)).all() == []
    good = client.post("/s/asks/task/1/seq", data={"seq": "3", "q_found": "search", "q_confident": "3"})
    assert good.location == "/s/asks/questionnaires"


def test_a_questionnaire_item_in_other_digits_is_refused_in_the_participants_language(
    any_app: Flask, any_db: Session
) -> None:
    study = STUDY.replace("consent: Hello.", "consent: Hello.\nlanguage: de\nquestionnaires: [umux_lite]")
    client = _at_the_seq(any_app, any_db, study)
    assert (
        client.post(
            "/s/asks/task/1/seq", data={"seq": "5", "q_found": "search", "q_confident": "4"}
        ).status_code
        == 303
    )
    answers = {"umux_lite_1": "６", "umux_lite_2": "6", "q_used": "menu"}
    refused = client.post("/s/asks/questionnaires", data=answers)
    assert refused.status_code == 400 and "Bitte wählen Sie eine Antwort." in refused.text
    assert any_db.exec(select(Response)).all() == []
    done = client.post("/s/asks/questionnaires", data={**answers, "umux_lite_1": "6"})
    assert done.location == "/s/asks/thanks"
    assert sorted(r.value for r in any_db.exec(select(Response)).all()) == [6, 6]

"""Answers to the researcher's own questions: after a task (on its SEQ page) and in the final block.

Form fields are ``q_<question id>``; a multiple choice sends one value per chosen option.
Answers are checked against the scenario (an option must be one of the question's, a
rating within its scale, short text at most SHORT_TEXT_MAX_CHARS) and stored as
``QuestionAnswer`` rows with the step's own answers, or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from sqlmodel import Session

from uxlab import studies
from uxlab.models import ParticipantSession, QuestionAnswer, StudyVersion
from uxlab.scenarios.questions import SHORT_TEXT_MAX_CHARS, QuestionSpec
from uxlab.scenarios.scales import Scale, parse_answer

Form = Mapping[str, Any]  # a request's MultiDict (getlist), or a plain mapping


def field(question: QuestionSpec) -> str:
    """The form field of a question."""
    return f"q_{question.id}"


def read_answers(
    questions: tuple[QuestionSpec, ...], session_id: int, task_key: str, form: Form
) -> tuple[list[QuestionAnswer], dict[str, str]]:
    """The rows these answers make, and the reason for each bad field (keyed by form field)."""
    rows: list[QuestionAnswer] = []
    errors: dict[str, str] = {}
    for q in questions:
        given = [str(v).strip() for v in _values(form, field(q)) if str(v).strip()]
        row = partial(QuestionAnswer, session_id=session_id, task_key=task_key, question_id=q.id)
        if not given:
            if q.required:
                errors[field(q)] = "missing"
            continue
        if q.type in ("single", "multiple"):
            if any(v not in q.options for v in given) or (q.type == "single" and len(given) > 1):
                errors[field(q)] = "not one of the options"
            rows.extend(row(text=v) for v in dict.fromkeys(given))
        elif q.type == "rating":
            value = parse_answer(given[0], Scale(1, q.low, q.high))
            if isinstance(value, str):
                errors[field(q)] = value
            else:
                rows.append(row(value=value))
        elif len(given[0]) > SHORT_TEXT_MAX_CHARS:
            errors[field(q)] = f"longer than {SHORT_TEXT_MAX_CHARS} characters"
        else:
            rows.append(row(text=given[0]))
    return rows, errors


def final_answers(
    db: Session, session: ParticipantSession, form: Form
) -> tuple[list[QuestionAnswer], dict[str, str]]:
    """The final block's answers as rows, and each bad field's reason (for ``sessions.save_responses``)."""
    assert session.id is not None
    return read_answers(studies.scenario_of(_version(db, session)).questions, session.id, "", form)


def _values(form: Form, name: str) -> list[Any]:
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = form.get(name)
    return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]


def _version(db: Session, session: ParticipantSession) -> StudyVersion:
    version = db.get(StudyVersion, session.study_version_id)
    assert version is not None
    return version

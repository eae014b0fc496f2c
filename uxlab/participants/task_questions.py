"""The SEQ page with the task's own questions: both stored together, or neither."""

from __future__ import annotations

from sqlmodel import Session

from uxlab import studies
from uxlab.errors import InvalidAnswers
from uxlab.models import ParticipantSession, StudyVersion
from uxlab.participants import sessions
from uxlab.participants.questions import Form, read_answers
from uxlab.scenarios.scales import SEQ_SCALE, parse_answer


def save_seq_and_questions(db: Session, session: ParticipantSession, number: int, form: Form) -> bool:
    """Store task ``number``'s SEQ with its questions' answers (``sessions.save_seq`` decides the rest).

    Raises InvalidAnswers naming every bad field, the SEQ's included, storing nothing.
    """
    where = sessions.progress(db, session)
    if (where.step, where.number) != ("seq", number) or where.task is None:
        return sessions.save_seq(db, session, number, form.get("seq"))  # not there: stores nothing
    assert session.id is not None
    version = db.get(StudyVersion, session.study_version_id)
    assert version is not None
    spec = studies.scenario_of(version).task(where.task.key)
    rows, errors = read_answers(spec.questions, session.id, spec.id, form)
    seq = parse_answer(form.get("seq"), SEQ_SCALE)
    if errors or isinstance(seq, str):
        raise InvalidAnswers({**errors, **({"seq": seq} if isinstance(seq, str) else {})})
    db.add_all(rows)  # committed with the SEQ
    return sessions.save_seq(db, session, number, form.get("seq"))

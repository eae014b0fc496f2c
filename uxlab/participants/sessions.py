"""Participant sessions: start, where the participant is (resume), SEQ and questionnaire answers.

The web layer (``uxlab/web/participant.py``) only parses requests and renders; every
decision about a participant's pass through a study is made here. Attempts and events
belong to ``uxlab.participants.attempts``.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, delete, select, update

from uxlab import studies
from uxlab.errors import InvalidAnswers, StudyClosed
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task, utcnow
from uxlab.participants import attempts, questions, recruiting
from uxlab.participants.browsers import choose_language, device_class
from uxlab.scenarios import TaskSpec
from uxlab.scenarios.scales import (
    FREE_TEXT_MAX_CHARS,
    SEQ_SCALE,
    field_names,
    parse_answer,
    scale_for,
)

Step = Literal["task", "seq", "questionnaires", "thanks"]


@dataclass(frozen=True)
class Progress:
    """Where a participant is: the page to show, and for task steps the task (1-based)."""

    step: Step
    number: int | None = None
    total: int = 0
    task: Task | None = None
    attempt: Attempt | None = None


def find_study(db: Session, slug: str) -> tuple[Study, StudyVersion]:
    """Return a study and its latest version; NotFound if either is missing."""
    study = studies.get_study(db, slug)
    return study, studies.current_version(db, study)


def ensure_open(study: Study) -> None:
    """Raise StudyClosed (410) when the researcher has closed the study."""
    if not study.is_open:
        raise StudyClosed("This study is closed.")


def find_session(db: Session, study: Study, public_id: str | None) -> ParticipantSession | None:
    """Return the session with this public id if it belongs to ``study``."""
    if not public_id:
        return None
    found = db.exec(
        select(ParticipantSession, StudyVersion)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(ParticipantSession.public_id == public_id, StudyVersion.study_id == study.id)
    ).first()
    return found[0] if found else None


def new_public_id() -> str:
    """A fresh, unguessable id for a participant session (the cookie holds it).

    It starts with a letter or digit: an id starting with "-" would be read as a formula
    by spreadsheets, so the CSV export would have to defuse it with a quote, and the
    researcher would find an id in the export that matches nothing else.
    """
    while True:
        public_id = secrets.token_urlsafe(18)
        if public_id[0].isalnum():
            return public_id


def start_session(
    db: Session,
    study_version: StudyVersion,
    user_agent: str,
    accept_language: str,
    public_id: str | None = None,
) -> ParticipantSession:
    """Create a consented session, or return the one ``public_id`` already has in this study.

    The consent page hands the browser its ``public_id`` before consent, so a consent
    sent twice (a double click, a retry) finds the first one's session: the unique id
    makes the second insert fail, and that request reads the row the first one stored.
    The task order is shuffled, seeded by the public id, when the study asks for it.
    """
    assert study_version.id is not None
    scenario = studies.scenario_of(study_version)
    public_id = public_id or new_public_id()
    order = [task.id for task in scenario.tasks]
    if scenario.randomize_tasks:
        # Seeded by the session's own id: the order can be reproduced from the stored id.
        random.Random(public_id).shuffle(order)
    now = utcnow()
    language = choose_language(scenario.language, accept_language, current_app.config["DEFAULT_LANGUAGE"])
    session = ParticipantSession(
        public_id=public_id,
        study_version_id=study_version.id,
        started_at=now,
        consented_at=now,
        device_class=device_class(user_agent),
        user_agent=user_agent[:1000],
        language=language,
        task_order=order,
    )
    db.add(session)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        study = db.get(Study, study_version.study_id)
        first = find_session(db, study, public_id) if study is not None else None
        if first is None:  # the id is another study's: this consent gets one of its own
            return start_session(db, study_version, user_agent, accept_language)
        return first
    return session


def _version(db: Session, session: ParticipantSession) -> StudyVersion:
    version = db.get(StudyVersion, session.study_version_id)
    assert version is not None  # a session's version is never deleted
    return version


def _tasks_in_order(db: Session, session: ParticipantSession) -> list[Task]:
    tasks = db.exec(select(Task).where(Task.study_version_id == session.study_version_id)).all()
    by_key = {task.key: task for task in tasks}
    return [by_key[key] for key in session.task_order]


def _attempt(db: Session, session: ParticipantSession, task: Task) -> Attempt | None:
    return db.exec(
        select(Attempt)
        .where(Attempt.session_id == session.id, Attempt.task_id == task.id)
        .order_by(col(Attempt.id).desc())
    ).first()


def progress(db: Session, session: ParticipantSession) -> Progress:
    """Return the step the participant is at, so that reloading any page resumes there.

    A running attempt past its deadline ends here as a timeout (``attempts.expire_if_overdue``).
    """
    tasks = _tasks_in_order(db, session)
    total = len(tasks)
    if session.finished_at is not None:
        return Progress("thanks", total=total)
    for number, task in enumerate(tasks, start=1):
        attempt = _attempt(db, session, task)
        if attempt is not None:
            attempts.expire_if_overdue(db, attempt)
        if attempt is None or attempt.ended_at is None:
            return Progress("task", number, total, task, attempt)
        if attempt.seq is None and not attempt.did_not_open:  # no SEQ for a task never seen
            return Progress("seq", number, total, task, attempt)
    return Progress("questionnaires", total=total)


def _require(
    db: Session, session: ParticipantSession, step: Step, number: int | None = None
) -> Progress | None:
    """Where the participant is when at ``step`` (task ``number``); None when at another step.

    Another step is no error: a post for a step already done (a double click, a retry, the
    back button) stores nothing, and the view sends the participant where they are, as it
    did the first post (after the last step, to the thanks page).
    """
    where = progress(db, session)
    if where.step != step or (number is not None and where.number != number):
        return None
    return where


def task_spec(version: StudyVersion, where: Progress) -> TaskSpec:
    """Return the scenario's description of the task a Progress points at."""
    assert where.task is not None
    return studies.scenario_of(version).task(where.task.key)


def begin_task(db: Session, session: ParticipantSession, number: int, server_origin: str) -> str | None:
    """Start task ``number`` (1-based), or resume its running attempt; return the site URL to open.

    None when the participant is not at that task (nothing is started).
    """
    where = _require(db, session, "task", number)
    if where is None:
        return None
    assert where.task is not None
    attempt = where.attempt or start_once(db, session, where.task)
    return attempts.start_url(db, attempt, server_origin)


def start_once(db: Session, session: ParticipantSession, task: Task) -> Attempt:
    """Start an attempt; if another request (a double click on Start) started one first, use that.

    Each racing request keeps the oldest running attempt and deletes its own newer one
    (which has no events: its token was never handed out), so a task has one attempt.
    """
    mine = attempts.start_attempt(db, session, task)
    first = db.exec(
        select(Attempt)
        .where(Attempt.session_id == session.id, Attempt.task_id == task.id, col(Attempt.ended_at).is_(None))
        .order_by(col(Attempt.id))
    ).first()
    if first is None or first.id == mine.id:
        return mine
    db.exec(delete(Attempt).where(col(Attempt.id) == mine.id))
    db.commit()
    return first


def save_seq(db: Session, session: ParticipantSession, number: int, raw: object) -> bool:
    """Store the SEQ (1..7) of task ``number``; finish the session when nothing follows.

    Return whether it was stored: False when the participant is not at that SEQ.
    """
    where = _require(db, session, "seq", number)
    if where is None:
        return False
    value = parse_answer(raw, SEQ_SCALE)
    if isinstance(value, str):
        raise InvalidAnswers({"seq": value})
    assert where.attempt is not None
    if not attempts.record_seq(db, where.attempt, value):
        return False  # a second post of this SEQ, stored meanwhile
    scenario = studies.scenario_of(_version(db, session))
    if number == where.total and not (scenario.questionnaires or scenario.free_text or scenario.questions):
        recruiting.finish(db, session)
    return True


def save_responses(
    db: Session, session: ParticipantSession, answers: Mapping[str, object]
) -> list[Response] | None:
    """Validate the end questionnaires' answers and store them; finishes the session.

    ``answers`` maps form fields (see ``field_names``, plus optional ``free_text``) to values.
    Raises InvalidAnswers naming every bad field, StudyFull("filled") after storing them if the
    quota filled meanwhile; returns None (storing nothing) when the participant is at another
    step, a finished session included (a second post).
    """
    if _require(db, session, "questionnaires") is None:
        return None
    assert session.id is not None
    scenario = studies.scenario_of(_version(db, session))
    rows: list[Response] = []
    errors: dict[str, str] = {}
    for name in scenario.questionnaires:
        scale = scale_for(name, scenario.ces_version)
        version = scenario.ces_version if name == "ces" else None
        for item, field in enumerate(field_names(name), start=1):
            value = parse_answer(answers.get(field), scale)
            if isinstance(value, str):
                errors[field] = value
                continue
            rows.append(
                Response(
                    session_id=session.id, questionnaire=name, item=item, value=value, scale_version=version
                )
            )
    text = str(answers.get("free_text") or "").strip()
    if len(text) > FREE_TEXT_MAX_CHARS:
        errors["free_text"] = f"longer than {FREE_TEXT_MAX_CHARS} characters"
    own_rows, own_errors = questions.final_answers(db, session, answers)  # the researcher's own questions
    errors.update(own_errors)
    if errors:
        raise InvalidAnswers(errors)
    rows.extend(own_rows)  # type: ignore[arg-type]
    if scenario.free_text and text:
        rows.append(Response(session_id=session.id, questionnaire="free_text", item=1, text=text))
    # Claim the session before storing: of two posts of these answers (a double click, a
    # retry), only the one whose update still finds the session unfinished stores them.
    now = utcnow()
    places = recruiting.claim_place(db, session)  # None: the quota filled meanwhile
    stored = {"finished_at": now, **(places or {})}
    unfinished = col(ParticipantSession.id) == session.id, col(ParticipantSession.finished_at).is_(None)
    if db.exec(update(ParticipantSession).where(*unfinished).values(**stored)).rowcount != 1:
        db.rollback()
        return None
    db.add_all(rows)
    if places is None:  # kept, but out of the reports; the participant is told after the commit
        recruiting.exclude_over_quota(db, session)
    db.commit()
    for name, value in stored.items():
        set_committed_value(session, name, value)
    return rows if places is not None else recruiting.filled_up()

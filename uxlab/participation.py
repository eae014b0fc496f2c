"""Participant sessions: start, where the participant is (resume), SEQ and questionnaire answers.

The web layer (``uxlab/web/participant.py``) only parses requests and renders; every
decision about a participant's pass through a study is made here. Attempts and events
belong to ``uxlab.recording``.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, delete, select
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from uxlab import recording, studies
from uxlab.answer_scales import (
    FREE_TEXT_MAX_CHARS,
    SEQ_SCALE,
    InvalidAnswers,
    field_names,
    parse_answer,
    scale_for,
)
from uxlab.config import LANGUAGES
from uxlab.errors import Conflict, Gone
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task, utcnow
from uxlab.scenarios import Scenario, TaskSpec

# Device classes from the User-Agent header. Tablets first: Android tablets omit "Mobile",
# iPads say "iPad" (iPadOS 13+ in desktop mode claims to be a Mac and counts as desktop).
TABLET_UA = re.compile(r"iPad|Tablet|PlayBook|Kindle|Silk/|Android(?!.*Mobile)", re.IGNORECASE)
PHONE_UA = re.compile(r"Mobi|iPhone|iPod|Android|Windows Phone|IEMobile|BlackBerry|Opera Mini", re.IGNORECASE)


Step = Literal["task", "seq", "questionnaires", "thanks"]


@dataclass(frozen=True)
class Progress:
    """Where a participant is: the page to show, and for task steps the task (1-based)."""

    step: Step
    number: int | None = None
    total: int = 0
    task: Task | None = None
    attempt: Attempt | None = None


class OutOfStep(Conflict):
    """A request for a step the participant is not at (back button, double submit)."""

    def __init__(self, where: Progress) -> None:
        super().__init__("This step is not the current one.")
        self.where = where


def device_class(user_agent: str) -> str:
    """Return "tablet", "phone" or "desktop" for a User-Agent header (regexes above)."""
    if TABLET_UA.search(user_agent):
        return "tablet"
    if PHONE_UA.search(user_agent):
        return "phone"
    return "desktop"


def choose_language(study_language: str | None, accept_language: str, default: str = "en") -> str:
    """Return the study's language if it has one, else the browser's best among LANGUAGES."""
    if study_language in LANGUAGES:
        return str(study_language)
    best = parse_accept_header(accept_language or "", LanguageAccept).best_match(LANGUAGES)
    return best or default


def scenario_of(version: StudyVersion) -> Scenario:
    """Return the validated scenario a study version stores (cached by content hash)."""
    return recording.scenario_of(version)


class StudyClosed(Gone):
    """The study is closed: participants get a 410 page."""


class SessionFinished(Gone):
    """The session is finished and cannot submit again."""


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


def start_session(
    db: Session,
    study_version: StudyVersion,
    user_agent: str,
    accept_language: str,
    default_language: str = "en",
) -> ParticipantSession:
    """Create a consented session; the task order is shuffled, seeded by the public id, if asked."""
    assert study_version.id is not None
    scenario = scenario_of(study_version)
    public_id = secrets.token_urlsafe(18)
    order = [task.id for task in scenario.tasks]
    if scenario.randomize_tasks:
        # Seeded by the session's own id: the order can be reproduced from the stored id.
        random.Random(public_id).shuffle(order)
    now = utcnow()
    session = ParticipantSession(
        public_id=public_id,
        study_version_id=study_version.id,
        started_at=now,
        consented_at=now,
        device_class=device_class(user_agent),
        user_agent=user_agent[:1000],
        language=choose_language(scenario.language, accept_language, default_language),
        task_order=order,
    )
    db.add(session)
    db.commit()
    return session


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


def _expire_if_overdue(db: Session, attempt: Attempt, task: Task, tolerance_s: float) -> None:
    """End a running attempt past its time limit (plus the clock tolerance) as a timeout.

    The tracker or the events API usually ends it; this covers a participant who left the
    site and came back to the study page later.
    """
    overdue_s = recording.seconds_between(attempt.started_at, utcnow()) - task.time_limit_s
    if attempt.ended_at is None and overdue_s > tolerance_s:
        recording.end_attempt(db, attempt, "timeout")


def progress(db: Session, session: ParticipantSession, *, clock_tolerance_s: float = 5.0) -> Progress:
    """Return the step the participant is at, so that reloading any page resumes there."""
    tasks = _tasks_in_order(db, session)
    total = len(tasks)
    if session.finished_at is not None:
        return Progress("thanks", total=total)
    for number, task in enumerate(tasks, start=1):
        attempt = _attempt(db, session, task)
        if attempt is not None:
            _expire_if_overdue(db, attempt, task, clock_tolerance_s)
        if attempt is None or attempt.ended_at is None:
            return Progress("task", number, total, task, attempt)
        if attempt.seq is None:
            return Progress("seq", number, total, task, attempt)
    return Progress("questionnaires", total=total)


def _require(db: Session, session: ParticipantSession, step: Step, number: int | None = None) -> Progress:
    if session.finished_at is not None:
        raise SessionFinished("You have already finished this study.")
    where = progress(db, session)
    if where.step != step or (number is not None and where.number != number):
        raise OutOfStep(where)
    return where


def task_spec(version: StudyVersion, where: Progress) -> TaskSpec:
    """Return the scenario's description of the task a Progress points at."""
    assert where.task is not None
    return scenario_of(version).task(where.task.key)


def begin_task(db: Session, session: ParticipantSession, number: int, server_origin: str) -> str:
    """Start task ``number`` (1-based), or resume its running attempt; return the site URL to open."""
    where = _require(db, session, "task", number)
    assert where.task is not None
    attempt = where.attempt or start_once(db, session, where.task)
    return recording.start_url(db, attempt, server_origin)


def start_once(db: Session, session: ParticipantSession, task: Task) -> Attempt:
    """Start an attempt; if another request (a double click on Start) started one first, use that.

    Each racing request keeps the oldest running attempt and deletes its own newer one
    (which has no events: its token was never handed out), so a task has one attempt.
    """
    mine = recording.start_attempt(db, session, task)
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


def save_seq(db: Session, session: ParticipantSession, number: int, raw: object) -> None:
    """Store the SEQ (1..7) of task ``number``; finish the session when nothing follows."""
    where = _require(db, session, "seq", number)
    value = parse_answer(raw, SEQ_SCALE)
    if isinstance(value, str):
        raise InvalidAnswers({"seq": value})
    assert where.attempt is not None
    recording.record_seq(db, where.attempt, value)
    scenario = scenario_of(db.get(StudyVersion, session.study_version_id))  # type: ignore[arg-type]
    if number == where.total and not scenario.questionnaires and not scenario.free_text:
        session.finished_at = utcnow()
        db.add(session)
        db.commit()


def save_responses(db: Session, session: ParticipantSession, answers: Mapping[str, object]) -> list[Response]:
    """Validate the end questionnaires' answers and store them; finishes the session.

    ``answers`` maps form fields (see ``field_names``, plus optional ``free_text``) to values.
    Raises InvalidAnswers naming every bad field, Gone when the session is already finished.
    """
    _require(db, session, "questionnaires")
    assert session.id is not None
    scenario = scenario_of(db.get(StudyVersion, session.study_version_id))  # type: ignore[arg-type]
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
    if errors:
        raise InvalidAnswers(errors)
    if scenario.free_text and text:
        rows.append(Response(session_id=session.id, questionnaire="free_text", item=1, text=text))
    db.add_all(rows)
    session.finished_at = utcnow()
    db.add(session)
    db.commit()
    return rows

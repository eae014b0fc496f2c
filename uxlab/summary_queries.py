"""The SQL behind the CX summary: a handful of queries that turn stored results into numpy arrays.

Device class and dates filter in SQL (they select participant sessions); the version
filter is applied later in numpy, because findings compare a version with the previous one.
Only ended attempts count. Works on SQLite and PostgreSQL alike (the one dialect-specific
expression is the last page of a JSON path).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import case, func
from sqlalchemy import select as sql_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task
from uxlab.summary_answers import Answers, load_answers
from uxlab.summary_sql import sessions_join, structured, where_sessions
from uxlab.summary_types import Filters

COMMENTS = 50
OUTCOME_CODES = {"success": 0, "failure": 1, "give_up": 2, "timeout": 3}
ATTEMPT_DTYPE = np.dtype(
    [("task", "i8"), ("version", "i8"), ("outcome", "i8"), ("seq", "i8"), ("direct", "i8"), ("count", "i8")]
)
TIME_DTYPE = np.dtype([("task", "i8"), ("version", "i8"), ("time", "f8")])


@dataclass(frozen=True)
class TaskInfo:
    """A task key as the summary shows it (from the newest version that has it)."""

    key: str
    prompt: str
    stage: str
    touchpoint: str
    target_time_s: float | None
    start: str


@dataclass(frozen=True)
class StudyData:
    """Stored results of one study as arrays; attempts and respondents carry their version number."""

    study: Study
    versions: tuple[int, ...]
    ces_version: str | None
    tasks: tuple[TaskInfo, ...]
    a_task: np.ndarray  # index into tasks
    a_version: np.ndarray
    a_outcome: np.ndarray  # codes of OUTCOME_CODES
    a_seq: np.ndarray  # NaN when not answered
    a_direct: np.ndarray  # 1 direct, 0 indirect/not a success, -1 unknown (no ideal path)
    t_task: np.ndarray  # successful attempts' times: task index, version, seconds
    t_version: np.ndarray
    t_time_s: np.ndarray
    answers: dict[str, Answers]  # questionnaire -> complete answers (CES: on the newest version's scale)
    failure_ends: tuple[tuple[int, int, str, int], ...]  # (version, task index, last page, count)
    days: tuple[tuple[int, str, int, int], ...]  # (version, day, started, finished)
    comments: tuple[tuple[int, str, str], ...] = ()  # (version, day, text), newest first


def _tasks(
    db: Session, study: Study
) -> tuple[tuple[TaskInfo, ...], dict[int, int], tuple[int, ...], str | None]:
    """Task keys in the newest version's order (then older-only keys), task id -> index, versions."""
    rows = db.exec(
        select(Task, StudyVersion.number)
        .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
        .where(StudyVersion.study_id == study.id)
        .order_by(col(StudyVersion.number).desc(), col(Task.position))
    ).all()
    newest = db.exec(
        select(StudyVersion)
        .where(StudyVersion.study_id == study.id)
        .order_by(col(StudyVersion.number).desc())
    ).first()
    versions = tuple(
        db.exec(
            select(StudyVersion.number)
            .where(StudyVersion.study_id == study.id)
            .order_by(col(StudyVersion.number))
        ).all()
    )
    starts: dict[str, str] = {}
    ces_version = None
    if newest is not None:
        scenario = studies.scenario_of(newest)
        starts = {spec.id: spec.start for spec in scenario.tasks}
        ces_version = scenario.ces_version if "ces" in scenario.questionnaires else None
    index: dict[str, int] = {}
    infos: list[TaskInfo] = []
    by_id: dict[int, int] = {}
    for task, _number in rows:
        if task.key not in index:
            index[task.key] = len(infos)
            infos.append(
                TaskInfo(
                    task.key,
                    task.prompt,
                    task.stage,
                    task.touchpoint,
                    task.target_time_s,
                    starts.get(task.key, ""),
                )
            )
        by_id[int(task.id or 0)] = index[task.key]
    return tuple(infos), by_id, versions, ces_version


def _task_index(by_id: dict[int, int], task_ids: np.ndarray) -> np.ndarray:
    keys = np.fromiter(by_id.keys(), dtype=np.int64, count=len(by_id))
    vals = np.fromiter(by_id.values(), dtype=np.int64, count=len(by_id))
    order = np.argsort(keys)
    return vals[order][np.searchsorted(keys[order], task_ids)]


def _attempts(db: Session, study_id: int, filters: Filters, by_id: dict[int, int]) -> list[np.ndarray]:
    """Ended attempts: one entry per attempt (task, version, outcome, SEQ, direct), grouped in SQL.

    SQL counts the attempts per (task, version, outcome, SEQ, direct) and numpy repeats the
    groups, so a million attempts cross the driver as a few hundred rows.
    """
    outcome = case(
        *((col(Attempt.outcome) == name, code) for name, code in OUTCOME_CODES.items() if code < 3), else_=3
    )
    direct = case((col(Attempt.direct).is_(None), -1), (col(Attempt.direct).is_(True), 1), else_=0)
    keys = [
        col(Attempt.task_id),
        col(StudyVersion.number),
        outcome,
        func.coalesce(col(Attempt.seq), 0),
        direct,
    ]
    stmt = where_sessions(sessions_join(sql_select(*keys, func.count())), study_id, filters)
    arr = structured(db, stmt.where(col(Attempt.outcome).is_not(None)).group_by(*keys), ATTEMPT_DTYPE)
    if not arr.size:
        return [np.zeros(0, dtype=np.int64)] * 3 + [np.zeros(0), np.zeros(0, dtype=np.int64)]
    seq = np.where(arr["seq"] == 0, np.nan, arr["seq"].astype(float))
    columns = [_task_index(by_id, arr["task"]), arr["version"], arr["outcome"], seq, arr["direct"]]
    return [np.repeat(column, arr["count"]) for column in columns]


def _times(db: Session, study_id: int, filters: Filters, by_id: dict[int, int]) -> list[np.ndarray]:
    """Successful attempts' times in seconds, with their task index and version."""
    stmt = where_sessions(
        sessions_join(
            sql_select(col(Attempt.task_id), col(StudyVersion.number), col(Attempt.time_on_task_s))
        ),
        study_id,
        filters,
    ).where(col(Attempt.outcome) == "success", col(Attempt.time_on_task_s) > 0)
    arr = structured(db, stmt, TIME_DTYPE)
    return [_task_index(by_id, arr["task"]), arr["version"], arr["time"]]


def _last_page(db: Session) -> ColumnElement[Any]:
    """The last entry of an attempt's path (a JSON array), as text."""
    if db.get_bind().dialect.name == "postgresql":
        return col(Attempt.path).op("->>")(-1)
    return func.json_extract(col(Attempt.path), "$[#-1]")


def _failure_ends(db: Session, study_id: int, filters: Filters, by_id: dict[int, int]) -> tuple:
    page = _last_page(db).label("page")
    stmt = where_sessions(
        sessions_join(sql_select(col(StudyVersion.number), col(Attempt.task_id), page, func.count())),
        study_id,
        filters,
    ).where(col(Attempt.outcome).is_not(None), col(Attempt.outcome) != "success")
    stmt = stmt.group_by(col(StudyVersion.number), col(Attempt.task_id), page)
    rows = db.connection().execute(stmt).all()
    return tuple((int(v), by_id[int(t)], str(p), int(n)) for v, t, p, n in rows if p is not None)


def _days(db: Session, study_id: int, filters: Filters) -> tuple:
    day = func.date(col(ParticipantSession.started_at)).label("day")
    stmt = (
        sql_select(
            col(StudyVersion.number), day, func.count(), func.count(col(ParticipantSession.finished_at))
        )
        .select_from(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
    )
    stmt = where_sessions(stmt, study_id, filters).group_by(col(StudyVersion.number), day)
    rows = db.connection().execute(stmt).all()
    return tuple((int(v), str(d)[:10], int(s), int(f)) for v, d, s, f in rows)


def _comments(db: Session, study_id: int, filters: Filters) -> tuple[tuple[int, str, str], ...]:
    """The newest ``COMMENTS`` free-text answers (per version filter, applied later)."""
    stmt = (
        sql_select(col(StudyVersion.number), col(Response.created_at), col(Response.text))
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(Response.questionnaire) == "free_text", col(Response.text).is_not(None))
    )
    stmt = where_sessions(stmt, study_id, filters).order_by(col(Response.id).desc()).limit(COMMENTS)
    rows = db.connection().execute(stmt).all()
    return tuple((int(v), str(at)[:10], str(text)) for v, at, text in rows if str(text).strip())


def load(db: Session, slug: str, filters: Filters) -> StudyData:
    """Read a study's results (raises NotFound for an unknown slug)."""
    study = studies.get_study(db, slug)
    study_id = int(study.id or 0)
    tasks, by_id, versions, ces_version = _tasks(db, study)
    a_task, a_version, a_outcome, a_seq, a_direct = _attempts(db, study_id, filters, by_id)
    t_task, t_version, t_time = _times(db, study_id, filters, by_id)
    answers = load_answers(db, study_id, filters, ces_version or "2.0")
    return StudyData(
        study,
        versions,
        ces_version,
        tasks,
        a_task,
        a_version,
        a_outcome,
        a_seq,
        a_direct,
        t_task,
        t_version,
        t_time,
        answers,
        _failure_ends(db, study_id, filters, by_id),
        _days(db, study_id, filters),
        _comments(db, study_id, filters),
    )


def live_counts(db: Session, slug: str) -> dict[str, int]:
    """Participation so far (all versions): sessions started and finished, attempts ended and running."""
    study = studies.get_study(db, slug)
    sessions = (
        sql_select(func.count(), func.count(col(ParticipantSession.finished_at)))
        .select_from(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(StudyVersion.study_id) == study.id)
    )
    started, finished = db.connection().execute(sessions).one()
    attempts = sessions_join(
        sql_select(func.count(), func.count(col(Attempt.outcome))).select_from(Attempt)
    ).where(col(StudyVersion.study_id) == study.id)
    total, ended = db.connection().execute(attempts).one()
    return {
        "participants": int(started),
        "finished": int(finished),
        "attempts": int(ended),
        "running": int(total) - int(ended),
    }

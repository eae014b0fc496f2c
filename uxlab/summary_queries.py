"""The SQL behind the CX summary: a handful of queries that turn stored results into numpy arrays.

Device class and dates filter in SQL (they select participant sessions); the version
filter is applied later in numpy, because findings compare a version with the previous one.
Only ended attempts count. Works on SQLite and PostgreSQL alike (the one dialect-specific
expression is the last page of a JSON path).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Select, case, func
from sqlalchemy import select as sql_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task
from uxlab.summary_types import Filters

COMMENTS = 50
QUESTIONNAIRE_ITEMS = {"sus": 10, "umux_lite": 2, "nps": 1, "csat": 1, "ces": 1}
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
class Answers:
    """Complete answers to one questionnaire as distinct (version, items) rows with their counts."""

    version: np.ndarray  # (k,)
    values: np.ndarray  # (k, items)
    count: np.ndarray  # (k,)

    def rows(self, version: int | None = None) -> np.ndarray:
        """One row of item answers per respondent (of ``version``, or all)."""
        keep = np.ones(self.count.size, dtype=bool) if version is None else self.version == version
        return np.repeat(self.values[keep], self.count[keep], axis=0)

    def versions(self) -> set[int]:
        return set(self.version.tolist())


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


def _where_sessions(stmt: Any, study_id: int, filters: Filters) -> Any:
    stmt = stmt.where(col(StudyVersion.study_id) == study_id)
    if filters.device:
        stmt = stmt.where(col(ParticipantSession.device_class) == filters.device)
    if filters.since:
        stmt = stmt.where(
            col(ParticipantSession.started_at) >= datetime.combine(filters.since, time(), tzinfo=UTC)
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=UTC)
        stmt = stmt.where(col(ParticipantSession.started_at) < end)
    return stmt


def _sessions_join(stmt: Any) -> Any:
    return stmt.join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id).join(
        StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id
    )


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
    stmt = _where_sessions(_sessions_join(sql_select(*keys, func.count())), study_id, filters)
    arr = _structured(db, stmt.where(col(Attempt.outcome).is_not(None)).group_by(*keys), ATTEMPT_DTYPE)
    if not arr.size:
        return [np.zeros(0, dtype=np.int64)] * 3 + [np.zeros(0), np.zeros(0, dtype=np.int64)]
    seq = np.where(arr["seq"] == 0, np.nan, arr["seq"].astype(float))
    columns = [_task_index(by_id, arr["task"]), arr["version"], arr["outcome"], seq, arr["direct"]]
    return [np.repeat(column, arr["count"]) for column in columns]


def _times(db: Session, study_id: int, filters: Filters, by_id: dict[int, int]) -> list[np.ndarray]:
    """Successful attempts' times in seconds, with their task index and version."""
    stmt = _where_sessions(
        _sessions_join(
            sql_select(col(Attempt.task_id), col(StudyVersion.number), col(Attempt.time_on_task_s))
        ),
        study_id,
        filters,
    ).where(col(Attempt.outcome) == "success", col(Attempt.time_on_task_s) > 0)
    arr = _structured(db, stmt, TIME_DTYPE)
    return [_task_index(by_id, arr["task"]), arr["version"], arr["time"]]


def _structured(db: Session, stmt: Select[Any], dtype: np.dtype[Any]) -> np.ndarray:
    """Run a query and read its rows straight from the DBAPI cursor into a structured array.

    Bypasses SQLAlchemy's Row objects (a million of them cost seconds); every column must
    be a plain number (use COALESCE for NULLs).
    """
    result = db.connection().execute(stmt)
    try:
        return np.fromiter(cast(Iterable[tuple[Any, ...]], result.cursor), dtype=dtype)
    finally:
        result.close()


def _single_answers(db: Session, study_id: int, filters: Filters, ces_scale: str) -> dict[str, Answers]:
    """Answers to the one-item questionnaires, counted per (questionnaire, version, value) in one scan.

    CES answers count only on ``ces_scale`` (the newest version's), since the scales differ.
    """
    names = [name for name, items in QUESTIONNAIRE_ITEMS.items() if items == 1]
    code = case(*((col(Response.questionnaire) == name, i) for i, name in enumerate(names)), else_=-1)
    scale = func.coalesce(col(Response.scale_version), "2.0")
    keys = [code, col(StudyVersion.number), col(Response.value)]
    stmt = (
        sql_select(*keys, func.count())
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(Response.questionnaire).in_(names), col(Response.value).is_not(None))
        .where((col(Response.questionnaire) != "ces") | (scale == ces_scale))
    )
    dtype = np.dtype([("name", "i8"), ("version", "i8"), ("value", "i8"), ("count", "i8")])
    arr = _structured(db, _where_sessions(stmt, study_id, filters).group_by(*keys), dtype)
    out = {}
    for i, name in enumerate(names):
        mine = arr[arr["name"] == i]
        out[name] = Answers(mine["version"], mine["value"].reshape(-1, 1), mine["count"])
    return out


def _answers(db: Session, study_id: int, filters: Filters, name: str) -> Answers:
    """Complete answers to ``name`` grouped by version and item values (SQL pivots and counts).

    Counting distinct answer rows keeps the result small however many people answered;
    expanding them again (``Answers.rows``) gives the metrics the same arrays.
    """
    items = QUESTIONNAIRE_ITEMS[name]
    number: Any = col(StudyVersion.number).label("version")
    where = [col(Response.questionnaire) == name, col(Response.value).is_not(None)]
    cells = [
        func.max(case((col(Response.item) == i, col(Response.value)))).label(f"i{i}")
        for i in range(1, items + 1)
    ]
    per_person = (
        sql_select(number, *cells)
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(*where)
        .group_by(col(Response.session_id), col(StudyVersion.number))
        .having(func.count() == items)
    )
    inner = _where_sessions(per_person, study_id, filters).subquery()
    keys = [inner.c.version, *(inner.c[f"i{i}"] for i in range(1, items + 1))]
    stmt = sql_select(*keys, func.count()).group_by(*keys)
    dtype = np.dtype([("version", "i8"), *((f"i{i}", "i8") for i in range(1, items + 1)), ("count", "i8")])
    arr = _structured(db, stmt, dtype)
    values = np.stack([arr[f"i{i}"] for i in range(1, items + 1)], axis=1).reshape(arr.size, items)
    return Answers(arr["version"], values, arr["count"])


def _last_page(db: Session) -> ColumnElement[Any]:
    """The last entry of an attempt's path (a JSON array), as text."""
    if db.get_bind().dialect.name == "postgresql":
        return col(Attempt.path).op("->>")(-1)
    return func.json_extract(col(Attempt.path), "$[#-1]")


def _failure_ends(db: Session, study_id: int, filters: Filters, by_id: dict[int, int]) -> tuple:
    page = _last_page(db).label("page")
    stmt = _where_sessions(
        _sessions_join(sql_select(col(StudyVersion.number), col(Attempt.task_id), page, func.count())),
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
    stmt = _where_sessions(stmt, study_id, filters).group_by(col(StudyVersion.number), day)
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
    stmt = _where_sessions(stmt, study_id, filters).order_by(col(Response.id).desc()).limit(COMMENTS)
    rows = db.connection().execute(stmt).all()
    return tuple((int(v), str(at)[:10], str(text)) for v, at, text in rows if str(text).strip())


def load(db: Session, slug: str, filters: Filters) -> StudyData:
    """Read a study's results (raises NotFound for an unknown slug)."""
    study = studies.get_study(db, slug)
    study_id = int(study.id or 0)
    tasks, by_id, versions, ces_version = _tasks(db, study)
    a_task, a_version, a_outcome, a_seq, a_direct = _attempts(db, study_id, filters, by_id)
    t_task, t_version, t_time = _times(db, study_id, filters, by_id)
    answers = {
        name: _answers(db, study_id, filters, name)
        for name, items in QUESTIONNAIRE_ITEMS.items()
        if items > 1
    }
    answers |= _single_answers(db, study_id, filters, ces_version or "2.0")
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
    attempts = _sessions_join(
        sql_select(func.count(), func.count(col(Attempt.outcome))).select_from(Attempt)
    ).where(col(StudyVersion.study_id) == study.id)
    total, ended = db.connection().execute(attempts).one()
    return {
        "participants": int(started),
        "finished": int(finished),
        "attempts": int(ended),
        "running": int(total) - int(ended),
    }

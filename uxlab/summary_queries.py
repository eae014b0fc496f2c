"""The SQL behind the CX summary: a handful of queries that turn stored results into numpy arrays.

Device class and dates filter in SQL (they select participant sessions); the version
filter is applied later in numpy, because findings compare a version with the previous one.
Only ended attempts count. Works on SQLite and PostgreSQL alike (the one dialect-specific
expression is the last page of a JSON path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Select, case, func
from sqlalchemy import select as sql_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task
from uxlab.summary_types import Filters

QUESTIONNAIRE_ITEMS = {"sus": 10, "umux_lite": 2, "nps": 1, "csat": 1, "ces": 1}
OUTCOME_CODES = {"success": 0, "failure": 1, "give_up": 2, "timeout": 3}


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
    a_time_s: np.ndarray  # NaN when not ended with a time
    a_seq: np.ndarray  # NaN when not answered
    a_direct: np.ndarray  # 1 direct, 0 indirect/not a success, -1 unknown (no ideal path)
    r_version: np.ndarray  # one row per respondent
    r_items: dict[str, np.ndarray]  # questionnaire -> (respondents, items) with NaN gaps
    r_ces_version: tuple[str | None, ...]
    failure_ends: tuple[tuple[int, int, str, int], ...]  # (version, task index, last page, count)
    days: tuple[tuple[int, str, int, int], ...]  # (version, day, started, finished)


def _where_sessions(stmt: Select[Any], study_id: int, filters: Filters) -> Select[Any]:
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


def _sessions_join(stmt: Select[Any]) -> Select[Any]:
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


def _attempts(db: Session, study_id: int, filters: Filters, by_id: dict[int, int]) -> list[np.ndarray]:
    outcome = case(
        *((col(Attempt.outcome) == name, code) for name, code in OUTCOME_CODES.items() if code < 3), else_=3
    )
    direct = case((col(Attempt.direct).is_(None), -1), (col(Attempt.direct).is_(True), 1), else_=0)
    stmt = _where_sessions(
        _sessions_join(
            sql_select(
                col(Attempt.task_id),
                col(StudyVersion.number),
                outcome,
                col(Attempt.time_on_task_s),
                col(Attempt.seq),
                direct,
            )
        ),
        study_id,
        filters,
    ).where(col(Attempt.outcome).is_not(None))
    rows = db.connection().execute(stmt).all()
    if not rows:
        return [np.zeros(0, dtype=np.int64)] * 3 + [np.zeros(0)] * 2 + [np.zeros(0, dtype=np.int64)]
    arr = np.array(rows, dtype=float)  # None -> nan
    ids = arr[:, 0].astype(np.int64)
    keys = np.fromiter(by_id.keys(), dtype=np.int64, count=len(by_id))
    vals = np.fromiter(by_id.values(), dtype=np.int64, count=len(by_id))
    order = np.argsort(keys)
    task_index = vals[order][np.searchsorted(keys[order], ids)]
    return [
        task_index,
        arr[:, 1].astype(np.int64),
        arr[:, 2].astype(np.int64),
        arr[:, 3],
        arr[:, 4],
        arr[:, 5].astype(np.int64),
    ]


def _responses(
    db: Session, study_id: int, filters: Filters
) -> tuple[np.ndarray, dict[str, np.ndarray], tuple]:
    """One row per respondent: each questionnaire item pivoted into a column (SQL does the pivot)."""
    columns: list[ColumnElement[Any]] = []
    for name, count in QUESTIONNAIRE_ITEMS.items():
        for item in range(1, count + 1):
            hit = (col(Response.questionnaire) == name) & (col(Response.item) == item)
            columns.append(func.max(case((hit, Response.value))))
    ces_scale = func.max(case((col(Response.questionnaire) == "ces", Response.scale_version)))
    stmt = (
        sql_select(col(StudyVersion.number), ces_scale, *columns)
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(Response.questionnaire).in_(list(QUESTIONNAIRE_ITEMS)), col(Response.value).is_not(None))
        .group_by(col(Response.session_id), col(StudyVersion.number))
    )
    rows = db.connection().execute(_where_sessions(stmt, study_id, filters)).all()
    width = sum(QUESTIONNAIRE_ITEMS.values())
    values = np.array([r[2:] for r in rows], dtype=float).reshape(len(rows), width)
    items: dict[str, np.ndarray] = {}
    start = 0
    for name, count in QUESTIONNAIRE_ITEMS.items():
        items[name] = values[:, start : start + count]
        start += count
    return np.array([r[0] for r in rows], dtype=np.int64), items, tuple(r[1] for r in rows)


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


def load(db: Session, slug: str, filters: Filters) -> StudyData:
    """Read a study's results (raises NotFound for an unknown slug)."""
    study = studies.get_study(db, slug)
    study_id = int(study.id or 0)
    tasks, by_id, versions, ces_version = _tasks(db, study)
    a_task, a_version, a_outcome, a_time, a_seq, a_direct = _attempts(db, study_id, filters, by_id)
    r_version, r_items, r_ces = _responses(db, study_id, filters)
    return StudyData(
        study,
        versions,
        ces_version,
        tasks,
        a_task,
        a_version,
        a_outcome,
        a_time,
        a_seq,
        a_direct,
        r_version,
        r_items,
        r_ces,
        _failure_ends(db, study_id, filters, by_id),
        _days(db, study_id, filters),
    )

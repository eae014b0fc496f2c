"""The SQL behind the CX summary: a handful of queries that turn stored results into numpy arrays.

Device class and dates filter in SQL (they select participant sessions); the version
filter is applied later in numpy, because findings compare a version with the previous one.
Only ended attempts count. The attempts are read by ``scan`` (one pass each, as packed
integers) and the questionnaire answers by ``answers``. A session belongs to the day, UTC,
on which it started (``sql.where_sessions``, ``sql.utc_day``). Works on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task
from uxlab.reports.answers import Answers, load_answers
from uxlab.reports.filters import Filters
from uxlab.reports.questions import screened_out_count
from uxlab.reports.scan import OUTCOME_CODES, TaskIds, attempts, failure_ends, success_counts
from uxlab.reports.sql import check_filters, sessions_join, utc_day, where_sessions

__all__ = ["OUTCOME_CODES", "StudyData", "TaskInfo", "live_counts", "load"]
COMMENTS = 50


@dataclass(frozen=True)
class TaskInfo:
    """A task key as the summary shows it (from the newest version that has it)."""

    key: str
    prompt: str
    stage: str
    touchpoint: str
    target_time_s: float | None
    start: str
    ideal_path: bool = True  # False: no ideal path, so direct success is undefined


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
    questionnaires: tuple[str, ...] | None = None  # those the newest version asks
    # (version, task index, successful times) under no filters; None: the filters leave out
    # no session, so the loaded times are all of them (``centre_n``)
    all_times: tuple[tuple[int, int, int], ...] | None = None

    def centre_n(self, task: int | None, version: int | None) -> int | None:
        """The count of successful times that chooses the centre of the time of ``task`` (None:
        all tasks) in ``version`` (None: all): the count without the session filters, the version
        being shown only. None when the filters leave out no session: the figure's own count is it.
        """
        if self.all_times is None:
            return None
        return sum(n for v, i, n in self.all_times if version in (None, v) and task in (None, i))


def _tasks(
    db: Session, study: Study
) -> tuple[tuple[TaskInfo, ...], TaskIds, tuple[int, ...], str | None, tuple[str, ...] | None]:
    """Task keys in the newest version's order (then older-only keys), ids, versions, CES, questionnaires."""
    rows = db.exec(
        select(Task, StudyVersion.number)
        .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
        .where(StudyVersion.study_id == study.id)
        .order_by(col(StudyVersion.number).desc(), col(Task.position))
    ).all()
    stored = db.exec(
        select(StudyVersion).where(StudyVersion.study_id == study.id).order_by(col(StudyVersion.number))
    ).all()
    by_number = {version.number: version for version in stored}
    versions = tuple(by_number)
    starts: dict[str, str] = {}
    ces_version, asked = None, None
    if stored:
        scenario = studies.scenario_of(stored[-1])
        starts = {spec.id: spec.start for spec in scenario.tasks}
        ces_version = scenario.ces_version if "ces" in scenario.questionnaires else None
        asked = tuple(scenario.questionnaires)
    index: dict[str, int] = {}
    infos: list[TaskInfo] = []
    by_id: dict[int, tuple[int, int]] = {}
    for task, number in rows:
        if task.key not in index:
            index[task.key] = len(infos)
            spec = studies.scenario_of(by_number[number]).task(task.key)
            infos.append(
                TaskInfo(
                    task.key,
                    task.prompt,
                    task.stage,
                    task.touchpoint,
                    spec.target_time_s,
                    starts.get(task.key, ""),
                    bool(spec.ideal_path),
                )
            )
        by_id[int(task.id or 0)] = (index[task.key], int(number))
    return tuple(infos), TaskIds.of(by_id), versions, ces_version, asked


def _days(db: Session, study_id: int, filters: Filters) -> tuple:
    day = utc_day(db, col(ParticipantSession.started_at)).label("day")
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
    tasks, ids, versions, ces_version, asked = _tasks(db, study)
    check_filters(db, study_id, filters)
    ended = attempts(db, study_id, filters, ids)
    answers = load_answers(db, study_id, filters, ces_version or "2.0")
    return StudyData(
        study,
        versions,
        ces_version,
        tasks,
        ended.task,
        ended.version,
        ended.outcome,
        ended.seq,
        ended.direct,
        ended.t_task,
        ended.t_version,
        ended.t_time_s,
        answers,
        failure_ends(db, study_id, filters, ids),
        _days(db, study_id, filters),
        _comments(db, study_id, filters),
        asked,
        None if filters.without_version() == Filters() else success_counts(db, study_id, ids),
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
        "screened_out": screened_out_count(db, study),  # turned away by the screener: never participants
        "finished": int(finished),
        "attempts": int(ended),
        "running": int(total) - int(ended),
    }

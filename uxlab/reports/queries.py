"""The SQL behind the CX summary: a handful of queries that turn stored results into numpy arrays.

Device class and dates filter in SQL (they select participant sessions); the version
filter is applied later in numpy (``StudyData.at``), because findings compare a version with
the previous one.
Only ended attempts count. The attempts are read by ``scan`` (one pass each, as packed
integers) and the questionnaire answers by ``answers``. A session belongs to the day, UTC,
on which it started (``sql.where_sessions``, ``sql.utc_day``). Works on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task
from uxlab.reports.answers import load_answers
from uxlab.reports.filters import Filters
from uxlab.reports.questions import screened_out_count
from uxlab.reports.scan import OUTCOME_CODES, TaskIds, attempts, failure_ends, success_counts
from uxlab.reports.sql import check_filters, not_excluded, sessions_join, utc_day, where_sessions
from uxlab.reports.study_data import StudyData, TaskInfo, VersionSettings

__all__ = ["OUTCOME_CODES", "StudyData", "TaskInfo", "live_counts", "load"]
COMMENTS = 50


def _tasks(
    db: Session, study: Study
) -> tuple[tuple[TaskInfo, ...], TaskIds, dict[int, VersionSettings], str | None]:
    """Task keys in the newest version's order (then older-only keys), ids, each version's settings, CES."""
    rows = db.exec(
        select(Task, StudyVersion.number)
        .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
        .where(StudyVersion.study_id == study.id)
        .order_by(col(StudyVersion.number).desc(), col(Task.position))
    ).all()
    stored = db.exec(
        select(StudyVersion).where(StudyVersion.study_id == study.id).order_by(col(StudyVersion.number))
    ).all()
    own: dict[int, list[TaskInfo]] = {version.number: [] for version in stored}
    specs = {v.number: {spec.id: spec for spec in studies.scenario_of(v).tasks} for v in stored}
    index: dict[str, int] = {}
    infos: list[TaskInfo] = []
    by_id: dict[int, tuple[int, int]] = {}
    for task, number in rows:
        spec = specs[number][task.key]
        info = TaskInfo(
            task.key,
            task.prompt,
            task.stage,
            task.touchpoint,
            spec.target_time_s,
            spec.start,
            bool(spec.ideal_path),
        )
        own[number].append(info)
        if task.key not in index:  # the newest version that has the key sets it for all versions
            index[task.key] = len(infos)
            infos.append(info)
        by_id[int(task.id or 0)] = (index[task.key], int(number))
    settings = {
        version.number: VersionSettings(
            tuple(own[version.number]),
            tuple(studies.scenario_of(version).questionnaires),
            studies.scenario_of(version).ces_version,
        )
        for version in stored
    }
    ces_version = None
    if stored:
        scenario = studies.scenario_of(stored[-1])
        ces_version = scenario.ces_version if "ces" in scenario.questionnaires else None
    return tuple(infos), TaskIds.of(by_id), settings, ces_version


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
    """Read a study's results as the version filter shows them (``StudyData.at``; NotFound for an
    unknown slug). ``at`` on the result gives any other version's view of the same load."""
    study = studies.get_study(db, slug)
    study_id = int(study.id or 0)
    tasks, ids, settings, ces_version = _tasks(db, study)
    check_filters(db, study_id, filters)
    ended = attempts(db, study_id, filters, ids)
    scales = {number: own.ces_scale for number, own in settings.items()}
    answers = load_answers(db, study_id, filters, scales, ces_version or "2.0")
    whole = StudyData(
        study,
        tuple(settings),
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
        settings[max(settings)].questionnaires if settings else None,
        None if filters.without_version() == Filters() else success_counts(db, study_id, ids),
        settings,
        ces_left_out=tuple(sorted(answers["ces"].versions() - (answers["ces"].pooled or set()))),
    )
    return whole.at(filters.version)


def live_counts(db: Session, slug: str) -> dict[str, int]:
    """Participation so far (all versions): sessions started and finished, attempts ended and running.

    Excluded participants are left out, as from every report figure (the box stands beside them).
    """
    study = studies.get_study(db, slug)
    sessions = (
        sql_select(func.count(), func.count(col(ParticipantSession.finished_at)))
        .select_from(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(StudyVersion.study_id) == study.id, *not_excluded(col(ParticipantSession.id), Filters()))
    )
    started, finished = db.connection().execute(sessions).one()
    attempts = sessions_join(
        sql_select(func.count(), func.count(col(Attempt.outcome))).select_from(Attempt)
    ).where(col(StudyVersion.study_id) == study.id, *not_excluded(col(Attempt.session_id), Filters()))
    total, ended = db.connection().execute(attempts).one()
    return {
        "participants": int(started),
        "screened_out": screened_out_count(db, study),  # turned away by the screener: never participants
        "finished": int(finished),
        "attempts": int(ended),
        "running": int(total) - int(ended),
    }

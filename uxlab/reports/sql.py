"""The report filters in SQL: which sessions a summary, a download or a per-day count covers.

One definition for all of them: a session, with all its attempts and answers, belongs to
the day, UTC, on which it started, whenever its attempts and answers were made. Outcome and
task filters keep only the matching attempts (``attempt_conditions``) and the sessions with at
least one of them; excluded participants' sessions are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, cast, exists, func
from sqlalchemy import select as sql_select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from uxlab.errors import BadRequest
from uxlab.models import Attempt, ParticipantExclusion, ParticipantSession, StudyVersion, Task
from uxlab.reports.filters import Filters


def attempt_conditions(filters: Filters, attempt: Any = Attempt) -> list[ColumnElement[bool]]:
    """What an attempt (of ``attempt``, the table or an alias) must satisfy under ``filters``: its
    outcome and its task's key (looked up in an alias of ``Task``: never correlated with a query's own)."""
    conditions = []
    if filters.outcome:
        conditions.append(attempt.outcome == filters.outcome)
    if filters.task:
        task = aliased(Task)
        conditions.append(attempt.task_id.in_(sql_select(col(task.id)).where(col(task.key) == filters.task)))
    return conditions


def not_excluded(session_id: Any, filters: Filters) -> list[ColumnElement[bool]]:
    """Leave out the excluded participants' sessions (``session_id``: a column naming a session)."""
    if filters.with_excluded:
        return []
    return [session_id.not_in(sql_select(col(ParticipantExclusion.session_id)))]


def session_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """What a session must satisfy under ``filters``: device class, start dates, language, finished,
    link parameter, at least one attempt with the outcome and task asked for, not excluded (not the
    version)."""
    conditions = not_excluded(col(ParticipantSession.id), filters)
    other = aliased(Attempt)  # not the query's own attempts
    matching = attempt_conditions(filters, other)
    if matching:
        conditions.append(exists().where(col(other.session_id) == ParticipantSession.id, *matching))
    if filters.device:
        conditions.append(col(ParticipantSession.device_class) == filters.device)
    if filters.language:
        conditions.append(col(ParticipantSession.language) == filters.language)
    if filters.finished:
        conditions.append(col(ParticipantSession.finished_at).is_not(None))
    if filters.since:
        conditions.append(
            col(ParticipantSession.started_at) >= datetime.combine(filters.since, time(), tzinfo=UTC)
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=UTC)
        conditions.append(col(ParticipantSession.started_at) < end)
    if filters.link:
        name, value = filters.link  # JSON_EXTRACT on SQLite, ->> on PostgreSQL
        link_params = ParticipantSession.__table__.c.link_params  # type: ignore[attr-defined]
        conditions.append(link_params[name].as_string() == value)
    return conditions


def check_filters(db: Session, study_id: int, filters: Filters) -> None:
    """BadRequest when the task filter names no task of the study (in any version), or the
    version filter no version of it: a typo would show empty figures as if no one took part."""
    if filters.version is not None:
        versions = sql_select(func.count()).where(
            col(StudyVersion.study_id) == study_id, col(StudyVersion.number) == filters.version
        )
        if not db.connection().execute(versions).scalar_one():
            raise BadRequest(f"the study has no version {filters.version}", field="version")
    if filters.task is None:
        return
    stmt = (
        sql_select(func.count())
        .select_from(Task)
        .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
        .where(col(StudyVersion.study_id) == study_id, col(Task.key) == filters.task)
    )
    if not db.connection().execute(stmt).scalar_one():
        raise BadRequest(f"task {filters.task!r} is not a task of this study", field="task")


def excluded_by_version(db: Session, study_id: int) -> dict[int, int]:
    """How many of the study's participants the researcher excluded (``uxlab.participants.exclusions``),
    per study version number (versions without exclusions left out)."""
    stmt = (
        sql_select(col(StudyVersion.number), func.count())
        .select_from(ParticipantExclusion)
        .join(ParticipantSession, col(ParticipantSession.id) == ParticipantExclusion.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(StudyVersion.study_id) == study_id)
        .group_by(col(StudyVersion.number))
    )
    return {int(number): int(count) for number, count in db.connection().execute(stmt)}


def where_sessions(stmt: Any, study_id: int, filters: Filters) -> Any:
    """Keep the study's sessions under ``filters`` (``session_conditions``; not its version)."""
    return stmt.where(col(StudyVersion.study_id) == study_id, *session_conditions(filters))


def where_attempts(db: Session, stmt: Any, study_id: int, filters: Filters, task_ids: Sequence[int]) -> Any:
    """Keep the attempts (``stmt`` selects from ``Attempt``) of the study's sessions under ``filters``.

    Only the attempts with the outcome and task asked for (``attempt_conditions``).
    ``task_ids`` are all the study's task rows: an attempt's task is one of its session's
    version's tasks, so on PostgreSQL they select the study's attempts without joining the
    sessions and versions, which cost a third of a scan of the attempts (the sessions are
    joined only when ``filters`` select sessions). SQLite joins them: the join reads the
    covering index ``ix_attempt_summary`` by session, whereas a task-id condition would read
    the attempt rows through ``ix_attempt_task_id``, twice as slow.
    """
    matching = attempt_conditions(filters)
    if db.get_bind().dialect.name != "postgresql":
        return where_sessions(sessions_join(stmt), study_id, filters).where(*matching)
    stmt = stmt.where(col(Attempt.task_id).in_([int(i) for i in task_ids]), *matching)
    stmt = stmt.where(*not_excluded(col(Attempt.session_id), filters))
    conditions = session_conditions(filters.without_attempt_filters())
    if conditions:
        joined = stmt.join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id)
        return joined.where(*conditions)
    return stmt


def where_filters(stmt: Any, study_id: int, filters: Filters, *, attempts: bool = False) -> Any:
    """``where_sessions`` and the version filter: the rows a download under ``filters`` holds
    (``attempts``: ``stmt`` selects attempts, which must also satisfy ``attempt_conditions``).

    (The summary filters versions later, in numpy: its findings compare with the previous one.)
    """
    stmt = where_sessions(stmt, study_id, filters)
    if filters.version is not None:
        stmt = stmt.where(col(StudyVersion.number) == filters.version)
    return stmt.where(*attempt_conditions(filters)) if attempts else stmt


def utc_day(db: Session, moment: Any) -> ColumnElement[Any]:
    """The UTC date of a stored time (PostgreSQL's date() would follow the connection's time zone)."""
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    return func.date(moment)  # SQLite stores times in UTC


def sessions_join(stmt: Any) -> Any:
    """Join attempts to their sessions and the sessions' study versions."""
    return stmt.join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id).join(
        StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id
    )

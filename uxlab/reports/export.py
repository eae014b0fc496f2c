"""Raw results of a study, row by row: every attempt and every questionnaire answer.

Rows are streamed from the database in batches (``yield_per``), so exporting a large
study never holds it in memory. The same rows feed the researcher's attempts table,
``uxlab export`` (CSV or JSON) and anything else that wants raw data.

``csv_chunks`` (``uxlab.reports.csv_writer``) is uxlab's one CSV writer, used by ``uxlab
export`` and the web downloads alike (formula cells defused).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import Float, RowMapping, Select, cast, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from uxlab.errors import BadRequest, NotFound
from uxlab.models import (
    Attempt,
    ParticipantExclusion,
    ParticipantSession,
    QuestionAnswer,
    Response,
    Study,
    StudyVersion,
    Task,
)
from uxlab.reports.csv_writer import BATCH_ROWS, Row, csv_cell, csv_chunks, write_csv, write_json
from uxlab.reports.filters import Filters
from uxlab.reports.sql import where_filters

# the panel's link parameters and code (researchers only); whether and why the researcher
# excluded the participant (rows of excluded participants come only with ``excluded=1``)
SESSION_EXTRAS = ("link_params", "completion_code", "excluded", "exclusion_reason")
ALL = Filters(with_excluded=True)  # no filters: every row, excluded participants' too
ATTEMPT_COLUMNS = (
    "study",
    "version",
    "participant",
    "device",
    "language",
    "task",
    "task_position",
    "stage",
    "outcome",
    "abandoned",
    "did_not_open",
    "started_at",
    "ended_at",
    "time_on_task_s",
    "click_count",
    "path",
    "direct",
    "answer",
    "seq",
    *SESSION_EXTRAS,
)
RESPONSE_COLUMNS = (
    "study",
    "version",
    "participant",
    "device",
    "language",
    "questionnaire",
    "item",
    "value",
    "text",
    "scale_version",
    "answered_at",
    *SESSION_EXTRAS,
)
# the researcher's own questions: one row per answer (per chosen option of a multiple choice)
QUESTION_COLUMNS = (
    *RESPONSE_COLUMNS[:5],
    "task",
    "question",
    "value",
    "text",
    "answered_at",
    *SESSION_EXTRAS,
)
TABLES = {"attempts": ATTEMPT_COLUMNS, "responses": RESPONSE_COLUMNS, "questions": QUESTION_COLUMNS}
__all__ = ["csv_cell", "csv_chunks", "write_csv", "write_json"]  # the writer, where callers found it


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z and milliseconds, or None (every export's form of a moment;
    PostgreSQL hands back moments in the connection's time zone)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def _study_id(db: Session, slug: str) -> int:
    study = db.exec(select(Study).where(Study.slug == slug)).first()
    if study is None or study.id is None:
        raise NotFound(f"no study {slug!r}", field="study")
    return study.id


def _stream(db: Session, query: Select[Any]) -> Iterator[RowMapping]:
    """Run a Core query on the session's connection, fetching BATCH_ROWS rows at a time."""
    result = db.connection().execute(query.execution_options(yield_per=BATCH_ROWS))
    yield from result.mappings()


def _session_columns(slug: str) -> list[Any]:
    return [
        literal(slug).label("study"),
        col(StudyVersion.number).label("version"),
        col(ParticipantSession.public_id).label("participant"),
        col(ParticipantSession.device_class).label("device"),
        col(ParticipantSession.language).label("language"),
        col(ParticipantSession.link_params).label("link_params"),
        col(ParticipantSession.completion_code).label("completion_code"),
        col(ParticipantExclusion.id).is_not(None).label("excluded"),
        col(ParticipantExclusion.reason).label("exclusion_reason"),
    ]


def _with_exclusions(query: Select[Any]) -> Select[Any]:
    """Join each session's exclusion, if any (for the ``excluded`` columns)."""
    return query.outerjoin(
        ParticipantExclusion, col(ParticipantExclusion.session_id) == ParticipantSession.id
    )


def iter_attempt_rows(
    db: Session, slug: str, filters: Filters | None = None, *, offset: int = 0, limit: int | None = None
) -> Iterator[Row]:
    """Yield one row per attempt of the study's sessions under ``filters`` (default: all, excluded
    participants too), in participant and start order."""
    query = (
        sa_select(
            *_session_columns(slug),
            col(Task.key).label("task"),
            col(Task.position).label("task_position"),
            col(Task.stage).label("stage"),
            col(Attempt.outcome),
            col(Attempt.abandoned),
            col(Attempt.did_not_open),
            col(Attempt.started_at),
            col(Attempt.ended_at),
            # stored as whole ms; exact in a double, so this is the nearest double to the seconds
            (cast(col(Attempt.time_on_task_ms), Float) / 1000).label("time_on_task_s"),
            col(Attempt.click_count),
            col(Attempt.path),
            col(Attempt.direct),
            col(Attempt.answer),
            col(Attempt.seq),
        )
        .join_from(Attempt, ParticipantSession, col(Attempt.session_id) == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .join(Task, col(Attempt.task_id) == col(Task.id))
        .order_by(col(ParticipantSession.started_at), col(ParticipantSession.id), col(Attempt.id))
        .offset(offset)
        .limit(limit)
    )
    query = where_filters(_with_exclusions(query), _study_id(db, slug), filters or ALL, attempts=True)
    for row in _stream(db, query):
        yield {
            **row,
            "started_at": iso_utc(row["started_at"]),
            "ended_at": iso_utc(row["ended_at"]),
            "path": list(row["path"] or []),
        }


def count_attempts(db: Session, slug: str, filters: Filters | None = None) -> int:
    """How many rows ``iter_attempt_rows`` yields under ``filters`` (default: all)."""
    query = (
        sa_select(func.count(col(Attempt.id)))
        .join_from(Attempt, ParticipantSession, col(Attempt.session_id) == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
    )
    query = where_filters(query, _study_id(db, slug), filters or ALL, attempts=True)
    return int(db.connection().execute(query).scalar_one())


def task_keys(db: Session, slug: str) -> list[str]:
    """The ids of the study's tasks, in any version, sorted (the attempts page's task filter)."""
    query = (
        select(Task.key)
        .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
        .where(StudyVersion.study_id == _study_id(db, slug))
        .distinct()
    )
    return sorted(db.exec(query).all())


def iter_response_rows(db: Session, slug: str, filters: Filters | None = None) -> Iterator[Row]:
    """Yield one row per questionnaire answer of the study's sessions under ``filters`` (default: all)."""
    query = (
        sa_select(
            *_session_columns(slug),
            col(Response.questionnaire),
            col(Response.item),
            col(Response.value),
            col(Response.text),
            col(Response.scale_version),
            col(Response.created_at).label("answered_at"),
        )
        .join_from(Response, ParticipantSession, col(Response.session_id) == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .order_by(
            col(ParticipantSession.started_at),
            col(ParticipantSession.id),
            col(Response.questionnaire),
            col(Response.item),
        )
    )
    for row in _stream(db, where_filters(_with_exclusions(query), _study_id(db, slug), filters or ALL)):
        yield {**row, "answered_at": iso_utc(row["answered_at"])}


def iter_question_rows(db: Session, slug: str, filters: Filters | None = None) -> Iterator[Row]:
    """Yield one row per answer to the study's own questions (``task`` empty: the final block)."""
    qa = QuestionAnswer.__table__.c  # type: ignore[attr-defined]
    query = (
        sa_select(*_session_columns(slug), qa.task_key.label("task"), qa.question_id.label("question"))
        .add_columns(qa.value, qa.text, qa.created_at.label("answered_at"))
        .join_from(QuestionAnswer, ParticipantSession, qa.session_id == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .order_by(col(ParticipantSession.started_at), col(ParticipantSession.id), qa.id)
    )
    for row in _stream(db, where_filters(_with_exclusions(query), _study_id(db, slug), filters or ALL)):
        yield {**row, "answered_at": iso_utc(row["answered_at"])}


def export_study(db: Session, slug: str, out: TextIO, fmt: str, what: str = "all") -> int:
    """Write a study's attempts and/or responses as CSV or JSON; return the number of rows.

    ``what`` is ``attempts``, ``responses`` or ``all``. CSV with ``all`` writes the two
    tables one after the other, each with its header row, separated by one empty line.
    """
    names = list(TABLES) if what == "all" else [what]
    if fmt not in {"csv", "json"} or any(name not in TABLES for name in names):
        raise BadRequest(f"cannot export {what!r} as {fmt!r}", field="format")
    _study_id(db, slug)
    readers = {
        "attempts": lambda: iter_attempt_rows(db, slug),
        "responses": lambda: iter_response_rows(db, slug),
        "questions": lambda: iter_question_rows(db, slug),
    }
    if fmt == "json":
        return write_json(out, slug, {name: readers[name]() for name in names})
    count = 0
    for index, name in enumerate(names):
        if index:
            out.write("\n")
        count += write_csv(out, TABLES[name], readers[name]())
    return count

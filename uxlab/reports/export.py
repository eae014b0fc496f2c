"""Raw results of a study, row by row: every attempt, every questionnaire answer, every
answer to the study's own questions and every participant session (``sessions_table``).

Rows are streamed from the database in batches (``yield_per``), so exporting a large
study never holds it in memory. The same rows feed the researcher's attempts table,
``uxlab export`` (CSV or JSON) and anything else that wants raw data.

``csv_chunks`` (``uxlab.reports.csv_writer``) is uxlab's one CSV writer, used by ``uxlab
export`` and the web downloads alike (formula cells defused).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import Float, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from uxlab.errors import BadRequest
from uxlab.models import Attempt, ParticipantSession, QuestionAnswer, Response, StudyVersion, Task
from uxlab.reports.csv_writer import Row, csv_cell, csv_chunks, write_csv, write_json
from uxlab.reports.filters import Filters
from uxlab.reports.sessions_table import (
    ALL,
    SESSION_COLUMNS,
    SESSION_EXTRAS,
    iso_utc,
    iter_session_rows,
    session_columns,
    stream,
    study_id,
    with_exclusions,
)
from uxlab.reports.sql import where_filters

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
# ``--what all`` writes them in this order; sessions last, so the first three keep their places
TABLES = {
    "attempts": ATTEMPT_COLUMNS,
    "responses": RESPONSE_COLUMNS,
    "questions": QUESTION_COLUMNS,
    "sessions": SESSION_COLUMNS,
}
__all__ = ["csv_cell", "csv_chunks", "iso_utc", "write_csv", "write_json"]  # where callers found them


def iter_attempt_rows(
    db: Session, slug: str, filters: Filters | None = None, *, offset: int = 0, limit: int | None = None
) -> Iterator[Row]:
    """Yield one row per attempt of the study's sessions under ``filters`` (default: all, excluded
    participants too), in participant and start order."""
    query = (
        sa_select(
            *session_columns(slug),
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
    query = where_filters(with_exclusions(query), study_id(db, slug), filters or ALL, attempts=True)
    for row in stream(db, query):
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
    query = where_filters(query, study_id(db, slug), filters or ALL, attempts=True)
    return int(db.connection().execute(query).scalar_one())


def task_keys(db: Session, slug: str) -> list[str]:
    """The ids of the study's tasks, in any version, sorted (the attempts page's task filter)."""
    query = (
        select(Task.key)
        .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
        .where(StudyVersion.study_id == study_id(db, slug))
        .distinct()
    )
    return sorted(db.exec(query).all())


def iter_response_rows(db: Session, slug: str, filters: Filters | None = None) -> Iterator[Row]:
    """Yield one row per questionnaire answer of the study's sessions under ``filters`` (default: all)."""
    query = (
        sa_select(
            *session_columns(slug),
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
    for row in stream(db, where_filters(with_exclusions(query), study_id(db, slug), filters or ALL)):
        yield {**row, "answered_at": iso_utc(row["answered_at"])}


def iter_question_rows(db: Session, slug: str, filters: Filters | None = None) -> Iterator[Row]:
    """Yield one row per answer to the study's own questions (``task`` empty: the final block)."""
    qa = QuestionAnswer.__table__.c  # type: ignore[attr-defined]
    query = (
        sa_select(*session_columns(slug), qa.task_key.label("task"), qa.question_id.label("question"))
        .add_columns(qa.value, qa.text, qa.created_at.label("answered_at"))
        .join_from(QuestionAnswer, ParticipantSession, qa.session_id == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .order_by(col(ParticipantSession.started_at), col(ParticipantSession.id), qa.id)
    )
    for row in stream(db, where_filters(with_exclusions(query), study_id(db, slug), filters or ALL)):
        yield {**row, "answered_at": iso_utc(row["answered_at"])}


def export_study(db: Session, slug: str, out: TextIO, fmt: str, what: str = "all") -> int:
    """Write a study's tables as CSV or JSON; return the number of rows.

    ``what`` is a table of ``TABLES`` or ``all``. CSV with ``all`` writes every table, one
    after the other, each with its header row, separated by one empty line.
    """
    names = list(TABLES) if what == "all" else [what]
    if fmt not in {"csv", "json"} or any(name not in TABLES for name in names):
        raise BadRequest(f"cannot export {what!r} as {fmt!r}", field="format")
    study_id(db, slug)
    readers = {
        "attempts": lambda: iter_attempt_rows(db, slug),
        "responses": lambda: iter_response_rows(db, slug),
        "questions": lambda: iter_question_rows(db, slug),
        "sessions": lambda: iter_session_rows(db, slug),
    }
    if fmt == "json":
        return write_json(out, slug, {name: readers[name]() for name in names})
    count = 0
    for index, name in enumerate(names):
        if index:
            out.write("\n")
        count += write_csv(out, TABLES[name], readers[name]())
    return count

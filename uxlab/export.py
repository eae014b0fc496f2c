"""Raw results of a study, row by row: every attempt and every questionnaire answer.

Rows are streamed from the database in batches (``yield_per``), so exporting a large
study never holds it in memory. The same rows feed the researcher's attempts table,
``uxlab export`` (CSV or JSON) and anything else that wants raw data.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import RowMapping, Select, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from uxlab.errors import BadRequest, NotFound
from uxlab.models import Attempt, ParticipantSession, Response, Study, StudyVersion, Task

BATCH_ROWS = 500
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
    "started_at",
    "ended_at",
    "time_on_task_s",
    "click_count",
    "path",
    "direct",
    "answer",
    "seq",
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
)
TABLES = {"attempts": ATTEMPT_COLUMNS, "responses": RESPONSE_COLUMNS}

Row = dict[str, Any]


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
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
    ]


def iter_attempt_rows(db: Session, slug: str, *, offset: int = 0, limit: int | None = None) -> Iterator[Row]:
    """Yield one row per attempt of the study (all versions), in participant and start order."""
    query = (
        sa_select(
            *_session_columns(slug),
            col(Task.key).label("task"),
            col(Task.position).label("task_position"),
            col(Task.stage).label("stage"),
            col(Attempt.outcome),
            col(Attempt.started_at),
            col(Attempt.ended_at),
            col(Attempt.time_on_task_s),
            col(Attempt.click_count),
            col(Attempt.path),
            col(Attempt.direct),
            col(Attempt.answer),
            col(Attempt.seq),
        )
        .join_from(Attempt, ParticipantSession, col(Attempt.session_id) == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .join(Task, col(Attempt.task_id) == col(Task.id))
        .where(col(StudyVersion.study_id) == _study_id(db, slug))
        .order_by(col(ParticipantSession.started_at), col(ParticipantSession.id), col(Attempt.id))
        .offset(offset)
        .limit(limit)
    )
    for row in _stream(db, query):
        yield {
            **row,
            "started_at": _iso(row["started_at"]),
            "ended_at": _iso(row["ended_at"]),
            "path": list(row["path"] or []),
        }


def count_attempts(db: Session, slug: str) -> int:
    query = (
        select(func.count(col(Attempt.id)))
        .join(ParticipantSession, col(Attempt.session_id) == col(ParticipantSession.id))
        .join(StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .where(StudyVersion.study_id == _study_id(db, slug))
    )
    return int(db.exec(query).one())


def iter_response_rows(db: Session, slug: str) -> Iterator[Row]:
    """Yield one row per questionnaire answer of the study (all versions)."""
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
        .where(col(StudyVersion.study_id) == _study_id(db, slug))
        .order_by(
            col(ParticipantSession.started_at),
            col(ParticipantSession.id),
            col(Response.questionnaire),
            col(Response.item),
        )
    )
    for row in _stream(db, query):
        yield {**row, "answered_at": _iso(row["answered_at"])}


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return " > ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_csv(out: TextIO, columns: tuple[str, ...], rows: Iterable[Row]) -> int:
    """Write a header and the rows as CSV (lists joined with " > "); return the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(row[name]) for name in columns])
        count += 1
    return count


def write_json(out: TextIO, slug: str, tables: dict[str, Iterable[Row]]) -> int:
    """Write ``{"study": slug, "<table>": [rows...], ...}`` one row at a time; return the row count."""
    out.write("{" + json.dumps("study") + ": " + json.dumps(slug))
    count = 0
    for name, rows in tables.items():
        out.write(",\n" + json.dumps(name) + ": [")
        for index, row in enumerate(rows):
            out.write(("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]")
    out.write("}\n")
    return count


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
    }
    if fmt == "json":
        return write_json(out, slug, {name: readers[name]() for name in names})
    count = 0
    for index, name in enumerate(names):
        if index:
            out.write("\n")
        count += write_csv(out, TABLES[name], readers[name]())
    return count

"""The exports' sessions table, and the session columns every export table carries.

One row per participant session (a participant who consented, whether or not they made an
attempt): the summary's ``participants`` and ``finished``, participation per day and the
since/until/finished filters come from these rows. The attempts, responses and questions
tables (``uxlab.reports.export``) name a session by the same ``participant`` id and carry
the same session columns (``session_columns``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, Select, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from uxlab.errors import NotFound
from uxlab.models import ParticipantExclusion, ParticipantSession, Study, StudyVersion
from uxlab.reports.csv_writer import BATCH_ROWS, Row
from uxlab.reports.filters import Filters
from uxlab.reports.sql import where_filters

# the panel's link parameters and code (researchers only); whether and why the researcher
# excluded the participant (rows of excluded participants come only with ``excluded=1``)
SESSION_EXTRAS = ("link_params", "completion_code", "excluded", "exclusion_reason")
ALL = Filters(with_excluded=True)  # no filters: every row, excluded participants' too
SESSION_COLUMNS = (
    "study",
    "version",
    "participant",
    "device",
    "language",
    "started_at",
    "finished_at",
    *SESSION_EXTRAS,
)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z and milliseconds, or None (every export's form of a moment;
    PostgreSQL hands back moments in the connection's time zone)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def study_id(db: Session, slug: str) -> int:
    """The id of the study ``slug``; NotFound for an unknown one."""
    study = db.exec(select(Study).where(Study.slug == slug)).first()
    if study is None or study.id is None:
        raise NotFound(f"no study {slug!r}", field="study")
    return study.id


def stream(db: Session, query: Select[Any]) -> Iterator[RowMapping]:
    """Run a Core query on the session's connection, fetching BATCH_ROWS rows at a time."""
    result = db.connection().execute(query.execution_options(yield_per=BATCH_ROWS))
    yield from result.mappings()


def session_columns(slug: str) -> list[Any]:
    """The columns of a session every table starts (study to language) and ends with (``SESSION_EXTRAS``)."""
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


def with_exclusions(query: Select[Any]) -> Select[Any]:
    """Join each session's exclusion, if any (for the ``excluded`` columns)."""
    return query.outerjoin(
        ParticipantExclusion, col(ParticipantExclusion.session_id) == ParticipantSession.id
    )


def iter_session_rows(db: Session, slug: str, filters: Filters | None = None) -> Iterator[Row]:
    """Yield one row per participant session of the study under ``filters`` (default: all,
    excluded participants too), in start order; ``finished_at`` is empty for an unfinished one."""
    columns = session_columns(slug)  # the times go between language and the extras, as in SESSION_COLUMNS
    times = [col(ParticipantSession.started_at), col(ParticipantSession.finished_at)]
    query = (
        sa_select(*columns[:5], *times, *columns[5:])
        .join_from(
            ParticipantSession, StudyVersion, col(ParticipantSession.study_version_id) == col(StudyVersion.id)
        )
        .order_by(col(ParticipantSession.started_at), col(ParticipantSession.id))
    )
    for row in stream(db, where_filters(with_exclusions(query), study_id(db, slug), filters or ALL)):
        yield {**row, "started_at": iso_utc(row["started_at"]), "finished_at": iso_utc(row["finished_at"])}

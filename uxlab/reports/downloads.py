"""Streamed CSV exports of a study's raw rows and participant sessions, under the report filters.

The rows come from ``uxlab.reports.export`` (read in batches from the database); this module
filters them and turns them into CSV text in chunks, so memory stays flat however large
the study. Attempts, answers and sessions are filtered as the summary filters them
(``sql.where_filters``): by their session, which belongs to the day, UTC, on which it
started. Probe runs filter on the upload's arrival, UTC, and the device filter picks the
profile (desktop, or mobile for phones and tablets). The CSV text comes from
``export.csv_chunks``, the one CSV writer (formula cells defused).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import ProbeResult, ProbeUpload
from uxlab.reports import export, sessions_table
from uxlab.reports.filters import Filters
from uxlab.reports.page_speed import PROFILE_OF_DEVICE

CHUNK_ROWS = 500


def keep(row: dict[str, Any], filters: Filters, date_column: str) -> bool:
    """Whether a raw row passes the filters."""
    if filters.device and row.get("device") != filters.device:
        return False
    if filters.version is not None and row.get("version") != filters.version:
        return False
    day = str(row.get(date_column) or "")[:10]
    if filters.since and (not day or day < filters.since.isoformat()):
        return False
    return not (filters.until and (not day or day > filters.until.isoformat()))


def attempts_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's attempts as CSV chunks (columns: ``export.ATTEMPT_COLUMNS``)."""
    return export.csv_chunks(export.ATTEMPT_COLUMNS, export.iter_attempt_rows(db, slug, filters))


def responses_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's questionnaire answers as CSV chunks (columns: ``export.RESPONSE_COLUMNS``)."""
    return export.csv_chunks(export.RESPONSE_COLUMNS, export.iter_response_rows(db, slug, filters))


def questions_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The answers to the study's own questions as CSV chunks (columns: ``export.QUESTION_COLUMNS``)."""
    return export.csv_chunks(export.QUESTION_COLUMNS, export.iter_question_rows(db, slug, filters))


def sessions_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's participant sessions as CSV chunks (columns: ``sessions_table.SESSION_COLUMNS``)."""
    rows = sessions_table.iter_session_rows(db, slug, filters)
    return export.csv_chunks(sessions_table.SESSION_COLUMNS, rows)


PROBE_METRICS = ("ttfb_ms", "fcp_ms", "lcp_ms", "cls", "tbt_ms", "inp_ms", "si_ms")
PROBE_COLUMNS = (
    "study", "upload", "commit", "branch", "build_time", "received_at", "page", "profile", "run",
    "representative", "score", *PROBE_METRICS,
)  # fmt: skip


def iter_probe_rows(db: Session, slug: str, filters: Filters) -> Iterator[dict[str, Any]]:
    """One row per probe run of the study's uploads, read in batches (device filter: the profile)."""
    study = studies.get_study(db, slug)
    query = (
        select(ProbeResult, ProbeUpload)
        .join(ProbeUpload, col(ProbeUpload.id) == ProbeResult.upload_id)
        .where(ProbeUpload.study_id == study.id)
        .order_by(col(ProbeUpload.id), col(ProbeResult.page), col(ProbeResult.profile), col(ProbeResult.run))
    )
    if filters.device:
        query = query.where(ProbeResult.profile == PROFILE_OF_DEVICE[filters.device])
    for result, upload in db.exec(query.execution_options(yield_per=CHUNK_ROWS)):
        row = {
            "study": slug, "upload": upload.id, "commit": upload.commit, "branch": upload.branch,
            "build_time": export.iso_utc(upload.build_time),
            "received_at": export.iso_utc(upload.received_at), "page": result.page, "profile": result.profile,
            "run": result.run, "representative": result.representative, "score": result.score,
        }  # fmt: skip
        row.update({m: result.metrics.get(m) for m in PROBE_METRICS})
        if keep(row, Filters(since=filters.since, until=filters.until), "received_at"):
            yield row


def probes_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's probe runs as CSV chunks (columns: ``PROBE_COLUMNS``)."""
    return export.csv_chunks(PROBE_COLUMNS, iter_probe_rows(db, slug, filters))

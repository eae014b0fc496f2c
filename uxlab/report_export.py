"""Streamed CSV exports of a study's raw rows, under the report filters.

The rows come from ``uxlab.export`` (read in batches from the database); this module
filters them and turns them into CSV text in chunks, so memory stays flat however large
the study. Dates filter on the attempt's start (attempts), the answer's time (responses)
or the upload's arrival (probe runs), UTC; for probe runs the device filter picks the
profile (desktop, or mobile for phones and tablets). Text cells that a spreadsheet would
run as a formula (starting with ``= + - @``, tab or carriage return, and not a plain
number) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from sqlmodel import Session, col, select

from uxlab import export, studies
from uxlab.models import ProbeResult, ProbeUpload
from uxlab.summary_pages import PROFILE_OF_DEVICE
from uxlab.summary_types import Filters

CHUNK_ROWS = 500
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?[\d\s().]*$")


def cell(value: Any) -> Any:
    """One CSV cell: lists joined with " > ", booleans as true/false, None empty, formulas defused."""
    if isinstance(value, list):
        value = " > ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


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


def csv_chunks(
    columns: tuple[str, ...], rows: Iterable[dict[str, Any]], chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """CSV text (header first) in chunks of ``chunk_rows`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(row.get(name)) for name in columns])
        if count % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def attempts_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's attempts as CSV chunks (columns: ``export.ATTEMPT_COLUMNS``)."""
    rows = (r for r in export.iter_attempt_rows(db, slug) if keep(r, filters, "started_at"))
    return csv_chunks(export.ATTEMPT_COLUMNS, rows)


def responses_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's questionnaire answers as CSV chunks (columns: ``export.RESPONSE_COLUMNS``)."""
    rows = (r for r in export.iter_response_rows(db, slug) if keep(r, filters, "answered_at"))
    return csv_chunks(export.RESPONSE_COLUMNS, rows)


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
            "build_time": upload.build_time.isoformat() if upload.build_time else None,
            "received_at": upload.received_at.isoformat(), "page": result.page, "profile": result.profile,
            "run": result.run, "representative": result.representative, "score": result.score,
        }  # fmt: skip
        row.update({m: result.metrics.get(m) for m in PROBE_METRICS})
        if keep(row, Filters(since=filters.since, until=filters.until), "received_at"):
            yield row


def probes_csv(db: Session, slug: str, filters: Filters) -> Iterator[str]:
    """The study's probe runs as CSV chunks (columns: ``PROBE_COLUMNS``)."""
    return csv_chunks(PROBE_COLUMNS, iter_probe_rows(db, slug, filters))

"""SQL helpers of the CX summary: the session filters and reading rows straight into numpy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Select
from sqlmodel import Session, col

from uxlab.models import Attempt, ParticipantSession, StudyVersion
from uxlab.summary_types import Filters


def where_sessions(stmt: Any, study_id: int, filters: Filters) -> Any:
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


def sessions_join(stmt: Any) -> Any:
    return stmt.join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id).join(
        StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id
    )


def structured(db: Session, stmt: Select[Any], dtype: np.dtype[Any]) -> np.ndarray:
    """Run a query and read its rows straight from the DBAPI cursor into a structured array.

    Bypasses SQLAlchemy's Row objects (a million of them cost seconds); every column must
    be a plain number (use COALESCE for NULLs).
    """
    result = db.connection().execute(stmt)
    try:
        return np.fromiter(cast(Iterable[tuple[Any, ...]], result.cursor), dtype=dtype)
    finally:
        result.close()

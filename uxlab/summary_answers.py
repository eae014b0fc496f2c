"""Questionnaire answers for the CX summary: complete answers counted per version and item values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import case, func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from uxlab.models import ParticipantSession, Response, StudyVersion
from uxlab.summary_sql import structured, where_sessions
from uxlab.summary_types import Filters

QUESTIONNAIRE_ITEMS = {"sus": 10, "umux_lite": 2, "nps": 1, "csat": 1, "ces": 1}


@dataclass(frozen=True)
class Answers:
    """Complete answers to one questionnaire as distinct (version, items) rows with their counts."""

    version: np.ndarray  # (k,)
    values: np.ndarray  # (k, items)
    count: np.ndarray  # (k,)

    def rows(self, version: int | None = None) -> np.ndarray:
        """One row of item answers per respondent (of ``version``, or all)."""
        keep = np.ones(self.count.size, dtype=bool) if version is None else self.version == version
        return np.repeat(self.values[keep], self.count[keep], axis=0)

    def versions(self) -> set[int]:
        return set(self.version.tolist())


def single_answers(db: Session, study_id: int, filters: Filters, ces_scale: str) -> dict[str, Answers]:
    """Answers to the one-item questionnaires, counted per (questionnaire, version, value) in one scan.

    CES answers count only on ``ces_scale`` (the newest version's), since the scales differ.
    """
    names = [name for name, items in QUESTIONNAIRE_ITEMS.items() if items == 1]
    code = case(*((col(Response.questionnaire) == name, i) for i, name in enumerate(names)), else_=-1)
    scale = func.coalesce(col(Response.scale_version), "2.0")
    keys = [code, col(StudyVersion.number), col(Response.value)]
    stmt = (
        sql_select(*keys, func.count())
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(Response.questionnaire).in_(names), col(Response.value).is_not(None))
        .where((col(Response.questionnaire) != "ces") | (scale == ces_scale))
    )
    dtype = np.dtype([("name", "i8"), ("version", "i8"), ("value", "i8"), ("count", "i8")])
    arr = structured(db, where_sessions(stmt, study_id, filters).group_by(*keys), dtype)
    out = {}
    for i, name in enumerate(names):
        mine = arr[arr["name"] == i]
        out[name] = Answers(mine["version"], mine["value"].reshape(-1, 1), mine["count"])
    return out


def answers(db: Session, study_id: int, filters: Filters, name: str) -> Answers:
    """Complete answers to ``name`` grouped by version and item values (SQL pivots and counts).

    Counting distinct answer rows keeps the result small however many people answered;
    expanding them again (``Answers.rows``) gives the metrics the same arrays.
    """
    items = QUESTIONNAIRE_ITEMS[name]
    number: Any = col(StudyVersion.number).label("version")
    where = [col(Response.questionnaire) == name, col(Response.value).is_not(None)]
    cells = [
        func.max(case((col(Response.item) == i, col(Response.value)))).label(f"i{i}")
        for i in range(1, items + 1)
    ]
    per_person = (
        sql_select(number, *cells)
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(*where)
        .group_by(col(Response.session_id), col(StudyVersion.number))
        .having(func.count() == items)
    )
    inner = where_sessions(per_person, study_id, filters).subquery()
    keys = [inner.c.version, *(inner.c[f"i{i}"] for i in range(1, items + 1))]
    stmt = sql_select(*keys, func.count()).group_by(*keys)
    dtype = np.dtype([("version", "i8"), *((f"i{i}", "i8") for i in range(1, items + 1)), ("count", "i8")])
    arr = structured(db, stmt, dtype)
    values = np.stack([arr[f"i{i}"] for i in range(1, items + 1)], axis=1).reshape(arr.size, items)
    return Answers(arr["version"], values, arr["count"])


def load_answers(db: Session, study_id: int, filters: Filters, ces_scale: str) -> dict[str, Answers]:
    """Every questionnaire's complete answers (CES on ``ces_scale`` only)."""
    out = {
        name: answers(db, study_id, filters, name) for name, items in QUESTIONNAIRE_ITEMS.items() if items > 1
    }
    return out | single_answers(db, study_id, filters, ces_scale)

"""Questionnaire answers for the CX summary: complete answers per questionnaire, in one pass.

Every answer row (session, questionnaire, item, value) is packed into one integer and the
rows are joined into one text by an aggregate (see ``summary_scan``); numpy pivots them
into one row of item values per respondent and keeps the complete ones (every item
1..N answered). Rows come out sorted by (version, item values), the order of the former
SQL ``GROUP BY``. CES answers count only on the newest version's scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from uxlab.errors import UxlabError
from uxlab.models import ParticipantSession, Response, StudyVersion
from uxlab.summary_scan import int_list, parse_ints
from uxlab.summary_sql import where_sessions
from uxlab.summary_types import Filters

QUESTIONNAIRE_ITEMS = {"sus": 10, "umux_lite": 2, "nps": 1, "csat": 1, "ces": 1}
NAMES = tuple(QUESTIONNAIRE_ITEMS)
VALUE_SLOTS = 16  # answers are 0..10 at most (answer_scales refuses others)
ITEM_SLOTS = 16


@dataclass(frozen=True)
class Answers:
    """Complete answers to one questionnaire as (version, items) rows with their counts."""

    version: np.ndarray  # (k,)
    values: np.ndarray  # (k, items)
    count: np.ndarray  # (k,)

    def rows(self, version: int | None = None) -> np.ndarray:
        """One row of item answers per respondent (of ``version``, or all)."""
        keep = np.ones(self.count.size, dtype=bool) if version is None else self.version == version
        return np.repeat(self.values[keep], self.count[keep], axis=0)

    def versions(self) -> set[int]:
        return set(self.version.tolist())


def _sessions(db: Session, study_id: int, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
    """The study's sessions under ``filters``: sorted ids and their version numbers."""
    stmt = (
        sql_select(int_list(db, col(ParticipantSession.id)), int_list(db, col(StudyVersion.number)))
        .select_from(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
    )
    ids_text, numbers_text = db.connection().execute(where_sessions(stmt, study_id, filters)).one()
    ids, numbers = parse_ints(ids_text), parse_ints(numbers_text)
    order = np.argsort(ids)
    return ids[order], numbers[order]


def _packed(db: Session, study_id: int, filters: Filters, ces_scale: str) -> np.ndarray:
    code = case(*((col(Response.questionnaire) == name, i) for i, name in enumerate(NAMES)), else_=-1)
    value = col(Response.value)
    packed = ((col(Response.session_id) * len(NAMES) + code) * ITEM_SLOTS + col(Response.item)) * VALUE_SLOTS
    scale = func.coalesce(col(Response.scale_version), "2.0")
    stmt = (
        sql_select(int_list(db, packed + value), func.min(value), func.max(value))
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(col(Response.questionnaire).in_(NAMES), value.is_not(None))
        .where(col(Response.item).between(1, max(QUESTIONNAIRE_ITEMS.values())))
        .where((col(Response.questionnaire) != "ces") | (scale == ces_scale))
    )
    text, low, high = db.connection().execute(where_sessions(stmt, study_id, filters)).one()
    if low is not None and (low < 0 or high >= VALUE_SLOTS):
        raise UxlabError(f"stored questionnaire answers out of range (found {low}..{high})", field="value")
    return parse_ints(text)


def load_answers(db: Session, study_id: int, filters: Filters, ces_scale: str) -> dict[str, Answers]:
    """Every questionnaire's complete answers (CES on ``ces_scale`` only)."""
    packed = _packed(db, study_id, filters, ces_scale)
    value, rest = packed % VALUE_SLOTS, packed // VALUE_SLOTS
    item, rest = rest % ITEM_SLOTS, rest // ITEM_SLOTS
    name, session = rest % len(NAMES), rest // len(NAMES)
    session_ids, numbers = _sessions(db, study_id, filters)
    out = {}
    for i, questionnaire in enumerate(NAMES):
        items = QUESTIONNAIRE_ITEMS[questionnaire]
        mine = (name == i) & (item <= items)
        person = np.searchsorted(session_ids, session[mine])
        grid = np.zeros((session_ids.size, items), dtype=np.int64)
        grid[person, item[mine] - 1] = value[mine]
        complete = np.bincount(person, minlength=session_ids.size) == items  # (session, item) is unique
        grid, version = grid[complete], numbers[complete]
        order = np.lexsort((*(grid[:, k] for k in range(items - 1, -1, -1)), version))
        out[questionnaire] = Answers(version[order], grid[order], np.ones(order.size, dtype=np.int64))
    return out

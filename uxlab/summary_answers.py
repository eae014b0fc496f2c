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
from sqlalchemy import case, func, null
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from uxlab.answer_scales import SCALES
from uxlab.models import ParticipantSession, Response, StudyVersion
from uxlab.summary_scan import inline, int_list, parse_ints
from uxlab.summary_sql import where_sessions
from uxlab.summary_types import Filters

QUESTIONNAIRE_ITEMS = {name: scale.items for name, scale in SCALES.items()}
NAMES = tuple(QUESTIONNAIRE_ITEMS)
VALUE_BITS, ITEM_BITS, CODE_BITS = 4, 4, 3  # answers 0..10 at most (answer_scales checks them when saved)
VALUE_SLOTS, ITEM_SLOTS, CODE_SLOTS = 1 << VALUE_BITS, 1 << ITEM_BITS, 1 << CODE_BITS  # items 1..10
PACKED_BITS = VALUE_BITS + ITEM_BITS + CODE_BITS


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


def positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each of ``ids`` in ``sorted_ids`` (all present): a table lookup when the ids are dense."""
    if not ids.size:
        return np.zeros(0, dtype=np.int64)
    low, high = int(sorted_ids[0]), int(sorted_ids[-1])
    if high - low > 4 * sorted_ids.size + 1_000_000:
        return np.searchsorted(sorted_ids, ids)
    table = np.zeros(high - low + 1, dtype=np.int64)
    table[sorted_ids - low] = np.arange(sorted_ids.size)
    return table[ids - low]


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
    """Every answer of the study's sessions as ((session * 8 + questionnaire) * 16 + item) * 16 + value.

    Questionnaire codes index ``NAMES``. Only those questionnaires' answers (values 0..10,
    checked by answer_scales when saved) are packed: other rows, CES answers on another scale
    and rows without a value (free text) are NULL, which the aggregate skips.
    """
    scale = func.coalesce(col(Response.scale_version), inline("2.0"))
    ces = case((scale == inline(ces_scale), inline(NAMES.index("ces"))), else_=null())
    code = case(
        {inline(name): inline(i) for i, name in enumerate(NAMES) if name != "ces"} | {inline("ces"): ces},
        value=col(Response.questionnaire),
        else_=null(),
    )
    packed = (col(Response.session_id) * inline(CODE_SLOTS) + code) * inline(ITEM_SLOTS) + col(Response.item)
    stmt = (
        sql_select(int_list(db, packed * inline(VALUE_SLOTS) + col(Response.value)))
        .select_from(Response)
        .join(ParticipantSession, col(ParticipantSession.id) == Response.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
    )
    return parse_ints(db.connection().execute(where_sessions(stmt, study_id, filters)).scalar())


def load_answers(db: Session, study_id: int, filters: Filters, ces_scale: str) -> dict[str, Answers]:
    """Every questionnaire's complete answers (CES on ``ces_scale`` only)."""
    packed = _packed(db, study_id, filters, ces_scale)
    value, item = packed & (VALUE_SLOTS - 1), (packed >> VALUE_BITS) & (ITEM_SLOTS - 1)
    name, session = (packed >> (VALUE_BITS + ITEM_BITS)) & (CODE_SLOTS - 1), packed >> PACKED_BITS
    session_ids, numbers = _sessions(db, study_id, filters)
    position = positions(session_ids, session)
    out = {}
    for i, questionnaire in enumerate(NAMES):
        items = QUESTIONNAIRE_ITEMS[questionnaire]
        mine = (name == i) & (item <= items)
        person = position[mine]
        grid = np.zeros((session_ids.size, items), dtype=np.int64)
        grid[person, item[mine] - 1] = value[mine]
        complete = np.bincount(person, minlength=session_ids.size) == items  # (session, item) is unique
        grid, version = grid[complete], numbers[complete]
        order = np.lexsort((*(grid[:, k] for k in range(items - 1, -1, -1)), version))
        out[questionnaire] = Answers(version[order], grid[order], np.ones(order.size, dtype=np.int64))
    return out

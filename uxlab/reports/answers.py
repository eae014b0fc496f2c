"""Questionnaire answers for the CX summary: complete answers per questionnaire, in one pass.

Every answer row (session, questionnaire, item, value) is packed into one integer and the
rows are joined into one text by an aggregate (``ANSWER``, see ``packing``), over the id
range of the study's sessions under the filters (read first, with their versions); numpy
drops the answers of other sessions in that range and pivots the rest
into one row of item values per respondent and keeps the complete ones (every item
1..N answered). Rows come out sorted by (version, item values), so that figures summed
over them do not depend on the order the database returned. A version's CES answers count
on its own CES scale; all versions together pool only the versions on one scale (``pooled``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import case, func, null
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from uxlab.models import ParticipantSession, Response, StudyVersion
from uxlab.reports.filters import Filters
from uxlab.reports.packing import Field, Layout, inline
from uxlab.reports.sql import where_sessions
from uxlab.scenarios.scales import SCALES

QUESTIONNAIRE_ITEMS = {name: scale.items for name, scale in SCALES.items()}
NAMES = tuple(QUESTIONNAIRE_ITEMS)
CES, CES_1 = NAMES.index("ces"), len(NAMES)  # codes of CES answers on the 2.0 and the 1.0 scale
# Numbers, not checked in SQL (a check costs a tenth of this scan): answer_scales checks items
# (1..10) and values (0..10) when they are saved. Other questionnaires' rows pack as NULL.
ANSWER = Layout(
    "questionnaire answer",
    (Field("session_id"), Field("questionnaire", 3), Field("item", 4), Field("value", 4)),
    skips_null=True,
)
SESSION = Layout("participant session", (Field("session_id"), Field("version", 20, checked=True)))


@dataclass(frozen=True)
class Answers:
    """Complete answers to one questionnaire as (version, items) rows with their counts."""

    version: np.ndarray  # (k,)
    values: np.ndarray  # (k, items)
    count: np.ndarray  # (k,)
    pooled: frozenset[int] | None = None  # the versions all versions' rows pool (None: every one)

    def rows(self, version: int | None = None) -> np.ndarray:
        """One row of item answers per respondent (of ``version``, or of all the ``pooled`` ones)."""
        if version is not None:
            keep = self.version == version
        elif self.pooled is None:
            keep = np.ones(self.count.size, dtype=bool)
        else:
            keep = np.isin(self.version, list(self.pooled))
        return np.repeat(self.values[keep], self.count[keep], axis=0)

    def versions(self) -> set[int]:
        return set(self.version.tolist())


def positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each of ``ids`` in ``sorted_ids``, -1 where absent: a table lookup when the ids are dense."""
    if not ids.size or not sorted_ids.size:
        return np.full(ids.size, -1, dtype=np.int64)
    low, high = int(sorted_ids[0]), int(sorted_ids[-1])
    if high - low > 4 * sorted_ids.size + 1_000_000:
        at = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.size - 1)
        return np.where(sorted_ids[at] == ids, at, -1)
    table = np.full(high - low + 3, -1, dtype=np.int64)  # first and last: every id out of range
    table[sorted_ids - low + 1] = np.arange(sorted_ids.size)
    return table[np.clip(ids - low + 1, 0, high - low + 2)]


def _sessions(db: Session, study_id: int, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
    """The study's sessions under ``filters``: sorted ids and their version numbers."""
    values = {"session_id": col(ParticipantSession.id), "version": col(StudyVersion.number)}
    stmt = (
        sql_select(*SESSION.aggregate(db, values))
        .select_from(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
    )
    text, rows = db.connection().execute(where_sessions(stmt, study_id, filters)).one()
    fields = SESSION.unpack(np.sort(SESSION.read(text, rows)))
    return fields["session_id"], fields["version"]


def _packed(db: Session, session_ids: np.ndarray) -> np.ndarray:
    """Every answer of the sessions from the first to the last of ``session_ids`` (sorted) to the
    summary's questionnaires, packed by ``ANSWER``.

    The sessions are chosen by their id range, not by joining them (the join took a third of
    this scan); the caller drops the answers of sessions in the range that are not its own.
    The questionnaire's code is its index in ``NAMES`` (CES on the 1.0 scale: ``CES_1``);
    rows of other questionnaires and rows without a value (free text) pack as NULL, which the
    aggregate skips.
    """
    if not session_ids.size:
        return np.zeros(0, dtype=np.int64)
    scale = func.coalesce(col(Response.scale_version), inline("2.0"))
    ces = case((scale == inline("1.0"), inline(CES_1)), else_=inline(CES))
    code = case(
        {inline(name): inline(i) for i, name in enumerate(NAMES) if name != "ces"} | {inline("ces"): ces},
        value=col(Response.questionnaire),
        else_=null(),
    )
    values = {
        "session_id": col(Response.session_id),
        "questionnaire": code,
        "item": col(Response.item),
        "value": col(Response.value),
    }
    first, last = int(session_ids[0]), int(session_ids[-1])
    stmt = sql_select(*ANSWER.aggregate(db, values)).where(col(Response.session_id).between(first, last))
    text, rows = db.connection().execute(stmt).one()
    return ANSWER.read(text, rows)


def load_answers(
    db: Session, study_id: int, filters: Filters, ces_scales: Mapping[int, str], pooled: str
) -> dict[str, Answers]:
    """Every questionnaire's complete answers, CES of each version on its own scale (``ces_scales``:
    version number -> "2.0" or "1.0"); CES of all versions pools the versions on ``pooled``."""
    session_ids, numbers = _sessions(db, study_id, filters)
    fields = ANSWER.unpack(_packed(db, session_ids))
    value, item, name = fields["value"], fields["item"], fields["questionnaire"]
    position = positions(session_ids, fields["session_id"])
    # one pass keeps the answers of our sessions to items the questionnaire has (codes of NAMES),
    # CES answers only on their session's version's scale
    items_of = np.zeros(ANSWER.field("questionnaire").slots, dtype=np.int64)
    items_of[: len(NAMES)] = [QUESTIONNAIRE_ITEMS[questionnaire] for questionnaire in NAMES]
    items_of[CES_1] = QUESTIONNAIRE_ITEMS["ces"]
    scale_code = np.full(max(ces_scales, default=0) + 1, CES, dtype=np.int64)
    scale_code[[v for v, scale in ces_scales.items() if scale == "1.0"]] = CES_1
    own_ces = scale_code[numbers] if numbers.size else np.full(1, CES)  # -1 positions: dropped anyway
    on_scale = ((name != CES) & (name != CES_1)) | (name == own_ces[position])
    keep = (position >= 0) & (item <= items_of[name]) & on_scale
    value, item, name, position = value[keep], item[keep], name[keep], position[keep]
    out = {}
    for i, questionnaire in enumerate(NAMES):
        items = QUESTIONNAIRE_ITEMS[questionnaire]
        mine = np.flatnonzero((name == i) | (name == CES_1)) if i == CES else np.flatnonzero(name == i)
        person = position[mine]
        grid = np.zeros((session_ids.size, items), dtype=np.int64)
        grid[person, item[mine] - 1] = value[mine]
        complete = np.bincount(person, minlength=session_ids.size) == items  # (session, item) is unique
        grid, version = grid[complete], numbers[complete]
        order = np.lexsort((*(grid[:, k] for k in range(items - 1, -1, -1)), version))
        out[questionnaire] = Answers(version[order], grid[order], np.ones(order.size, dtype=np.int64))
    same = frozenset(v for v, scale in ces_scales.items() if scale == pooled)
    out["ces"] = replace(out["ces"], pooled=same)
    return out

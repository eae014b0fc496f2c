"""The attempts of a study read in one pass each, as compact numbers (the CX summary's big tables).

Handing rows to Python costs about a microsecond per row (a tuple and its objects), so a
million attempts cost seconds when read row by row or grouped in SQL (a sort). Instead:

- the attempt codes (task, outcome, SEQ, direct) are packed into one integer per attempt
  and joined into one text by an aggregate (``group_concat`` / ``string_agg``) in a
  single scan; numpy parses and sorts it in milliseconds, and the sort reproduces the
  order of the former ``GROUP BY`` (task id, outcome, SEQ, direct);
- successful attempts' times are floats: they are joined as exact integers (time * 2**52)
  when that is exact for all of them, else read as (task id, seconds) rows;
- failure end pages are read only for attempts that did not succeed, as one JSON array,
  and counted in Python.

The version of an attempt is the version of its task (a session's tasks are its version's
tasks). The index ``ix_attempt_summary`` covers these reads.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Text, case, cast, func, literal_column
from sqlalchemy import select as sql_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from uxlab.models import Attempt
from uxlab.summary_sql import sessions_join, structured, where_sessions
from uxlab.summary_types import Filters

OUTCOME_CODES = {"success": 0, "failure": 1, "give_up": 2, "timeout": 3}
SEQ_BITS = 3
SEQ_SLOTS = 1 << SEQ_BITS  # SEQ 1..7 (recording.record_seq, the one writer, refuses others); 0 = not answered
TIME_DTYPE = np.dtype([("task", "i8"), ("time", "f8")])
TIME_SCALE, MAX_SCALED_S = 2.0**52, 2048  # times as exact integers: time * 2**52 < 2**63


@dataclass(frozen=True)
class TaskIds:
    """Task row ids of a study with their summary index (tasks sharing a key share one) and version."""

    ids: np.ndarray  # sorted
    index: np.ndarray
    version: np.ndarray

    @classmethod
    def of(cls, rows: dict[int, tuple[int, int]]) -> TaskIds:
        ids = np.array(sorted(rows), dtype=np.int64)
        index = np.array([rows[i][0] for i in ids.tolist()], dtype=np.int64)
        version = np.array([rows[i][1] for i in ids.tolist()], dtype=np.int64)
        return cls(ids, index, version)

    def lookup(self, task_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Summary index and version number of each task row id."""
        at = np.searchsorted(self.ids, task_ids)
        return self.index[at], self.version[at]


def inline(value: float | str) -> ColumnElement[Any]:
    """A constant written into the SQL text: SQLite copies a bound parameter each time a per-row
    expression reads it (a third of the time of these scans); only the module's own constants."""
    if isinstance(value, str):
        if "'" in value:
            raise ValueError(f"not an inline constant: {value!r}")
        return literal_column(f"'{value}'")
    return literal_column(repr(value))


def int_list(db: Session, column: Any) -> ColumnElement[Any]:
    """An aggregate joining an integer column's values into one comma-separated text."""
    if db.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, Text), inline(","))
    return func.group_concat(column, inline(","))


def parse_ints(text: str | None) -> np.ndarray:
    """The integers of an ``int_list`` aggregate (NULL over no rows -> empty)."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def sorted_codes(codes: np.ndarray) -> np.ndarray:
    """``np.sort(codes)`` of non-negative integers, by counting when they span a small range."""
    if not codes.size:
        return codes
    low, high = int(codes.min()), int(codes.max())
    if high - low > 4 * codes.size + 1_000_000:
        return np.sort(codes)
    counts = np.bincount(codes - low)
    present = np.flatnonzero(counts)
    return np.repeat(present + low, counts[present])


def attempt_codes(
    db: Session, study_id: int, filters: Filters, tasks: TaskIds
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ended attempts as arrays (task index, version, outcome code, SEQ or NaN, direct 1/0/-1).

    Sorted by (task id, outcome, SEQ, direct), one pass over the attempts.
    """
    outcome = case(
        *(
            (col(Attempt.outcome) == inline(name), inline(code))
            for name, code in OUTCOME_CODES.items()
            if code < 3
        ),
        else_=inline(3),
    )
    direct = case(
        (col(Attempt.direct).is_(None), inline(0)),
        (col(Attempt.direct).is_(True), inline(2)),
        else_=inline(1),
    )
    seq = func.coalesce(col(Attempt.seq), inline(0))
    packed = ((col(Attempt.task_id) * inline(4) + outcome) * inline(SEQ_SLOTS) + seq) * inline(4) + direct
    stmt = sessions_join(sql_select(int_list(db, packed)).select_from(Attempt))
    stmt = where_sessions(stmt, study_id, filters).where(col(Attempt.outcome).is_not(None))
    codes = sorted_codes(parse_ints(db.connection().execute(stmt).scalar()))
    # bits from the lowest: direct (2), SEQ (SEQ_BITS), outcome (2), task id
    direct_codes, seq_codes = (codes & 3) - 1, (codes >> 2) & (SEQ_SLOTS - 1)
    outcome_codes = (codes >> (2 + SEQ_BITS)) & 3
    task, version = tasks.lookup(codes >> (4 + SEQ_BITS))
    seq_values = np.where(seq_codes == 0, np.nan, seq_codes.astype(float))
    return task, version, outcome_codes, seq_values, direct_codes


def success_times(
    db: Session, study_id: int, filters: Filters, tasks: TaskIds
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Successful attempts' times in seconds, with their task index and version.

    Read as exact integers ``time * 2**52`` (a power of two: no rounding) when every time
    is such an integer (1 s <= time < 2048 s at 52 significant bits, the usual case: the
    query counts the others); otherwise read again as rows of floats.
    """
    time_s = col(Attempt.time_on_task_s)
    scaled = time_s * inline(TIME_SCALE)
    exact = case((time_s < inline(MAX_SCALED_S), cast(scaled, BigInteger)), else_=inline(0))
    inexact = func.sum(case((scaled == exact, inline(0)), else_=inline(1)))
    stmt = sessions_join(sql_select(int_list(db, col(Attempt.task_id)), int_list(db, exact), inexact))
    stmt = where_sessions(stmt.select_from(Attempt), study_id, filters)
    stmt = stmt.where(col(Attempt.outcome) == inline("success"), time_s > inline(0))
    ids_text, times_text, misses = db.connection().execute(stmt).one()
    if not misses:
        task_ids, times = parse_ints(ids_text), parse_ints(times_text).astype(float) / TIME_SCALE
    else:
        rows = sql_select(col(Attempt.task_id), time_s).select_from(Attempt)
        rows = where_sessions(sessions_join(rows), study_id, filters)
        arr = structured(db, rows.where(col(Attempt.outcome) == "success", time_s > 0), TIME_DTYPE)
        task_ids, times = arr["task"], arr["time"]
    task, version = tasks.lookup(task_ids)
    return task, version, times


def last_page(db: Session) -> ColumnElement[Any]:
    """The last entry of an attempt's path (a JSON array), as text."""
    if db.get_bind().dialect.name == "postgresql":
        return col(Attempt.path).op("->>")(inline(-1))
    return func.json_extract(col(Attempt.path), inline("$[#-1]"))


def failure_ends(
    db: Session, study_id: int, filters: Filters, tasks: TaskIds
) -> tuple[tuple[int, int, str, int], ...]:
    """(version, task index, last page, count) of the attempts that ended without success.

    The pages come as one JSON array (``json_group_array`` / ``json_agg``) beside the task ids.
    """
    aggregate = func.json_agg if db.get_bind().dialect.name == "postgresql" else func.json_group_array
    stmt = sessions_join(sql_select(int_list(db, col(Attempt.task_id)), aggregate(last_page(db))))
    stmt = where_sessions(stmt.select_from(Attempt), study_id, filters)
    stmt = stmt.where(col(Attempt.outcome).is_not(None), col(Attempt.outcome) != inline("success"))
    ids_text, pages = db.connection().execute(stmt).one()
    pages = json.loads(pages) if isinstance(pages, str) else pages or []
    counts = Counter(zip(parse_ints(ids_text).tolist(), pages, strict=True))
    out = []
    for (task_id, page), n in counts.items():
        if page is not None:
            index, version = tasks.lookup(np.array([task_id], dtype=np.int64))
            out.append((int(version[0]), int(index[0]), str(page), n))
    return tuple(out)

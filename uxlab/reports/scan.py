"""The attempts of a study read in one pass each, as compact numbers (the CX summary's big tables).

``attempts`` packs the rows into integers (``uxlab.reports.packing``; the layouts are
declared below) and joins them into two texts in a single scan of the attempts:

- attempt codes (task, outcome, SEQ, direct) of every ended attempt; numpy sorts them,
  which orders the attempts by (task id, outcome, SEQ, direct);
- (task, time in milliseconds) of every successful attempt: times are stored as whole
  milliseconds, so every time packs exactly, however long or short.

``failure_ends`` reads (task, last page, count) of the attempts that did not succeed,
grouped in SQL. Both select the study's attempts as ``sql.where_attempts`` says (on
PostgreSQL by task id, without a join).

The version of an attempt is the version of its task (a session's tasks are its version's
tasks). The index ``ix_attempt_summary`` covers the scan on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import and_, func
from sqlalchemy import select as sql_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from uxlab.errors import UxlabError
from uxlab.models import Attempt
from uxlab.reports.filters import Filters
from uxlab.reports.packing import Field, Layout, inline, int_list, parse_ints
from uxlab.reports.sql import where_attempts

OUTCOME_CODES = {"success": 0, "failure": 1, "give_up": 2, "timeout": 3}
DIRECT_CODES = {None: 0, False: 1, True: 2}  # decoded as code - 1: unknown -1, indirect 0, direct 1
ATTEMPT = Layout(
    "attempt",
    (
        Field("task_id"),
        Field("outcome", 2, codes=tuple(OUTCOME_CODES.items())),
        # SEQ 1..7 (attempts.record_seq, the one writer, refuses others); 0 = not answered
        Field("seq", 3, checked=True),
        Field("direct", 2, codes=tuple(DIRECT_CODES.items())),
    ),
)
# 2**32 ms is 49 days; time limits go to 7,200 s and times stop at the limit
SUCCESS_TIME = Layout("successful attempt", (Field("task_id"), Field("time_ms", 32, checked=True)))


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
        """Summary index and version number of each task row id (all of the study's tasks)."""
        at = np.minimum(np.searchsorted(self.ids, task_ids), max(self.ids.size - 1, 0))
        if task_ids.size and (not self.ids.size or not np.array_equal(self.ids[at], task_ids)):
            raise UxlabError("an attempt refers to a task that is not one of its study's tasks")
        return self.index[at], self.version[at]


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


@dataclass(frozen=True)
class Attempts:
    """The ended attempts of a study under some filters, as arrays (``attempts`` reads them)."""

    task: np.ndarray  # index into the summary's tasks, sorted by (task id, outcome, SEQ, direct)
    version: np.ndarray
    outcome: np.ndarray  # codes of OUTCOME_CODES
    seq: np.ndarray  # NaN when not answered
    direct: np.ndarray  # 1 direct, 0 indirect/not a success, -1 unknown
    t_task: np.ndarray  # the successful attempts' times: task index, version, seconds
    t_version: np.ndarray  # (sorted by task id, then time)
    t_time_s: np.ndarray


def _values() -> dict[str, Any]:
    """The stored columns behind the ``ATTEMPT`` fields."""
    return {
        "task_id": col(Attempt.task_id),
        "outcome": col(Attempt.outcome),
        "seq": func.coalesce(col(Attempt.seq), inline(0)),
        "direct": col(Attempt.direct),
    }


def attempts(db: Session, study_id: int, filters: Filters, tasks: TaskIds) -> Attempts:
    """The study's ended attempts under ``filters`` and the successful ones' times, in one scan.

    SQLite joins two aggregates in one pass: every ended attempt packed by ``ATTEMPT``, and
    the successful ones (with a time) packed by ``SUCCESS_TIME``. PostgreSQL groups the
    attempts by their ``ATTEMPT`` code instead (a hash aggregate, a few hundred groups, with
    each group's times joined): a fifth less of its time than the packed text, whereas
    SQLite groups by sorting, three times slower than its packed scan.
    """
    time_ms = col(Attempt.time_on_task_ms)
    timed = and_(col(Attempt.outcome) == inline("success"), time_ms > inline(0))
    if db.get_bind().dialect.name == "postgresql":
        codes, time_codes = _grouped(db, study_id, filters, tasks, timed)
    else:
        times = SUCCESS_TIME.aggregate(db, {"task_id": col(Attempt.task_id), "time_ms": time_ms}, where=timed)
        stmt = sql_select(*ATTEMPT.aggregate(db, _values()), *times).select_from(Attempt)
        stmt = where_attempts(db, stmt, study_id, filters, tasks.ids.tolist())
        code_text, code_rows, time_text, time_rows = (
            db.connection().execute(stmt.where(col(Attempt.outcome).is_not(None))).one()
        )
        codes = sorted_codes(ATTEMPT.read(code_text, code_rows))
        time_codes = SUCCESS_TIME.read(time_text, time_rows)
    fields = ATTEMPT.unpack(codes)
    task, version = tasks.lookup(fields["task_id"])
    seq = np.where(fields["seq"] == 0, np.nan, fields["seq"].astype(float))
    # sorted: the per-task figures then sum the times in one order, whatever order the scan read
    timings = SUCCESS_TIME.unpack(np.sort(time_codes))
    t_task, t_version = tasks.lookup(timings["task_id"])
    return Attempts(
        task=task,
        version=version,
        outcome=fields["outcome"],
        seq=seq,
        direct=fields["direct"] - 1,
        t_task=t_task,
        t_version=t_version,
        t_time_s=timings["time_ms"] / 1000,
    )


def _grouped(
    db: Session, study_id: int, filters: Filters, tasks: TaskIds, timed: ColumnElement[bool]
) -> tuple[np.ndarray, np.ndarray]:
    """PostgreSQL: sorted ``ATTEMPT`` codes and ``SUCCESS_TIME`` codes, read as groups of equal
    stored values (packed here, a few hundred groups: packing in SQL costs per attempt)."""
    values = _values()
    stmt = sql_select(*values.values(), func.count(), int_list(db, col(Attempt.time_on_task_ms), where=timed))
    stmt = where_attempts(db, stmt.select_from(Attempt), study_id, filters, tasks.ids.tolist())
    stmt = stmt.where(col(Attempt.outcome).is_not(None)).group_by(*values.values())
    groups = [
        (ATTEMPT.code(dict(zip(values, row[:4], strict=True))), *row[4:])
        for row in db.connection().execute(stmt)
    ]
    unfit = sum(int(n) for code, n, _ in groups if code is None)
    if unfit:
        raise ATTEMPT.unfit(unfit)
    groups.sort(key=lambda group: int(group[0]))
    group_codes = np.array([code for code, _, _ in groups], dtype=np.int64)
    codes = np.repeat(group_codes, np.array([int(n) for _, n, _ in groups], dtype=np.int64))
    times = [parse_ints(text) for _, _, text in groups]
    task_ids = np.repeat(ATTEMPT.unpack(group_codes)["task_id"], [t.size for t in times])
    time_ms = np.concatenate([np.zeros(0, dtype=np.int64), *times])
    return codes, SUCCESS_TIME.pack({"task_id": task_ids, "time_ms": time_ms})


def success_counts(db: Session, study_id: int, tasks: TaskIds) -> tuple[tuple[int, int, int], ...]:
    """(version, task index, count) of the successful attempts with a time, under no filters.

    The counts that choose each time figure's centre (``metrics.time_on_task_s``'s
    ``centre_n``) when filters leave out sessions; grouped in SQL, one row per task row.
    """
    time_ms = col(Attempt.time_on_task_ms)
    stmt = sql_select(col(Attempt.task_id), func.count()).select_from(Attempt)
    stmt = where_attempts(db, stmt, study_id, Filters(), tasks.ids.tolist())
    stmt = stmt.where(col(Attempt.outcome) == inline("success"), time_ms > inline(0))
    rows = db.connection().execute(stmt.group_by(col(Attempt.task_id))).all()
    index, version = tasks.lookup(np.array([int(task_id) for task_id, _ in rows], dtype=np.int64))
    return tuple((int(v), int(i), int(n)) for v, i, (_, n) in zip(version, index, rows, strict=True))


def last_page(db: Session) -> ColumnElement[Any]:
    """The last entry of an attempt's path (a JSON array), as text."""
    if db.get_bind().dialect.name == "postgresql":
        return col(Attempt.path).op("->>")(inline(-1))
    return func.json_extract(col(Attempt.path), inline("$[#-1]"))


def failure_ends(
    db: Session, study_id: int, filters: Filters, tasks: TaskIds
) -> tuple[tuple[int, int, str, int], ...]:
    """(version, task index, last page, count) of the attempts that ended without success.

    Grouped in SQL: a small share of the attempts, into few groups.
    """
    page = last_page(db)
    stmt = sql_select(col(Attempt.task_id), page, func.count()).select_from(Attempt)
    stmt = where_attempts(db, stmt, study_id, filters, tasks.ids.tolist())
    stmt = stmt.where(col(Attempt.outcome).is_not(None), col(Attempt.outcome) != inline("success"))
    rows = db.connection().execute(stmt.group_by(col(Attempt.task_id), page)).all()
    found = [(int(task_id), str(page), int(n)) for task_id, page, n in rows if page is not None]
    index, version = tasks.lookup(np.array([task_id for task_id, _, _ in found], dtype=np.int64))
    return tuple((int(v), int(i), page, n) for v, i, (_, page, n) in zip(version, index, found, strict=True))

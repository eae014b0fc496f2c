"""The events API's statements, Core and built once: the ingestion hot path's SQL (issue 13).

Why Core: per request, building an ORM statement, loading rows as objects and flushing a
unit of work cost several times what the database takes to run the SQL
(``bench/bench_ingest.py`` prints the profile). A batch with new events costs three
statements in its transaction, all under the attempt's lock (``attempt_lock``):

1. ``read_state``: the attempt's row (its SEQ answer too; after ``lock_row`` on PostgreSQL),
   with its study's open flag, its session's end, its events of the last minute and how many of the batch's
   client ids it has stored already, as scalar subqueries (only a retry has any: then
   ``stored_ids`` says which);
2. ``insert_events``: the new events, one INSERT (executemany); under the lock no other request
   of the attempt can store the same client id meanwhile;
3. ``write_state``: one UPDATE of what judging decides (path, click count, outcome ...).

On SQLite the events API reads and judges first, then runs the UPDATE (only if nothing
changed meanwhile) and the INSERT on sqlite3's own cursor (``write_if_unchanged_sqlite``):
the database's one write lock is then held for two driver calls, not for Python's work.

Only the attempt's row (read again under the lock every time) carries what can change;
what cannot (its task's settings, origins) is kept per process (``ingest.AttemptCache``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError

from uxlab.models import Attempt, Event, ParticipantSession, Study
from uxlab.participants.events import EventIn, strip_url

_ATTEMPTS = Attempt.__table__  # type: ignore[attr-defined]
_EVENTS = Event.__table__  # type: ignore[attr-defined]
_SESSIONS = ParticipantSession.__table__  # type: ignore[attr-defined]
_STUDIES = Study.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class AttemptRow:
    """The attempt's judged state as read under the lock (``judging.AttemptFields``)."""

    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    time_on_task_ms: int | None
    path: list[str]
    click_count: int
    direct: bool | None
    answer: str | None
    abandoned: bool


@dataclass(frozen=True, slots=True)
class State:
    """One read of an attempt under its lock: its row and what decides whether it takes events."""

    attempt: AttemptRow
    study_open: bool
    session_finished: bool
    recent_events: int  # stored in the last minute (the rate limit)
    stored: int  # how many of the batch's client ids are stored already
    events: int  # how many it has stored in all (what ``write_if_unchanged_sqlite`` compares)
    seq_answered: bool  # the participant has moved on past the task (``late_batch``)


_FIELDS = tuple(f.name for f in fields(AttemptRow))


def _count_events(attempt_id: Any) -> Any:
    return (
        select(func.count()).select_from(_EVENTS).where(_EVENTS.c.attempt_id == attempt_id).scalar_subquery()
    )


def _read_state(in_batch: ColumnElement[bool]) -> Select[Any]:
    return select(
        *(_ATTEMPTS.c[name] for name in _FIELDS),
        select(_STUDIES.c.is_open).where(_STUDIES.c.id == bindparam("study_id")).scalar_subquery(),
        select(_SESSIONS.c.finished_at).where(_SESSIONS.c.id == _ATTEMPTS.c.session_id).scalar_subquery(),
        select(func.count())
        .select_from(_EVENTS)
        .where(_EVENTS.c.attempt_id == _ATTEMPTS.c.id, _EVENTS.c.received_at >= bindparam("since"))
        .scalar_subquery(),
        select(func.count())
        .select_from(_EVENTS)
        .where(_EVENTS.c.attempt_id == _ATTEMPTS.c.id, in_batch)
        .scalar_subquery(),
        _count_events(_ATTEMPTS.c.id),
        _ATTEMPTS.c.seq,
    ).where(_ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.token == bindparam("token"))


# The batch's ids as one parameter: an expanding IN costs more to render than to run.
_BATCH_IDS = select(func.json_each(bindparam("ids_json")).table_valued("value").c.value)
_READ_STATE = {
    "sqlite": _read_state(_EVENTS.c.client_id.in_(_BATCH_IDS)),
    "postgresql": _read_state(_EVENTS.c.client_id == any_(bindparam("ids", type_=postgresql.ARRAY(String)))),
}
# PostgreSQL's row lock, a statement of its own: READ COMMITTED gives the next statement a
# snapshot taken after the wait, while subqueries of a locking statement would see the one
# from before it (a concurrent retry's events would look new).
_LOCK_ROW = select(_ATTEMPTS.c.id).where(_ATTEMPTS.c.id == bindparam("attempt_id")).with_for_update()
_STORED_IDS = select(_EVENTS.c.client_id).where(
    _EVENTS.c.attempt_id == bindparam("attempt_id"),
    _EVENTS.c.client_id.in_(bindparam("ids", expanding=True)),
)
_INSERT = insert(_EVENTS)
# What judging can change; written all at once, so that one compiled statement serves.
JUDGED_FIELDS = (
    "path",
    "click_count",
    "answer",
    "outcome",
    "ended_at",
    "time_on_task_ms",
    "direct",
    "abandoned",
)
_WRITE_STATE = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("attempt_id"))
    .values({name: bindparam("new_" + name) for name in JUDGED_FIELDS})
)
# The same, only if nothing that decided it has changed since an unlocked read: the attempt
# runs, has stored no other event, its study is open and its session not finished.
_WRITE_STATE_IF_UNCHANGED = _WRITE_STATE.where(
    _ATTEMPTS.c.ended_at.is_(None),
    _count_events(bindparam("attempt_id")) == bindparam("events"),
    select(_STUDIES.c.is_open).where(_STUDIES.c.id == bindparam("study_id")).scalar_subquery(),
    select(_SESSIONS.c.finished_at)
    .where(_SESSIONS.c.id == _ATTEMPTS.c.session_id)
    .scalar_subquery()
    .is_(None),
)


def lock_row(conn: Connection, attempt_id: int) -> None:
    """PostgreSQL: take the attempt's row lock (SQLite's lock is BEGIN IMMEDIATE's)."""
    if conn.dialect.name != "sqlite":
        conn.execute(_LOCK_ROW, {"attempt_id": attempt_id})


def read_state(
    conn: Connection, attempt_id: int, token: str, study_id: int, since: datetime, ids: list[str]
) -> State | None:
    """The attempt's state (under the lock the caller holds or this read takes); None if it is gone."""
    params = {"attempt_id": attempt_id, "token": token, "study_id": study_id, "since": since}
    dialect = conn.dialect.name
    params.update({"ids_json": json.dumps(ids)} if dialect == "sqlite" else {"ids": ids})
    row = conn.execute(_READ_STATE[dialect], params).first()
    if row is None:
        return None
    values = tuple(row)
    attempt = AttemptRow(*values[: len(_FIELDS)])
    is_open, finished_at, recent, stored, events, seq = values[len(_FIELDS) :]
    counts = int(recent), int(stored), int(events)
    return State(attempt, bool(is_open), finished_at is not None, *counts, seq is not None)


def stored_ids(conn: Connection, attempt_id: int, ids: list[str]) -> set[str]:
    """Which of ``ids`` the attempt has stored already."""
    if not ids:
        return set()
    return set(conn.execute(_STORED_IDS, {"attempt_id": attempt_id, "ids": ids}).scalars())


def rows(attempt_id: int, events: list[EventIn], now: datetime) -> list[dict[str, Any]]:
    """The events' rows (URLs stripped of secrets), made before the lock is taken."""
    return [_row(attempt_id, event, now) for event in events]


def insert_events(conn: Connection, new_rows: list[dict[str, Any]]) -> None:
    """Store the rows (none of whose client ids the attempt has stored) with one INSERT."""
    if new_rows:
        conn.execute(_INSERT, new_rows)


def write_state(conn: Connection, attempt_id: int, attempt: AttemptRow) -> None:
    """Store the attempt's judged fields with one UPDATE."""
    conn.execute(_WRITE_STATE, _judged(attempt_id, attempt))


class _Raw:
    """A statement compiled by SQLAlchemy once, run on the driver's cursor with its bind processors."""

    def __init__(self, statement: Any, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.order = [
            (name, compiled.binds[name].type.bind_processor(dialect)) for name in compiled.positiontup
        ]

    def params(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            values[name] if process is None else process(values[name]) for name, process in self.order
        )


_ROW_KEYS = ("attempt_id", "client_id", "kind", "url", "data", "client_ms", "received_at")
_RAW: dict[str, tuple[_Raw, _Raw]] = {}


def write_if_unchanged_sqlite(
    conn: Connection,
    attempt_id: int,
    study_id: int,
    events: int,
    attempt: AttemptRow,
    new_rows: list[dict[str, Any]],
) -> bool:
    """SQLite: BEGIN IMMEDIATE, ``_WRITE_STATE_IF_UNCHANGED`` and the INSERT, on sqlite3 itself.

    The parameters are made before the lock; under it run three calls into sqlite3 and no
    SQLAlchemy: the database's one write lock is held for as little Python as can be.
    """
    if not _RAW:
        _RAW["sqlite"] = (
            _Raw(_WRITE_STATE_IF_UNCHANGED, conn.dialect),
            _Raw(_INSERT.values({k: bindparam(k) for k in _ROW_KEYS}), conn.dialect),
        )
    update_sql, insert_sql = _RAW["sqlite"]
    update_params = update_sql.params(
        {**_judged(attempt_id, attempt), "study_id": study_id, "events": events}
    )
    insert_params = [insert_sql.params(row) for row in new_rows]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(update_sql.sql, update_params)
        if cursor.rowcount != 1:
            return False
        cursor.executemany(insert_sql.sql, insert_params)
        return True
    except conn.dialect.loaded_dbapi.Error as error:  # as SQLAlchemy raises it (a lock wait: 503)
        raise DBAPIError.instance(
            update_sql.sql, update_params, error, conn.dialect.loaded_dbapi.Error
        ) from error
    finally:
        cursor.close()


def _judged(attempt_id: int, attempt: AttemptRow) -> dict[str, Any]:
    return {"attempt_id": attempt_id, **{"new_" + name: getattr(attempt, name) for name in JUDGED_FIELDS}}


def _row(attempt_id: int, event: EventIn, now: datetime) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in (("tag", event.tag), ("text", event.text)) if v}
    if event.selectors:
        data["selectors"] = list(event.selectors)
    if event.answer:
        data["answer"] = event.answer
    return {
        "attempt_id": attempt_id,
        "client_id": event.id,
        "kind": event.type,
        "url": strip_url(event.url) if event.url else "",
        "data": data,
        "client_ms": event.t_ms,
        "received_at": now,
    }

"""Store and judge one tracker batch in one short transaction: the events API's hot path (issue 13).

``record`` is the whole of it, used by the API view and by ``attempts.record_events``:

1. Before any lock: the attempt's fixed facts (its id, study, task settings, allowed
   origins, the page after it) from this process's ``AttemptCache``; the origin check;
   the query values the study does not keep dropped; the rows to insert made.
2. Under the attempt's lock (``attempt_lock.lock_attempt``: BEGIN IMMEDIATE on SQLite,
   ``event_store.lock_row`` on PostgreSQL): read the attempt's row with its
   study's open flag, its session's end, its recent events and which of the batch's ids it
   has stored; insert the new events; judge them, in order; write the attempt's judged
   state; the caller commits. An attempt the server ended as abandoned takes a late batch
   with events in time until the participant moves on (``late_batch``).
3. The events API on SQLite first tries ``_unlocked_first``: the same read and judging
   before the database's write lock, then under it only the write, and only if the
   attempt is unchanged; else step 2.

So the derived state (path, click count, outcome) changes only with the events that change
it, in the same serialized transaction: it never disagrees with the stored events, and a
well-formed batch is never refused for a concurrent one (no 409).

The cache holds only what never changes once an attempt exists: a study's version, its
tasks and an attempt's session and task are immutable (an edit makes a new version). What
can change (a study closed, a session finished, the attempt ended or deleted) is read in
the transaction every time, so a close on any server takes effect with the next request
on every other (``tests/test_studies_across_apps.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Engine, bindparam, select

from uxlab import studies
from uxlab.errors import Forbidden, Gone, NotFound, TooManyRequests
from uxlab.models import Attempt, ParticipantSession, StudyVersion, Task
from uxlab.participants import event_store, late_batch
from uxlab.participants.attempt_lock import in_transaction, lock_attempt
from uxlab.participants.events import EventBatch, EventIn, without_query_values
from uxlab.participants.judging import Limits, judge_batch
from uxlab.scenarios import Scenario, TaskSpec

ATTEMPT_CACHE_ENTRIES = 20_000  # about 1 kB each; least recently used go first
RATE_WINDOW_S = 60  # an attempt's events of the last minute count against its rate


@dataclass(frozen=True, slots=True)
class Fixed:
    """What never changes about an attempt, as the events API needs it."""

    attempt_id: int
    study_id: int
    scenario: Scenario
    spec: TaskSpec
    next_url: str  # the SEQ page after the task


def site_origins(scenario: Scenario, server_origins: tuple[str, ...]) -> tuple[str, ...]:
    """Origins that may talk to the API for a study: the site's, ``site.origins``, this server's."""
    own = [o.rstrip("/").lower() for o in server_origins]
    return tuple(dict.fromkeys([*scenario.site.allowed_origins(own[0] if own else ""), *own]))


@dataclass(slots=True)
class Judging:
    """An attempt being judged: its row under the lock and its task (``judging.Judged``)."""

    attempt: event_store.AttemptRow
    scenario: Scenario
    spec: TaskSpec


_A, _T = Attempt.__table__, Task.__table__  # type: ignore[attr-defined]
_P, _V = ParticipantSession.__table__, StudyVersion.__table__  # type: ignore[attr-defined]
_FIXED = (
    select(_A.c.id, _T.c.key, _P.c.task_order, _V.c.id, _V.c.study_id, _V.c.number, _V.c.content_hash)
    .join(_T, _T.c.id == _A.c.task_id)
    .join(_P, _P.c.id == _A.c.session_id)
    .join(_V, _V.c.id == _T.c.study_version_id)
    .where(_A.c.token == bindparam("token"))
)
_SCENARIO = select(_V.c.scenario).where(_V.c.id == bindparam("version_id"))


class AttemptCache:
    """token -> Fixed, per app (so per process); bounded, least recently used first out."""

    def __init__(self, entries: int = ATTEMPT_CACHE_ENTRIES) -> None:
        self.entries = entries
        self._found: OrderedDict[str, Fixed] = OrderedDict()
        self._lock = threading.Lock()  # one app may serve requests from several threads

    def get(self, conn: Connection, token: str) -> Fixed:
        """The attempt of ``token`` (read on first use); NotFound (404) if there is none."""
        with self._lock:
            found = self._found.get(token)
            if found is not None:
                self._found.move_to_end(token)
                return found
        found = _load(conn, token)
        with self._lock:
            self._found[token] = found
            while len(self._found) > self.entries:
                self._found.popitem(last=False)
        return found

    def peek(self, token: str) -> Fixed | None:
        with self._lock:
            return self._found.get(token)

    def forget(self, token: str) -> None:
        with self._lock:
            self._found.pop(token, None)

    def __len__(self) -> int:
        return len(self._found)


def attempt_cache() -> AttemptCache:
    """This app's AttemptCache."""
    cache: AttemptCache | None = current_app.extensions.get("uxlab.attempts")
    if cache is None:
        cache = current_app.extensions.setdefault("uxlab.attempts", AttemptCache())
    return cache


def _load(conn: Connection, token: str) -> Fixed:
    row = conn.execute(_FIXED, {"token": token}).first()
    if row is None:
        raise NotFound("unknown attempt token", field="token")
    attempt_id, key, task_order, version_id, study_id, number, content_hash = row
    stored = conn.execute(_SCENARIO, {"version_id": version_id}).scalar_one()
    version = StudyVersion(
        id=version_id, study_id=study_id, number=number, content_hash=content_hash, scenario=stored
    )
    scenario = studies.scenario_of(version)
    next_url = f"/s/{scenario.slug}/task/{task_order.index(key) + 1}/seq"
    return Fixed(attempt_id, study_id, scenario, scenario.task(key), next_url)


def store(
    engine: Engine,
    batch: EventBatch,
    origin: str | None,
    server_origins: tuple[str, ...],
    limits: Limits,
    now: datetime,
) -> dict[str, Any]:
    """The events API's ``record``: on a connection of its own (not the ORM session), committed."""
    with engine.connect() as conn:
        try:
            body = record(
                conn,
                batch.token,
                batch.events,
                origin,
                server_origins,
                limits,
                now,
                batch.sent_ms,
                unlocked_first=True,
            )
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return body


def record(
    conn: Connection,
    token: str,
    batch: tuple[EventIn, ...],
    origin: str | None,
    server_origins: tuple[str, ...],
    limits: Limits,
    now: datetime,
    sent_ms: float | None = None,
    *,
    unlocked_first: bool = False,
) -> dict[str, Any]:
    """Store a batch's new events and judge them (module docstring); the caller commits.

    ``unlocked_first``: on SQLite, try ``_unlocked_first`` (``conn`` is the caller's own,
    not a Session's: it may be rolled back here).

    Returns ``{"accepted": [ids], "ended", "outcome", "next"}``. Raises NotFound (404),
    Forbidden (403), Gone (410: closed study, finished session, ended attempt) or
    TooManyRequests (429); the caller rolls back then, and nothing is stored.
    """
    cache = attempt_cache()
    fixed = cache.get(conn, token)
    if origin is not None and origin.rstrip("/").lower() not in site_origins(fixed.scenario, server_origins):
        raise Forbidden(f"origin {origin} may not send events for this study", field="Origin")
    batch = without_query_values(batch, fixed.spec.success, fixed.scenario.site)
    unique = list({event.id: event for event in batch}.values())
    ids = [event.id for event in unique]
    rows = event_store.rows(fixed.attempt_id, unique, now)
    since = now - timedelta(seconds=RATE_WINDOW_S)
    if unlocked_first and unique and conn.dialect.name == "sqlite" and not in_transaction(conn):
        body = _unlocked_first(conn, fixed, token, unique, rows, limits, now, sent_ms)
        if body is not None:
            return body
        conn.rollback()  # something changed meanwhile (or an error to decide): again, locked
    lock_attempt(conn)
    event_store.lock_row(conn, fixed.attempt_id)
    state = event_store.read_state(conn, fixed.attempt_id, token, fixed.study_id, since, ids)
    if state is None:  # deleted since it was cached
        cache.forget(token)
        raise NotFound("unknown attempt token", field="token")
    ctx = Judging(state.attempt, fixed.scenario, fixed.spec)
    if state.stored:  # a retry: only the events not stored yet are new
        stored = event_store.stored_ids(conn, fixed.attempt_id, ids)
        unique = [event for event in unique if event.id not in stored]
        rows = [row for row in rows if row["client_id"] not in stored]
    refused = _refusal(state)
    if unique and refused is not None and not late_batch.reopens(state):
        raise Gone(refused)
    if unique:
        if state.recent_events + len(unique) > limits.max_events_per_minute:
            raise TooManyRequests(
                f"more than {limits.max_events_per_minute} events a minute for this attempt"
            )
        if refused is None:
            counted = judge_batch(ctx, unique, now, limits, sent_ms)
        elif not (counted := late_batch.judge(ctx, unique, now, limits, sent_ms)):
            raise Gone(refused)  # nothing in time: the abandoned timeout stands
        event_store.insert_events(conn, [row for row in rows if row["client_id"] in counted])
        event_store.write_state(conn, fixed.attempt_id, ctx.attempt)
    return _answer(ids, ctx, fixed)


def _unlocked_first(
    conn: Connection,
    fixed: Fixed,
    token: str,
    events: list[EventIn],
    rows: list[dict[str, Any]],
    limits: Limits,
    now: datetime,
    sent_ms: float | None,
) -> dict[str, Any] | None:
    """SQLite: read and judge before taking the lock, then write only if nothing changed.

    SQLite's write lock is the whole database's: held while Python reads and judges, it
    keeps every other worker waiting (and polling). So the common case (a running attempt,
    new events, within the rate) is read from WAL's snapshot and judged without it; under
    BEGIN IMMEDIATE one UPDATE writes the decision only if the attempt still runs with the
    same number of stored events, its study open and its session not finished, and the
    events are inserted. Otherwise (None) the caller rolls back and does it all under the lock.
    """
    ids = [event.id for event in events]
    state = event_store.read_state(
        conn, fixed.attempt_id, token, fixed.study_id, now - timedelta(seconds=RATE_WINDOW_S), ids
    )
    if state is None or state.stored or _refusal(state) is not None:
        return None
    if state.recent_events + len(events) > limits.max_events_per_minute:
        return None
    ctx = Judging(state.attempt, fixed.scenario, fixed.spec)
    counted = judge_batch(ctx, events, now, limits, sent_ms)
    rows = [row for row in rows if row["client_id"] in counted]
    if not event_store.write_if_unchanged_sqlite(
        conn, fixed.attempt_id, fixed.study_id, state.events, ctx.attempt, rows
    ):
        return None
    return _answer(ids, ctx, fixed)


def _refusal(state: event_store.State) -> str | None:
    """Why the attempt takes no new events (410), or None."""
    if not state.study_open:
        return "this study is closed"
    if state.session_finished:
        return "this participant session is finished"
    if state.attempt.ended_at is not None:
        return f"this attempt has ended ({state.attempt.outcome})"
    return None


def _answer(ids: list[str], ctx: Judging, fixed: Fixed) -> dict[str, Any]:
    ended = ctx.attempt.ended_at is not None
    return {
        "accepted": ids,
        "ended": ended,
        "outcome": ctx.attempt.outcome,
        "next": fixed.next_url if ended else None,
    }

"""One decision at a time per attempt: the lock every path that can end an attempt takes.

Why: two requests of one attempt run at once (a click sent as the page unloads and the next
page's view; a beacon and a retry; the tracker's state poll and a study page). If both read
"running", both judge, and the second answers "not ended" after the first ended it, the
tracker keeps the task bar and the participant is stranded on the site (issue 11).

The rule: a request that may change an attempt (store its events, end it, time it out)
first takes the database's write lock for that attempt, then reads the attempt, decides,
writes, and commits, all in that one transaction. The next request waits for the commit
and then reads the ended attempt, so every answer after the end says "ended".

- PostgreSQL: ``SELECT ... FOR UPDATE`` on the attempt's row (``attempts.find_context`` with
  ``lock=True``, ``Session.refresh(..., with_for_update=True)``, the events API's
  ``event_store.lock_row``); other attempts go on in parallel. READ COMMITTED re-reads
  the row after the wait, so the decision sees the commit.
- SQLite: ``FOR UPDATE`` does not exist, and Python's sqlite3 runs SELECTs outside any
  transaction, so a read may be stale by the time the write starts. ``begin_writer`` opens
  the transaction with ``BEGIN IMMEDIATE`` before the read: SQLite has one writer per
  database, so this serializes all attempt decisions (briefly: one attempt's batch is a few
  rows), waiting up to the connection's busy timeout (``uxlab.db.make_engine``). Reads
  elsewhere (dashboards) are not blocked: WAL readers never wait for the writer.

Callers commit (or roll back) promptly: the lock lasts until then. A lock already held by
the same transaction (it wrote something) is kept; sqlite3 begins a transaction only before
a write, so "in a transaction" means "holds the write lock" there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session


def begin_writer(db: Session) -> None:
    """On SQLite, make the session's transaction a writer now (``BEGIN IMMEDIATE``); else nothing."""
    lock_attempt(db.connection())


def lock_attempt(connection: Connection) -> None:
    """``begin_writer`` for a Core connection (the events API); PostgreSQL locks the row as it reads."""
    if connection.dialect.name == "sqlite" and not in_transaction(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def in_transaction(connection: Connection) -> bool:
    """Whether the driver has begun a transaction (sqlite3: only before a write, so: holds the lock)."""
    driver: Any = connection.connection.driver_connection
    return bool(driver.in_transaction) if connection.dialect.name == "sqlite" else connection.in_transaction()


def refresh_locked(db: Session, instance: Any) -> None:
    """Take the write lock for ``instance``'s row and reload it, as the decision must see it."""
    begin_writer(db)
    db.refresh(instance, with_for_update=True)

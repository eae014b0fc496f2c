"""Database engine per app, session per request, SQLite pragmas, timeouts and the migrations hook.

A database that is down or hangs must cost a request a bounded time: new connections wait
at most DB_CONNECT_TIMEOUT_S (PostgreSQL's connect timeout, the pool's checkout wait), a
statement at most DB_STATEMENT_TIMEOUT_S (PostgreSQL's ``statement_timeout``, SQLite's busy
timeout). The errors that mean "unavailable, try again" are ``DATABASE_UNAVAILABLE``; the
app answers them with 503 (``uxlab.app``), and ``Availability`` logs one line when this
process finds the database gone and one when it is back, not a traceback per request.
A database without this uxlab's tables is not an outage: ``schema_problem`` says what
``uxlab db upgrade`` would do, for the commands and ``/readyz``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, event, exc, func, make_url, select
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def database_url(app: Flask) -> str:
    """Return the configured URL, defaulting to an SQLite file in the instance folder."""
    url: str = app.config.get("DATABASE_URL") or ""
    if url:
        return url
    return "sqlite:///" + os.path.join(app.instance_path, "uxlab.sqlite")


def masked_url(url: str) -> str:
    """``url`` with its password shown as ``***``: the form messages and logs print.

    A URL SQLAlchemy cannot parse still loses whatever stands between ``user:`` and ``@``.
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)


def error_line(error: BaseException) -> str:
    """The first line of what the driver said (not SQLAlchemy's wrapping, SQL or link)."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


# Errors that say the database cannot answer now (unreachable, timed out, locked, pool
# exhausted), not that the request or the code is wrong.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
)


def make_engine(
    url: str,
    *,
    connect_timeout_s: float | None = None,
    statement_timeout_s: float | None = None,
    **kwargs: Any,
) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    ``connect_timeout_s`` bounds a new PostgreSQL connection and the wait for a pooled one;
    ``statement_timeout_s`` bounds a statement (PostgreSQL) or the wait for a lock (SQLite;
    30 s when not given). None leaves the driver's own limit.
    """
    if connect_timeout_s is not None:
        kwargs.setdefault("pool_timeout", connect_timeout_s)
    if url.startswith("sqlite"):
        busy_s = 30.0 if statement_timeout_s is None else statement_timeout_s
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_s}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if connect_timeout_s is not None:
        # libpq counts whole seconds and waits at least 2.
        connect_args["connect_timeout"] = max(2, math.ceil(connect_timeout_s))
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    if statement_timeout_s is not None:
        timeout_ms = max(1, round(statement_timeout_s * 1000))

        @event.listens_for(engine, "connect")
        def _statement_timeout(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET statement_timeout = {timeout_ms}")
            cursor.close()
            dbapi_connection.commit()

    return engine


class Availability:
    """Whether this process last found the database answering, and with this uxlab's tables;
    logs a line only when either changes."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.down = False
        self.schema_bad = False  # without this uxlab's tables, or behind its migrations
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if is_schema_error(error):
            self.schema_checked(f"{error_line(error)} (tables missing or behind the code)")
            return
        with self._lock:
            changed, self.down = not self.down, True
        if changed:
            self.logger.warning("database unavailable: %s", reason)

    def answered(self) -> None:
        if not self.down:  # the usual case: no lock on the hot path
            return
        with self._lock:
            changed, self.down = self.down, False
        if changed:
            self.logger.warning("database available again")

    def schema_checked(self, problem: str | None) -> None:
        """Note what ``schema_problem`` found (None: the latest migration); log when that turns."""
        with self._lock:
            changed, self.schema_bad = self.schema_bad != bool(problem), bool(problem)
        if changed and problem:
            self.logger.warning("database schema: %s; run `uxlab db upgrade`", problem)
        elif changed:
            self.logger.warning("database schema is up to date again")


# SQLite's words for a table or column the code expects and the database lacks: the schema
# is missing or behind, which waiting does not mend (PostgreSQL says it as a ProgrammingError).
SQLITE_SCHEMA_ERRORS = ("no such table", "no such column")
POSTGRES_SCHEMA_ERRORS = ("42P01", "42703")  # SQLSTATE undefined_table, undefined_column


def is_schema_error(error: BaseException) -> bool:
    """Whether a failed statement found a table or column missing: the schema, not the server."""
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return code in POSTGRES_SCHEMA_ERRORS or error_line(error).startswith(SQLITE_SCHEMA_ERRORS)


def availability() -> Availability:
    """This app's Availability (made by ``init_app``)."""
    found: Availability = current_app.extensions["uxlab.db_availability"]
    return found


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to the given revision with Alembic."""
    if engine.dialect.name == "sqlite":
        command.upgrade(alembic_config(engine), revision)
        return
    # A migration of a large table may run longer than a request's DB_STATEMENT_TIMEOUT_S:
    # migrate over a connection of its own, without that limit.
    unlimited = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        command.upgrade(alembic_config(unlimited), revision)
    finally:
        unlimited.dispose()


def schema_problem(connection: Connection) -> str | None:
    """What keeps the database from serving this uxlab, as words after "the database":
    "has no uxlab tables" or "is behind the latest migration (...)"; None when it is at the
    latest migration.

    A revision this uxlab does not know (a newer uxlab migrated the database) is no problem:
    during a rolling deployment the older processes keep serving until they are replaced.
    """
    current = set(MigrationContext.configure(connection).get_current_heads())
    heads, known = _revisions()
    if not current:
        return "has no uxlab tables"
    if current == heads or not current <= known:
        return None
    return (
        f"is behind the latest migration (at {', '.join(sorted(current))}; latest {', '.join(sorted(heads))})"
    )


def _revisions() -> tuple[set[str], set[str]]:
    """This uxlab's head revisions and every revision it knows, read once per app."""
    found: tuple[set[str], set[str]] | None = current_app.extensions.get("uxlab.revisions")
    if found is None:
        scripts = ScriptDirectory.from_config(alembic_config(get_engine()))
        found = (set(scripts.get_heads()), {script.revision for script in scripts.walk_revisions()})
        current_app.extensions["uxlab.revisions"] = found
    return found


def init_app(app: Flask) -> None:
    """Make this app's engine and close the request session on teardown."""
    app.extensions["uxlab.engine"] = make_engine(
        database_url(app),
        connect_timeout_s=float(app.config["DB_CONNECT_TIMEOUT_S"]),
        statement_timeout_s=float(app.config["DB_STATEMENT_TIMEOUT_S"]) or None,  # 0: no limit
    )
    app.extensions["uxlab.db_availability"] = Availability(app.logger)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    engine: Engine = current_app.extensions["uxlab.engine"]
    return engine


def get_session() -> Session:
    """Return the session of the current request (or app context), making it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    session: Session = g.db_session
    return session


def _close_session(exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session outside a request (CLI, benchmarks): commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def serialize(db: Session | Connection, lock_name: str) -> None:
    """Make the rest of the transaction one that no other transaction serializing on
    ``lock_name`` interleaves with; call it before the read a decision depends on.

    PostgreSQL: a transaction-level advisory lock for the name, held to the commit. SQLite:
    the database's write lock now (``BEGIN IMMEDIATE``), as Python's sqlite3 would begin the
    transaction only at the first write, after a read that may be stale by then.
    """
    conn = db.connection() if isinstance(db, Session) else db
    if conn.dialect.name == "sqlite":
        if not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    lock_id = int.from_bytes(hashlib.sha256(lock_name.encode()).digest()[:8], "big", signed=True)
    conn.execute(select(func.pg_advisory_xact_lock(lock_id)))

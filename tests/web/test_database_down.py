"""A database that is unreachable or hangs: 503 within the configured timeout, then recovery.

Issue 13, must-show 3. The app reaches PostgreSQL through ``TcpProxy`` (tests/tcp_proxy.py),
the seam where the test plays the network: the port refuses, or accepts and never answers.
SQLite "hangs" when another connection holds the write lock; PostgreSQL when another
session holds a lock on the events table. In every case the API answers a JSON 503 with
Retry-After and pages a 503 page, the log has one line per change of state instead of a
traceback per request, and the same app stores events again once the database is back.

Times: the bounds below are the configured timeouts plus SLACK_S for a loaded machine;
without the timeouts these requests wait for gunicorn to kill the worker (30 s) or forever.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from tests.conftest import make_test_app
from tests.participants.test_events_api import Participant, page
from tests.tcp_proxy import TcpProxy

CONNECT_TIMEOUT_S = 2.0  # libpq's smallest connect timeout
STATEMENT_TIMEOUT_S = 1.0
RETRY_AFTER_S = 3
SLACK_S = 5.0
TIMEOUTS: dict[str, Any] = {
    "DB_CONNECT_TIMEOUT_S": CONNECT_TIMEOUT_S,
    "DB_STATEMENT_TIMEOUT_S": STATEMENT_TIMEOUT_S,
    "DB_RETRY_AFTER_S": RETRY_AFTER_S,
}


@pytest.fixture
def proxied(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Flask, TcpProxy]]:
    """An app whose PostgreSQL connections go through a TcpProxy."""
    url = make_url(postgres_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = make_test_app(tmp_path, proxied_url, **TIMEOUTS)
        yield app, proxy
        app.extensions["uxlab.engine"].dispose()


def _timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _assert_503_json(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_S)
    error = response.get_json()["error"]
    assert error["status"] == 503 and "database is unavailable" in error["message"]


def _db_log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("database ")]


@pytest.mark.parametrize("outage", ["refuse", "hang"])
def test_postgres_unreachable_or_hanging_answers_503_then_recovers(
    proxied: tuple[Flask, TcpProxy], outage: str, caplog: pytest.LogCaptureFixture
) -> None:
    app, proxy = proxied
    participant = Participant(app)
    token = participant.start("find-helpdesk")
    assert participant.post(token, [page("/")]).status_code == 200
    caplog.set_level(logging.INFO)

    getattr(proxy, outage)()
    for _ in range(3):
        response, took_s = _timed(lambda: participant.post(token, [page("/support", 1500)]))
        _assert_503_json(response)
        assert took_s < CONNECT_TIMEOUT_S + SLACK_S
    client = app.test_client()
    html = client.get("/s/helpdesk", headers={"Accept": "text/html"})
    assert html.status_code == 503 and b"<h1>Error 503</h1>" in html.data
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "unavailable"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "unavailable"
    assert _db_log_lines(caplog) == [_db_log_lines(caplog)[0]]  # one line for five failed requests
    assert _db_log_lines(caplog)[0].startswith("database unavailable:")
    assert not [r for r in caplog.records if r.exc_info]  # no traceback

    proxy.forward()
    assert client.get("/readyz").status_code == 200
    again = participant.post(token, [page("/support", 1500)])
    assert again.status_code == 200
    assert participant.attempt(token).path == ["/", "/support"]
    assert _db_log_lines(caplog)[1:] == ["database available again"]


def test_sqlite_locked_answers_503_within_the_busy_timeout_then_recovers(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, "", **TIMEOUTS)
    participant = Participant(app)
    token = participant.start("find-helpdesk")
    locker = sqlite3.connect(tmp_path / "uxlab.sqlite", isolation_level=None)
    try:
        locker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        response, took_s = _timed(lambda: participant.post(token, [page("/")]))
        _assert_503_json(response)
        assert took_s < STATEMENT_TIMEOUT_S + SLACK_S
        assert participant.event_count() == 0
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert participant.post(token, [page("/")]).status_code == 200
    assert participant.attempt(token).path == ["/"]
    app.extensions["uxlab.engine"].dispose()


def test_postgres_lock_wait_answers_503_within_the_statement_timeout(
    postgres_url: str, tmp_path: Path
) -> None:
    app = make_test_app(tmp_path, postgres_url, **TIMEOUTS)
    participant = Participant(app)
    token = participant.start("find-helpdesk")
    other = create_engine(postgres_url)
    try:
        with other.connect() as locker:
            locker.execute(text("LOCK TABLE event IN ACCESS EXCLUSIVE MODE"))  # held until rollback
            response, took_s = _timed(lambda: participant.post(token, [page("/")]))
            _assert_503_json(response)
            assert took_s < STATEMENT_TIMEOUT_S + SLACK_S
            locker.rollback()
        assert participant.post(token, [page("/")]).status_code == 200
        assert participant.attempt(token).path == ["/"]
    finally:
        other.dispose()
        app.extensions["uxlab.engine"].dispose()

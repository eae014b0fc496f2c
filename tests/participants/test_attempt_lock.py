"""Decisions about one attempt never overlap (uxlab/participants/attempt_lock.py), SQLite and PostgreSQL.

The interleaving that stranded participants (issue 11, point 3) is forced, not hoped for:
a hook on the engine (SQLAlchemy's ``after_cursor_execute``, a seam of the database
library, not of uxlab) holds request B just after it has read the attempt and looked up
its known event ids, and only then lets request A run. Before the lock, A ended the
attempt meanwhile and B, deciding from its stale read, answered "not ended": its tab kept
the task bar. With the lock, A waits for B's commit instead (B's hold times out), so the
later answer is always "ended".

On SQLite the events API reads and judges before it takes the database's write lock
(``uxlab.participants.ingest._unlocked_first``) and writes only if nothing changed: there A
is not held up, ends the attempt first, and B's write finds the attempt changed, decides
again under the lock and answers 410 "ended". Either way the later answer says ended, and
the attempt's path is its stored page views.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.participants.test_events_api import Participant, page
from uxlab.db import get_engine

HOLD_S = 2.0  # how long B is held waiting for A; with the lock A cannot finish meanwhile


def test_a_request_after_the_end_always_says_ended(any_app: Flask) -> None:
    study = Participant(any_app)
    token = study.start("find-helpdesk")
    b_read, a_done = threading.Event(), threading.Event()
    answers: list[tuple[str, dict[str, Any]]] = []  # in the order the requests returned

    def hold_b(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread().name == "B" and "client_id" in statement and not b_read.is_set():
            b_read.set()
            a_done.wait(HOLD_S)

    def post(name: str, path: str) -> None:
        response = study.post(token, [page(path)], client=any_app.test_client())
        answers.append((name, response.get_json()))
        if name == "A":
            a_done.set()

    with any_app.app_context():
        engine = get_engine()
        sqlite = engine.dialect.name == "sqlite"
    event.listen(engine, "after_cursor_execute", hold_b)
    try:
        b = threading.Thread(target=post, args=("B", "/support"), name="B")  # a page on the way
        b.start()
        assert b_read.wait(30)
        a = threading.Thread(target=post, args=("A", "/support/helpdesk"), name="A")  # the success page
        a.start()
        a.join(60)
        b.join(60)
    finally:
        event.remove(engine, "after_cursor_execute", hold_b)
    attempt = study.attempt(token)
    assert attempt.outcome == "success"
    seq = "/s/helpdesk/task/1/seq"
    if sqlite:  # B's read was not under the lock: A decided first, B's write saw the change
        assert [name for name, _ in answers] == ["A", "B"], answers
        assert (answers[0][1]["ended"], answers[0][1]["next"]) == (True, seq), answers
        assert answers[1][1]["error"] == {"status": 410, "message": "this attempt has ended (success)"}
        assert attempt.path == ["/support/helpdesk"]
    else:  # B read under the row lock: A waited for B's decision
        assert [name for name, _ in answers] == ["B", "A"], answers
        assert [body["ended"] for _, body in answers] == [False, True], answers
        assert answers[1][1]["next"] == seq
        assert attempt.path == ["/support", "/support/helpdesk"]
    assert study.event_count() == len(attempt.path)


def test_concurrent_batches_of_one_attempt_all_count(any_app: Flask) -> None:
    """Issue 13: page views and clicks posted at once for one attempt are all stored and all in
    its path and click count (SQLite lost some), and none is refused (no 409)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.participants.test_events_api import ev

    any_app.config["MAX_EVENTS_PER_MINUTE"] = 10_000
    study = Participant(any_app)
    token = study.start("find-helpdesk")

    def post(n: int) -> int:
        batch = [page(f"/products/{n}", 1000 + n), ev("click", 1001 + n, tag="A")]
        return int(study.post(token, batch, client=any_app.test_client()).status_code)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(80)))
    assert statuses == [200] * 80
    attempt = study.attempt(token)
    assert study.event_count() == 160
    assert sorted(attempt.path) == sorted(f"/products/{n}" for n in range(80))
    assert attempt.click_count == 80

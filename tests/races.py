"""Two requests of one browser that race (a double click): each is held at its first write
until both have read what they decide by, so the race happens every run, not by chance."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event


@contextmanager
def held_at_first(engine: Engine, statement_start: str, parties: int = 2) -> Iterator[set[int]]:
    """Within the block, each thread waits at its first statement starting with ``statement_start``
    (case-insensitive, e.g. ``"INSERT INTO STUDY "``) until ``parties`` threads are there. Yields
    the ids of the threads held."""
    arrived = threading.Barrier(parties, timeout=10)
    held: set[int] = set()
    prefix = statement_start.upper()

    def hold(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith(prefix) and threading.get_ident() not in held:
            held.add(threading.get_ident())
            arrived.wait()

    event.listen(engine, "before_cursor_execute", hold)
    try:
        yield held
    finally:
        event.remove(engine, "before_cursor_execute", hold)


def same_browser(client: Any, app: Flask) -> Any:
    """Another test client with ``client``'s cookies: the same browser's second request."""
    other = app.test_client()
    for cookie in client._cookies.values():
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def twice_at_once(
    app: Flask, client: Any, statement_start: str, send: Callable[[Any], Any]
) -> tuple[list[Any], Any]:
    """Send ``send(c)`` from ``client`` and from a second request of its browser at once, both
    held at their first ``statement_start`` (``held_at_first``). Returns the two answers, in
    that order, and the second client; fails if a request never got to that write (then the
    race this means to make did not happen)."""
    second = same_browser(client, app)
    engine = app.extensions["uxlab.engine"]
    with held_at_first(engine, statement_start) as held, ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(send, [client, second]))
    assert len(held) == 2, "a request never got to its write: no race"
    return answers, second

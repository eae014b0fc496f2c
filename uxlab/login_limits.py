"""Failed sign-ins are limited per email address and client address (429 with Retry-After).

After ``LOGIN_MAX_FAILURES`` failed sign-ins for one email from one client address within
``LOGIN_WINDOW_S`` seconds, further attempts of that pair are refused without checking the
password until the oldest failure leaves the window; a successful sign-in clears the count.
Keyed by the pair, not by either alone, so that nobody can lock a researcher out from
elsewhere, and users behind one proxy address do not lock each other out.

The failures live in the database (table ``loginfailure``), so every worker process and
every server over one database share them and a restart forgets nothing. Only a sha256 of
the key is stored, not the email or the address. Each attempt is counted *before* the
password is checked, in one serialized transaction that counts the key's recent failures
and records this attempt only if the count is under the limit (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock on the key). So parallel
guesses cannot all pass the check before any of them is counted: at most the limit get a
password check. A successful sign-in then deletes the key's rows, its own included.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app
from sqlalchemy import Engine, delete, distinct, func, insert, select

from uxlab.db import get_engine, serialize
from uxlab.errors import TooManyRequests
from uxlab.security_models import LoginFailure

_FAILURES = LoginFailure.__table__  # type: ignore[attr-defined]


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class LoginLimits:
    """Sliding-window counts of failed sign-ins in the database, by key (an email and a client address)."""

    def __init__(self, engine: Engine, max_failures: int, window_s: float) -> None:
        self.engine, self.max_failures, self.window_s = engine, max_failures, window_s

    def attempt(self, key: str, now: float | None = None) -> None:
        """Count a sign-in of ``key`` as failed until it succeeds; TooManyRequests if over the limit.

        ``now``: seconds since the epoch (default: the clock), shared by every process.
        """
        now = time.time() if now is None else now
        key_hash, since = _key_hash(key), now - self.window_s
        with self.engine.connect() as conn:
            serialize(conn, key_hash)  # no other attempt of the same key interleaves
            # Failures that left the window are deleted, so guesses at many addresses do
            # not grow the table without bound.
            conn.execute(delete(_FAILURES).where(_FAILURES.c.at_s <= since))
            recent = (_FAILURES.c.key_hash == key_hash) & (_FAILURES.c.at_s > since)
            count, oldest = conn.execute(select(func.count(), func.min(_FAILURES.c.at_s)).where(recent)).one()
            if count >= self.max_failures:
                conn.commit()  # the pruning stays; this attempt is not counted
                wait_s = max(1, math.ceil(oldest + self.window_s - now))
                why = f"too many failed sign-ins; try again in {wait_s} s"
                raise TooManyRequests(why, retry_after_s=wait_s)
            conn.execute(insert(_FAILURES).values(key_hash=key_hash, at_s=now))
            conn.commit()

    def succeeded(self, key: str) -> None:
        """Clear the failures of ``key`` (the attempt that just succeeded among them)."""
        with self.engine.begin() as conn:
            conn.execute(delete(_FAILURES).where(_FAILURES.c.key_hash == _key_hash(key)))

    def __len__(self) -> int:
        """How many keys have failures on record."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count(distinct(_FAILURES.c.key_hash)))).scalar_one())


def key_for(email: str, client: str | None) -> str:
    """The key of a sign-in: the email as typed but for case and spaces, and the client address."""
    return f"{email.strip().lower()} from {client or '?'}"


def limits() -> LoginLimits:
    """This app's limits, from the settings, over the app's database."""
    config = current_app.config
    return LoginLimits(get_engine(), int(config["LOGIN_MAX_FAILURES"]), float(config["LOGIN_WINDOW_S"]))

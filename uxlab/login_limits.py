"""Failed sign-ins are limited per email and client address, and per client address (429).

After ``LOGIN_MAX_FAILURES`` failed sign-ins for one email from one client address within
``LOGIN_WINDOW_S`` seconds, further attempts of that pair are refused without checking the
password until the oldest failure leaves the window; a successful sign-in clears the count.
Keyed by the pair, not by the email alone, so that nobody can lock a researcher out from
elsewhere.

The pair alone let one address try one password on every account (password spraying):
each email was a new pair. So the failures of one client address, whatever the email, are
capped too, at ``LOGIN_MAX_FAILURES_PER_ADDRESS`` in the same window: generous (50), as a
whole office behind one NAT address shares it, and counting failures only (a successful
sign-in takes its own attempt off the address's count, not the others': signing in to an
own account must not reset an attacker's count).

The failures live in the database (table ``loginfailure``), so every worker process and
every server over one database share them and a restart forgets nothing. Only a sha256 of
the key is stored, not the email or the address. Each attempt is counted *before* the
password is checked, in one serialized transaction that counts the recent failures of its
pair and of its address and records this attempt under both only if both counts are under
their limits (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock
on the address, which every pair of that address includes). So parallel guesses cannot all
pass the check before any of them is counted: at most the limit get a password check, and
a refused attempt costs no argon2. A successful sign-in then deletes the pair's rows and
its own row of the address.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Connection, Engine, delete, distinct, func, insert, select

from uxlab.db import get_engine, serialize
from uxlab.errors import TooManyRequests
from uxlab.security_models import LoginFailure

_FAILURES = LoginFailure.__table__  # type: ignore[attr-defined]


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """A sign-in counted as failed (until :meth:`LoginLimits.succeeded` says otherwise)."""

    key: str
    address_row: int | None = None  # its row under the client address, if that is limited


class LoginLimits:
    """Sliding-window counts of failed sign-ins in the database, by key (an email and a client
    address) and, if ``max_per_address`` is given, by client address across emails."""

    def __init__(
        self, engine: Engine, max_failures: int, window_s: float, max_per_address: int | None = None
    ) -> None:
        self.engine, self.max_failures, self.window_s = engine, max_failures, window_s
        self.max_per_address = max_per_address

    def attempt(self, key: str, now: float | None = None, address: str | None = None) -> Attempt:
        """Count a sign-in of ``key`` as failed until it succeeds; TooManyRequests if over a limit.

        ``address``: the :func:`address_key` of the client, limited across emails (with
        ``max_per_address``). ``now``: seconds since the epoch (default: the clock), shared by
        every process.
        """
        now = time.time() if now is None else now
        key_hash, since = _key_hash(key), now - self.window_s
        limited = [(key_hash, self.max_failures)]
        if address is not None and self.max_per_address is not None:
            limited.append((_key_hash(address), self.max_per_address))
        with self.engine.connect() as conn:
            # No other attempt of the same address interleaves (the address's lock when it is
            # counted: every pair of the address shares it, and the pair's count is decided too).
            serialize(conn, limited[-1][0])
            # Failures that left the window are deleted, so guesses at many addresses do
            # not grow the table without bound.
            conn.execute(delete(_FAILURES).where(_FAILURES.c.at_s <= since))
            waits = [_wait_s(conn, h, most, self.window_s, now) for h, most in limited]
            if max(waits):
                conn.commit()  # the pruning stays; this attempt is not counted
                # Said when it is the address's limit: a typo of one's own email is not why.
                whose = " from this address" if waits[-1] > waits[0] else ""
                why = f"too many failed sign-ins{whose}; try again in {max(waits)} s"
                raise TooManyRequests(why, retry_after_s=max(waits))
            rows = [conn.execute(insert(_FAILURES).values(key_hash=h, at_s=now)) for h, _ in limited]
            conn.commit()
        address_row = rows[1].inserted_primary_key if len(rows) > 1 else None
        return Attempt(key, int(address_row[0]) if address_row else None)

    def succeeded(self, attempt: Attempt | str) -> None:
        """Clear the failures of the attempt's key, and take the attempt off its address's count
        (the address's other failures stay: a success of one account forgives no other)."""
        key, row = (attempt, None) if isinstance(attempt, str) else (attempt.key, attempt.address_row)
        with self.engine.begin() as conn:
            conn.execute(delete(_FAILURES).where(_FAILURES.c.key_hash == _key_hash(key)))
            if row is not None:
                conn.execute(delete(_FAILURES).where(_FAILURES.c.id == row))

    def __len__(self) -> int:
        """How many keys have failures on record."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count(distinct(_FAILURES.c.key_hash)))).scalar_one())


def _wait_s(conn: Connection, key_hash: str, most: int, window_s: float, now: float) -> int:
    """Seconds until ``key_hash`` has fewer than ``most`` failures in the window (0: it has now).

    The failure that must leave the window is the ``count - most + 1``-th oldest: after a
    lowered limit a key can hold more than the limit, and then its oldest is not enough.
    """
    recent = (_FAILURES.c.key_hash == key_hash) & (_FAILURES.c.at_s > now - window_s)
    count = int(conn.execute(select(func.count()).where(recent)).scalar_one())
    if count < most:
        return 0
    query = select(_FAILURES.c.at_s).where(recent).order_by(_FAILURES.c.at_s).offset(count - most).limit(1)
    leaves = float(conn.execute(query).scalar_one())
    return max(1, math.ceil(leaves + window_s - now))


def key_for(email: str, client: str | None) -> str:
    """The key of a sign-in: the email as typed but for case and spaces, and the client address."""
    return f"{email.strip().lower()} from {client or '?'}"


def address_key(client: str | None) -> str:
    """The key of a client address across emails. Never a :func:`key_for` key, whatever the
    email typed: those end in " from " and an address, and an address (an IP) holds no space."""
    return f"any email, at {client or '?'}"


def limits() -> LoginLimits:
    """This app's limits, from the settings, over the app's database."""
    config = current_app.config
    return LoginLimits(
        get_engine(),
        int(config["LOGIN_MAX_FAILURES"]),
        float(config["LOGIN_WINDOW_S"]),
        int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    )

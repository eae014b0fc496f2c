"""Failed sign-ins are limited per email address and client address (429 with Retry-After).

After ``LOGIN_MAX_FAILURES`` failed sign-ins for one email from one client address within
``LOGIN_WINDOW_S`` seconds, further attempts of that pair are refused without checking the
password until the oldest failure leaves the window; a successful sign-in clears the count.
Keyed by the pair, not by either alone, so that nobody can lock a researcher out from
elsewhere, and users behind one proxy address do not lock each other out. The counts live
in this process's memory: several server processes each keep their own, and a restart
forgets them. That bounds password guessing well enough for a researcher login; put a
rate-limiting proxy in front for more.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from flask import current_app

from uxlab.errors import TooManyRequests


class LoginLimits:
    """Sliding-window counts of failed sign-ins, by key (an email and a client address)."""

    def __init__(self, max_failures: int, window_s: float) -> None:
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def check(self, key: str, now: float | None = None) -> None:
        """Raise TooManyRequests (with the seconds to wait) if ``key`` is over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(key, now)
            if len(times) >= self.max_failures:
                wait_s = math.ceil(times[0] + self.window_s - now)
                why = f"too many failed sign-ins; try again in {wait_s} s"
                raise TooManyRequests(why, retry_after_s=wait_s)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            # Drop keys whose failures have all left the window, so that guesses at many
            # addresses do not grow this table without bound.
            for stale in [k for k, t in self._failures.items() if t[-1] <= now - self.window_s]:
                del self._failures[stale]
            self._failures[key] = self._recent(key, now)
            self._failures[key].append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        """How many keys have failures on record."""
        return len(self._failures)


def key_for(email: str, client: str | None) -> str:
    """The key of a sign-in: the email as typed but for case and spaces, and the client address."""
    return f"{email.strip().lower()} from {client or '?'}"


def limits() -> LoginLimits:
    """This app's limits (made on first use from the settings)."""
    found = current_app.extensions.get("uxlab.login_limits")
    if found is None:
        config = current_app.config
        found = LoginLimits(int(config["LOGIN_MAX_FAILURES"]), float(config["LOGIN_WINDOW_S"]))
        current_app.extensions["uxlab.login_limits"] = found
    return found

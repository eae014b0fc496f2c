"""Password spraying: one client address trying a password on many accounts is limited too.

The sign-in limit was keyed by email and client address only, so every new email was a new
key: 30 emails in a row from one address all got their password checked (argon2, ~160 ms
each) and an audit row. Failures are now also counted per client address across emails,
at a generous cap (an office behind one NAT shares it), and a refused attempt checks no
password.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import argon2
import pytest
from flask import Flask
from sqlmodel import select

from tests.conftest import make_test_app
from tests.security.test_login_race import Gunicorn
from uxlab import auth
from uxlab.db import get_engine, get_session, serialize
from uxlab.errors import TooManyRequests
from uxlab.login_limits import LoginLimits, _key_hash, address_key, key_for
from uxlab.security_models import AuditEvent

EMAIL, PASSWORD = "ana@example.org", "correct horse battery"
OFFICE, ELSEWHERE = "203.0.113.7", "198.51.100.2"


def test_failures_are_capped_per_address_across_emails(any_app: Flask) -> None:
    with any_app.app_context():
        limits = LoginLimits(get_engine(), max_failures=2, window_s=60, max_per_address=3)
    here = address_key(OFFICE)
    for i in range(3):  # three emails, one failure each: each pair is far below its limit
        limits.attempt(key_for(f"user{i}@example.org", OFFICE), now=1000 + i, address=here)
    with pytest.raises(TooManyRequests) as caught:
        limits.attempt(key_for("user9@example.org", OFFICE), now=1010, address=here)
    assert caught.value.retry_after_s == 50  # the failure at 1000 leaves the window at 1060
    assert "from this address" in caught.value.message
    # Another address is not limited by this one's failures.
    limits.attempt(key_for("user9@example.org", ELSEWHERE), now=1010, address=address_key(ELSEWHERE))
    # Refused attempts are not counted: at 1060 one failure left the window, one more is allowed.
    limits.attempt(key_for("user9@example.org", OFFICE), now=1060.5, address=here)
    with pytest.raises(TooManyRequests):
        limits.attempt(key_for("user10@example.org", OFFICE), now=1060.8, address=here)


def test_the_pair_limit_still_holds_under_the_address_cap(any_app: Flask) -> None:
    with any_app.app_context():
        limits = LoginLimits(get_engine(), max_failures=2, window_s=60, max_per_address=50)
    here, key = address_key(OFFICE), key_for(EMAIL, OFFICE)
    limits.attempt(key, now=0, address=here)
    limits.attempt(key, now=5, address=here)
    with pytest.raises(TooManyRequests) as caught:
        limits.attempt(key, now=6, address=here)
    assert caught.value.retry_after_s == 54 and "from this address" not in caught.value.message
    limits.attempt(key_for("bo@example.org", OFFICE), now=6, address=here)  # other emails go on


def test_a_success_forgives_its_own_attempt_only(any_app: Flask) -> None:
    """Signing in to one's own account must not reset the address's count of others' failures
    (an attacker with an account could), but the successful attempt is no failure."""
    with any_app.app_context():
        limits = LoginLimits(get_engine(), max_failures=10, window_s=60, max_per_address=3)
    here = address_key(OFFICE)
    limits.attempt(key_for("x@example.org", OFFICE), now=0, address=here)
    limits.attempt(key_for("y@example.org", OFFICE), now=1, address=here)
    for second in range(2, 30):  # any number of successful sign-ins from the office
        limits.succeeded(limits.attempt(key_for(EMAIL, OFFICE), now=second, address=here))
    limits.attempt(key_for("z@example.org", OFFICE), now=30, address=here)  # the third failure
    with pytest.raises(TooManyRequests):
        limits.attempt(key_for(EMAIL, OFFICE), now=31, address=here)


def test_the_address_key_is_never_a_pair_key() -> None:
    # An email typed to look like the address key still makes a key of its own.
    assert key_for("any email, at 203.0.113.7", OFFICE) != address_key(OFFICE)
    assert not address_key(OFFICE).endswith(f" from {OFFICE}")


def test_attempts_of_one_address_wait_for_each_other_whatever_the_email(any_app: Flask) -> None:
    """The check and the count of an address are one step across processes: an attempt waits
    while another of the same address (another email) holds the address's lock."""
    with any_app.app_context():
        engine = get_engine()
        limits = LoginLimits(engine, max_failures=10, window_s=60, max_per_address=50)
    done = threading.Event()

    def other_email() -> None:
        limits.attempt(key_for("bo@example.org", OFFICE), address=address_key(OFFICE))
        done.set()

    with engine.connect() as holder:
        serialize(holder, _key_hash(address_key(OFFICE)))  # what an attempt of ana's holds
        thread = threading.Thread(target=other_email)
        thread.start()
        assert not done.wait(1.0)  # bo's attempt waits for ana's to commit
        holder.commit()
    assert done.wait(30)
    thread.join()


def _audited_failures(app: Flask) -> int:
    with app.app_context():
        return len(get_session().exec(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")).all())


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_spraying_from_one_address_gets_429_without_a_password_check(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else ""
    app = make_test_app(tmp_path, url, LOGIN_MAX_FAILURES_PER_ADDRESS=5)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
    # Counts argon2's password checks (the library's, passed through): a refused attempt makes none.
    checks: list[str] = []
    verify = argon2.PasswordHasher.verify

    def counted(self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        checks.append("verify")
        return verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)
    client = app.test_client()
    office = {"REMOTE_ADDR": OFFICE}
    for i in range(5):
        wrong = {"email": f"user{i}@example.org", "password": "Winter2026!"}
        assert client.post("/login", data=wrong, environ_base=office).status_code == 401
    assert len(checks) == 5 and _audited_failures(app) == 5
    for i in range(5, 30):
        wrong = {"email": f"user{i}@example.org", "password": "Winter2026!"}
        refused = client.post("/login", data=wrong, environ_base=office)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 900
    right = {"email": EMAIL, "password": PASSWORD}
    assert client.post("/login", data=right, environ_base=office).status_code == 429
    assert len(checks) == 5 and _audited_failures(app) == 5  # no argon2, no audit row once refused
    # The account itself is not locked: from another address its owner signs in.
    assert client.post("/login", data=right, environ_base={"REMOTE_ADDR": ELSEWHERE}).status_code == 302
    app.extensions["uxlab.engine"].dispose()


SPRAYED, CAP = 30, 10


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_parallel_spraying_across_gunicorn_workers_admits_at_most_the_cap(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 parallel wrong sign-ins, each to another email, against 3 workers: the address's
    count is checked and taken in one step in the database, shared by every worker."""
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else ""
    app = make_test_app(tmp_path, url)
    app.extensions["uxlab.engine"].dispose()
    monkeypatch.setenv("UXLAB_LOGIN_MAX_FAILURES_PER_ADDRESS", str(CAP))  # read by the workers
    server = Gunicorn(app.config["DATABASE_URL"], tmp_path)
    try:
        server.wait_until_ready()
        status, headers, page = server.get("/login")
        assert status == 200
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        start = threading.Barrier(SPRAYED)

        def guess(i: int) -> int:
            form = {"email": f"user{i}@example.org", "password": "Winter2026!", "csrf_token": token.group(1)}
            start.wait()
            return server.post_form("/login", form, cookie)

        with ThreadPoolExecutor(SPRAYED) as pool:
            statuses = list(pool.map(guess, range(SPRAYED)))
        posts = [line.split() for line in server.access.read_text().splitlines() if " POST /login " in line]
    finally:
        server.stop()
    assert statuses.count(401) == CAP and statuses.count(429) == SPRAYED - CAP, statuses
    assert len({pid for pid, *_ in posts}) >= 2, posts  # really spread over the workers

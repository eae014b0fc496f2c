"""The sign-in limit lives in the database: atomic, shared by processes, surviving restarts."""

from __future__ import annotations

import pytest
from flask import Flask

from uxlab.db import get_engine
from uxlab.errors import TooManyRequests
from uxlab.login_limits import LoginLimits, key_for


def test_login_limit_window_slides_and_success_clears_it(any_app: Flask) -> None:
    with any_app.app_context():
        limits = LoginLimits(get_engine(), max_failures=2, window_s=60)
    key = key_for(" Ana@Example.org ", "10.0.0.1")
    assert key == "ana@example.org from 10.0.0.1"
    limits.attempt(key, now=1000)
    limits.attempt(key, now=1010)
    with pytest.raises(TooManyRequests) as caught:
        limits.attempt(key, now=1059.5)
    assert caught.value.retry_after_s == 1  # the failure at 1000 leaves the window at 1060
    limits.attempt(key, now=1060.0)  # one failure left in the window: allowed (and counted)
    with pytest.raises(TooManyRequests):
        limits.attempt(key, now=1061)
    limits.succeeded(key)
    limits.attempt(key, now=1062)  # a success clears the count
    limits.attempt(key, now=1063)
    with pytest.raises(TooManyRequests):
        limits.attempt(key, now=1064)


def test_refused_attempts_are_not_counted(app: Flask) -> None:
    with app.app_context():
        limits = LoginLimits(get_engine(), max_failures=1, window_s=60)
    key = key_for("ana@example.org", "10.0.0.1")
    limits.attempt(key, now=0)
    for second in range(1, 59):  # hammering during the lock-out does not extend it
        with pytest.raises(TooManyRequests):
            limits.attempt(key, now=second)
    limits.attempt(key, now=60.5)


def test_login_limit_forgets_keys_whose_failures_left_the_window(any_app: Flask) -> None:
    with any_app.app_context():
        limits = LoginLimits(get_engine(), max_failures=2, window_s=60)
    for i in range(100):  # guesses at many addresses
        limits.attempt(key_for(f"user{i}@example.org", "10.0.0.9"), now=i * 0.1)
    assert len(limits) == 100
    limits.attempt(key_for("ana@example.org", "10.0.0.1"), now=70)  # all of them are older than 60 s
    assert len(limits) == 1


def test_limits_are_shared_by_apps_over_one_database_and_survive_a_restart(any_app: Flask) -> None:
    url = any_app.config["DATABASE_URL"]
    key = key_for("ana@example.org", "10.0.0.1")
    with any_app.app_context():
        LoginLimits(get_engine(), max_failures=2, window_s=60).attempt(key, now=0)
    from uxlab.app import create_app

    # A second server process (or the same one restarted) over the same database.
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": url})
    with other.app_context():
        limits = LoginLimits(get_engine(), max_failures=2, window_s=60)
        limits.attempt(key, now=1)
        with pytest.raises(TooManyRequests):
            limits.attempt(key, now=2)
    other.extensions["uxlab.engine"].dispose()


def test_only_a_hash_of_the_key_is_stored(app: Flask) -> None:
    from sqlmodel import select

    from uxlab.db import get_session
    from uxlab.security_models import LoginFailure

    with app.app_context():
        LoginLimits(get_engine(), max_failures=2, window_s=60).attempt(key_for("ana@example.org", "10.0.0.1"))
        row = get_session().exec(select(LoginFailure)).one()
    assert "ana" not in row.key_hash and "10.0.0.1" not in row.key_hash
    assert len(row.key_hash) == 64

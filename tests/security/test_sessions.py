"""Server-side researcher sessions: a copied cookie stops working when the session ends (issue 12)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlmodel import select

from tests.conftest import make_test_app
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.security_models import ResearcherSession

EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


def _app_with_user(app: Flask, *emails: str) -> Flask:
    with app.app_context():
        for email in emails or (EMAIL,):
            auth.create_user(get_session(), email, PASSWORD)
    return app


def _signed_in(app: Flask, email: str = EMAIL) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    assert client.get("/studies").status_code == 200
    return client


def _copy(app: Flask, client: Any) -> Any:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _is_signed_in(client: Any) -> bool:
    response = client.get("/studies")
    assert response.status_code in (200, 302)
    return bool(response.status_code == 200)


def test_a_copied_cookie_is_refused_after_sign_out(any_app: Flask) -> None:
    _app_with_user(any_app)
    browser = _signed_in(any_app)
    copy = _copy(any_app, browser)
    assert _is_signed_in(copy)
    browser.post("/logout")
    assert not _is_signed_in(browser)
    assert not _is_signed_in(copy)
    assert copy.get("/studies").headers["Location"].startswith("/login")


def test_a_copied_cookie_is_refused_after_set_password_on_the_command_line(app: Flask) -> None:
    # SQLite only: the command's own app is not disposed, which leaves a PostgreSQL
    # connection for the garbage collector (set_password on PostgreSQL: the test below).
    _app_with_user(app, EMAIL, "ben@example.org")
    first, second = _signed_in(app), _signed_in(app)
    copy = _copy(app, first)
    ben = _signed_in(app, "ben@example.org")
    env = {"UXLAB_DATABASE_URL": database_url(app), "UXLAB_SECRET_KEY": "test-secret"}
    args = ["users", "set-password", EMAIL, "--password-stdin"]
    changed = CliRunner().invoke(cli, args, input="a brand new password\n", env=env)
    assert changed.exit_code == 0, changed.output
    # Every session of that account ends, not just one; other accounts keep theirs.
    assert not any(_is_signed_in(c) for c in (first, second, copy))
    assert _is_signed_in(ben)


def test_set_password_ends_the_accounts_sessions(any_app: Flask) -> None:
    _app_with_user(any_app)
    copy = _copy(any_app, _signed_in(any_app))
    with any_app.app_context():
        auth.set_password(get_session(), EMAIL, "a brand new password")
    assert not _is_signed_in(copy)


def test_revoke_sessions_ends_every_session_of_an_account(any_app: Flask) -> None:
    _app_with_user(any_app)
    browsers = [_signed_in(any_app) for _ in range(3)]
    with any_app.app_context():
        user_id = auth.authenticate(get_session(), EMAIL, PASSWORD).id  # type: ignore[union-attr]
        assert auth.revoke_sessions(get_session(), user_id) == 3
    assert not any(_is_signed_in(b) for b in browsers)


def test_an_idle_session_expires_and_activity_keeps_it(tmp_path: Path) -> None:
    app = _app_with_user(make_test_app(tmp_path, SESSION_IDLE_S=1.5))
    browser = _signed_in(app)
    for _ in range(3):  # 1.5 s of use in all, no gap as long as the idle limit
        time.sleep(0.5)
        assert _is_signed_in(browser)
    time.sleep(1.8)
    assert not _is_signed_in(browser)
    with app.app_context():  # an expired session is deleted when it is next presented
        assert get_session().exec(select(ResearcherSession)).all() == []
    app.extensions["uxlab.engine"].dispose()


def test_a_session_ends_after_its_absolute_lifetime_however_active(tmp_path: Path) -> None:
    app = _app_with_user(make_test_app(tmp_path, SESSION_MAX_S=2.0))
    browser = _signed_in(app)
    time.sleep(0.5)
    assert _is_signed_in(browser)
    time.sleep(1.6)
    assert not _is_signed_in(browser)
    app.extensions["uxlab.engine"].dispose()


def test_the_cookie_holds_only_a_random_id_and_the_database_only_its_hash(app: Flask) -> None:
    _app_with_user(app)
    browser = _signed_in(app)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    content = serializer.loads(browser.get_cookie("session").value)
    assert set(content) <= {auth.SESSION_KEY, "csrf_token"}  # no user id, nothing else
    session_id = content[auth.SESSION_KEY]
    assert len(session_id) >= 43  # 32 random bytes, URL-safe base64
    with app.app_context():
        row = get_session().exec(select(ResearcherSession)).one()
    assert row.token_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert session_id not in row.token_hash


def test_signing_in_again_starts_a_new_session_and_prunes_expired_ones(tmp_path: Path) -> None:
    app = _app_with_user(make_test_app(tmp_path, SESSION_MAX_S=0.5))
    old = _signed_in(app)
    time.sleep(0.7)
    _signed_in(app)
    with app.app_context():
        assert len(get_session().exec(select(ResearcherSession)).all()) == 1
    assert not _is_signed_in(old)
    app.extensions["uxlab.engine"].dispose()


def test_a_cookie_signed_with_the_key_but_naming_a_user_id_is_refused(app: Flask) -> None:
    # The old cookie form ({"uxlab_user_id": 1}) signs nobody in, even with a valid signature.
    _app_with_user(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["uxlab_user_id"] = 1
    assert not _is_signed_in(client)
    with client.session_transaction() as session:
        session["uxlab_sid"] = "made-up-session-id"
    assert not _is_signed_in(client)

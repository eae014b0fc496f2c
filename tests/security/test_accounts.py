"""Disabling a researcher account: `uxlab users disable` and `uxlab users list` (issue 12)."""

from __future__ import annotations

from click.testing import CliRunner
from flask import Flask
from sqlmodel import select

from tests.security.test_sessions import EMAIL, PASSWORD, _app_with_user, _copy, _is_signed_in, _signed_in
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.security_models import AuditEvent


def _two_admins(app: Flask) -> None:
    """Ana (the first account, an admin) and Ben, made an admin too: either may be disabled."""
    _app_with_user(app, EMAIL, "ben@example.org")
    with app.app_context():
        auth.set_role(get_session(), "ben@example.org", auth.ADMIN)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(any_app: Flask) -> None:
    _two_admins(any_app)
    browser = _signed_in(any_app)
    copy = _copy(any_app, browser)
    ben = _signed_in(any_app, "ben@example.org")
    with any_app.app_context():
        auth.disable_user(get_session(), EMAIL)
    assert not _is_signed_in(browser) and not _is_signed_in(copy)
    refused = any_app.test_client().post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 401  # as a wrong password: whether the account exists stays unsaid
    assert _is_signed_in(ben)  # other accounts keep their sessions
    with any_app.app_context():
        actions = [e.action for e in get_session().exec(select(AuditEvent)).all()]
    assert "account_disabled" in actions


def test_users_disable_and_list_on_the_command_line(app: Flask) -> None:
    # SQLite only, like test_sessions.py's command-line test (the command's app is not disposed).
    _two_admins(app)
    env = {"UXLAB_DATABASE_URL": database_url(app), "UXLAB_SECRET_KEY": "test-secret"}
    runner = CliRunner()
    disabled = runner.invoke(cli, ["users", "disable", "Ana@Example.org"], env=env)
    assert disabled.exit_code == 0, disabled.output
    assert "disabled ana@example.org" in disabled.output
    listed = runner.invoke(cli, ["users", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["ana@example.org", "ben@example.org"]
    assert lines[0].split("\t")[2].startswith("disabled ") and lines[1].split("\t")[2] == "active"
    assert [line.split("\t")[3] for line in lines] == ["admin", "admin"]
    last = runner.invoke(cli, ["users", "disable", "ben@example.org"], env=env)
    assert last.exit_code == 1 and "ben@example.org is the last active admin" in last.output
    unknown = runner.invoke(cli, ["users", "disable", "nobody@example.org"], env=env)
    assert unknown.exit_code != 0 and "no researcher account" in unknown.output

"""A disabled account can be enabled again: `uxlab users enable` (audited), and
`uxlab users set-password` on a disabled account says it stays disabled and how to enable it."""

from __future__ import annotations

from click.testing import CliRunner
from flask import Flask
from sqlmodel import col, select

from tests.security.test_sessions import EMAIL, _app_with_user
from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.security_models import AuditEvent

NEW_PASSWORD = "a brand new password"


def _signs_in(app: Flask, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": EMAIL, "password": password})
    return bool(response.status_code == 302)


def _audit(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = get_session().exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        return [(e.action, e.actor, e.detail) for e in rows]


def test_set_password_on_a_disabled_account_says_so_and_enable_lets_it_sign_in(any_app: Flask) -> None:
    _app_with_user(any_app, "boss@example.org", EMAIL)  # the first account is the admin
    with any_app.app_context():
        auth.disable_user(get_session(), EMAIL)
    env = {"UXLAB_DATABASE_URL": database_url(any_app), "UXLAB_SECRET_KEY": "test-secret"}
    runner = CliRunner()

    args = ["users", "set-password", EMAIL, "--password-stdin"]
    changed = runner.invoke(cli, args, input=NEW_PASSWORD + "\n", env=env)
    assert changed.exit_code == 0, changed.output
    assert changed.stdout.splitlines() == [
        f"changed the password of {EMAIL}",
        f"{EMAIL} is disabled; `uxlab users enable {EMAIL}` lets it sign in again",
    ]
    assert not _signs_in(any_app, NEW_PASSWORD)

    enabled = runner.invoke(cli, ["users", "enable", EMAIL.upper()], env=env)
    assert (enabled.exit_code, enabled.stdout) == (0, f"enabled {EMAIL}; it may sign in again\n")
    assert _signs_in(any_app, NEW_PASSWORD)
    assert ("account_enabled", "(command line)", EMAIL) in _audit(any_app)
    listed = runner.invoke(cli, ["users", "list"], env=env).stdout.splitlines()
    assert [line.split("\t")[2] for line in listed] == ["active", "active"]

    again = runner.invoke(cli, ["users", "enable", EMAIL], env=env)
    assert (again.exit_code, again.stdout) == (0, f"{EMAIL} is not disabled; nothing changed\n")
    assert [a for a, _, _ in _audit(any_app)].count("account_enabled") == 1
    quiet = runner.invoke(cli, args, input="another new password\n", env=env)
    assert quiet.stdout == f"changed the password of {EMAIL}\n"  # an active account: no note


def test_enable_an_unknown_account_is_one_line(any_app: Flask) -> None:
    env = {"UXLAB_DATABASE_URL": database_url(any_app), "UXLAB_SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(cli, ["users", "enable", "nobody@example.org"], env=env)
    assert (result.exit_code, result.stderr) == (1, "uxlab: no researcher account for nobody@example.org\n")

"""Researcher accounts: validation, argon2 hashes, authentication, safe redirects."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlmodel import select

from uxlab import auth
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.errors import BadRequest, Conflict, NotFound
from uxlab.models import User

PASSWORD = "correct horse battery"


def test_create_user_stores_an_argon2_hash(any_app: Flask) -> None:
    with any_app.app_context():
        user = auth.create_user(get_session(), "  Ana@Example.ORG ", PASSWORD)
        stored = get_session().exec(select(User)).one()
    assert stored.id == user.id
    assert stored.email == "ana@example.org"
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("a@b", PASSWORD, "email"),
        ("two@at@example.org", PASSWORD, "email"),
        ("ana@example.org", "short", "password"),
        ("ana@example.org", "123456789", "password"),
    ],
)
def test_create_user_refuses_bad_input(app: Flask, email: str, password: str, field: str) -> None:
    with app.app_context():
        with pytest.raises(BadRequest) as caught:
            auth.create_user(get_session(), email, password)
        assert caught.value.field == field
        assert auth.count_users(get_session()) == 0


def test_duplicate_email_is_a_conflict(any_app: Flask) -> None:
    with any_app.app_context():
        auth.create_user(get_session(), "ana@example.org", PASSWORD)
        with pytest.raises(Conflict, match="already exists"):
            auth.create_user(get_session(), "ANA@example.org", "another password")
        assert auth.count_users(get_session()) == 1


def test_authenticate(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        auth.create_user(db, "ana@example.org", PASSWORD)
        assert auth.authenticate(db, "Ana@Example.org", PASSWORD) is not None
        assert auth.authenticate(db, "ana@example.org", PASSWORD + "x") is None
        assert auth.authenticate(db, "nobody@example.org", PASSWORD) is None


def test_set_password(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        auth.create_user(db, "ana@example.org", PASSWORD)
        auth.set_password(db, "ana@example.org", "a new long password")
        assert auth.authenticate(db, "ana@example.org", PASSWORD) is None
        assert auth.authenticate(db, "ana@example.org", "a new long password") is not None
        with pytest.raises(NotFound):
            auth.set_password(db, "bob@example.org", "a new long password")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/studies", "/studies"),
        ("/studies/helpdesk/attempts?page=2", "/studies/helpdesk/attempts?page=2"),
        ("https://evil.example/", "/home"),
        ("//evil.example/x", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("", "/home"),
        (None, "/home"),
    ],
)
def test_safe_next_only_allows_local_paths(target: str | None, expected: str) -> None:
    assert auth.safe_next(target, "/home") == expected


def test_cli_users_create(app: Flask) -> None:
    def create(email: str, typed: str, *flags: str) -> Result:
        env = {"UXLAB_DATABASE_URL": database_url(app)}
        return CliRunner().invoke(cli, ["users", "create", email, *flags], input=typed, env=env)

    prompted = create("ana@example.org", f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert "created admin account ana@example.org" in prompted.output  # the first account: an admin
    assert PASSWORD not in prompted.output
    piped = create("bob@example.org", "another password\n", "--password-stdin")
    assert piped.exit_code == 0, piped.output
    assert "created researcher account bob@example.org" in piped.output
    again = create("ANA@example.org", f"{PASSWORD}\n", "--password-stdin")
    assert again.exit_code == 1
    assert "uxlab: a researcher account for ana@example.org already exists" in again.output
    short = create("cy@example.org", "short\n", "--password-stdin")
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    mismatch = create("dee@example.org", f"{PASSWORD}\nother one!!\n")
    assert mismatch.exit_code != 0
    assert "match" in mismatch.output.lower()
    with app.app_context():
        db = get_session()
        assert auth.authenticate(db, "ana@example.org", PASSWORD) is not None
        assert auth.authenticate(db, "bob@example.org", "another password") is not None
        assert auth.count_users(db) == 2


def test_cli_users_set_password(app: Flask) -> None:
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", PASSWORD)
    args = ["users", "set-password", "ana@example.org", "--password-stdin"]
    changed = CliRunner().invoke(cli, args, input="a brand new password\n", env=env)
    assert changed.exit_code == 0, changed.output
    assert "changed the password of ana@example.org" in changed.output
    unknown = CliRunner().invoke(
        cli, ["users", "set-password", "bob@example.org"], input="a long password\n" * 2, env=env
    )
    assert unknown.exit_code == 1
    assert "uxlab: no researcher account for bob@example.org" in unknown.output
    with app.app_context():
        assert auth.authenticate(get_session(), "ana@example.org", "a brand new password") is not None

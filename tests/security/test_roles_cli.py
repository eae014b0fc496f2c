"""Roles and sharing on the command line: `uxlab users create --role|role|list`, `uxlab studies
owner|share|unshare|access`, `uxlab scenarios load --owner` (issue 12), and the demo's admin.

SQLite only, like tests/security/test_sessions.py's command-line tests (a command's own app
is not disposed); the functions they call run on PostgreSQL in test_roles.py.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from sqlmodel import select

from tests.results_seed import SCENARIO, write_scenario
from tests.web.test_demo_setup import SCENARIOS
from uxlab import auth, studies
from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.demo.setup import DEMO_EMAIL, prepare_demo
from uxlab.security_models import AuditEvent

PASSWORD = "correct horse battery\n"


def _run(app: Flask, *args: str, stdin: str | None = None) -> Result:
    env = {"UXLAB_DATABASE_URL": database_url(app), "UXLAB_SECRET_KEY": "test-secret"}
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_users_get_roles_the_first_is_admin_and_the_last_admin_stays(app: Flask) -> None:
    assert "created admin account ana@example.org" in _ok(
        _run(app, "users", "create", "ana@example.org", "--password-stdin", stdin=PASSWORD)
    )
    assert "created researcher account ben@example.org" in _ok(
        _run(app, "users", "create", "ben@example.org", "--password-stdin", stdin=PASSWORD)
    )
    create = ("users", "create", "--password-stdin")
    _ok(_run(app, *create, "cy@example.org", "--role", "admin", stdin=PASSWORD))
    bad = _run(app, *create, "dee@example.org", "--role", "root", stdin=PASSWORD)
    assert bad.exit_code == 2 and "'root' is not one of 'admin', 'researcher'" in bad.output
    listed = _ok(_run(app, "users", "list")).splitlines()
    assert [(line.split("\t")[0], line.split("\t")[3]) for line in listed] == [
        ("ana@example.org", "admin"),
        ("ben@example.org", "researcher"),
        ("cy@example.org", "admin"),
    ]
    assert "ben@example.org is now an admin" in _ok(_run(app, "users", "role", "Ben@example.org", "admin"))
    _ok(_run(app, "users", "role", "ana@example.org", "researcher"))
    _ok(_run(app, "users", "role", "cy@example.org", "researcher"))
    last = _run(app, "users", "role", "ben@example.org", "researcher")
    assert last.exit_code == 1
    assert last.output.startswith("uxlab: ben@example.org is the last active admin; make another account")
    assert _run(app, "users", "role", "nobody@example.org", "admin").exit_code == 1
    with app.app_context():
        db = get_session()
        assert auth.get_user(db, "ben@example.org").role == auth.ADMIN
        changes = db.exec(select(AuditEvent).where(AuditEvent.action == "role_changed")).all()
    assert (changes[0].actor, changes[0].detail) == (
        "(command line)",
        "ben@example.org: researcher -> admin",
    )
    assert len(changes) == 3  # the refused demotion changed nothing


def test_studies_owner_share_unshare_access_and_load_with_an_owner(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        for email in ("ana@example.org", "ben@example.org", "cy@example.org"):
            auth.create_user(get_session(), email, PASSWORD.strip())
    path = write_scenario(tmp_path, SCENARIO)
    refused = _run(app, "scenarios", "load", str(path), "--owner", "nobody@example.org")
    assert refused.exit_code == 1 and "no researcher account for nobody@example.org" in refused.output
    with app.app_context():
        assert studies.list_studies(get_session()) == []  # an unknown owner stores nothing
    loaded = _ok(_run(app, "scenarios", "load", str(path), "--owner", "ben@example.org"))
    assert "shop: stored version 1" in loaded
    assert _ok(_run(app, "studies", "access", "shop")).splitlines() == ["owner\tben@example.org"]
    shared = _ok(_run(app, "studies", "share", "shop", "CY@example.org"))
    assert "shop is now shared with cy@example.org" in shared
    assert _ok(_run(app, "studies", "access", "shop")).splitlines() == [
        "owner\tben@example.org",
        "shared\tcy@example.org",
    ]
    _ok(_run(app, "studies", "owner", "shop", "ana@example.org"))
    _ok(_run(app, "studies", "unshare", "shop", "cy@example.org"))
    assert _ok(_run(app, "studies", "access", "shop")).splitlines() == ["owner\tana@example.org"]
    again = _run(app, "studies", "unshare", "shop", "cy@example.org")
    assert again.exit_code == 1 and "'shop' is not shared with cy@example.org" in again.output
    assert _run(app, "studies", "share", "nosuch", "cy@example.org").exit_code == 1
    with app.app_context():
        events = get_session().exec(select(AuditEvent).where(AuditEvent.study_slug == "shop")).all()
    assert [(e.action, e.detail) for e in events] == [
        ("study_owner_set", "ben@example.org"),
        ("study_shared", "cy@example.org"),
        ("study_owner_set", "ana@example.org"),
        ("study_unshared", "cy@example.org"),
    ]


def test_the_demo_account_is_an_admin_and_stays_one(app: Flask) -> None:
    prepare_demo(app, SCENARIOS, with_data=False)
    with app.app_context():
        db = get_session()
        assert auth.get_user(db, DEMO_EMAIL).role == auth.ADMIN
        auth.create_user(db, "ana@example.org", PASSWORD.strip(), auth.ADMIN)
        auth.set_role(db, DEMO_EMAIL, auth.RESEARCHER)
    prepare_demo(app, SCENARIOS, with_data=False)
    with app.app_context():
        assert auth.get_user(get_session(), DEMO_EMAIL).role == auth.ADMIN

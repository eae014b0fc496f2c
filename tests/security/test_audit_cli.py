"""Upload tokens made or revoked on the command line are in the audit trail, as from the web
(README, "/audit": upload tokens created), never with the secret."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlmodel import col, select

from uxlab.cli import cli
from uxlab.db import database_url, get_session
from uxlab.security_models import AuditEvent

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"


def test_tokens_create_and_revoke_on_the_command_line_are_audited(any_app: Flask) -> None:
    env = {"UXLAB_DATABASE_URL": database_url(any_app)}
    runner = CliRunner()
    assert runner.invoke(cli, ["scenarios", "load", str(HELPDESK)], env=env).exit_code == 0
    made = runner.invoke(cli, ["tokens", "create", "helpdesk", "--label", "CI"], env=env)
    assert made.exit_code == 0, made.output
    token_id = runner.invoke(cli, ["tokens", "list", "helpdesk"], env=env).stdout.split("\t")[0]
    revoked = runner.invoke(cli, ["tokens", "revoke", "helpdesk", token_id], env=env)
    assert revoked.exit_code == 0, revoked.output
    with any_app.app_context():
        events = get_session().exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert [(e.action, e.actor, e.study_slug, e.detail) for e in events] == [
        ("token_created", "(command line)", "helpdesk", ""),
        ("token_revoked", "(command line)", "helpdesk", f"token {token_id}"),
    ]
    assert made.stdout.strip() not in repr(events)
    refused = runner.invoke(cli, ["tokens", "create", "nope"], env=env)
    assert refused.exit_code == 1  # no study, no token, no audit row
    with any_app.app_context():
        assert len(get_session().exec(select(AuditEvent)).all()) == 2

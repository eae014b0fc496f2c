"""Every ``uxlab`` command has one shape: errors as one line and an exit code, the engine disposed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL
from uxlab.cli import cli, participants, results, sweep
from uxlab.cli.command import with_app, with_bulk_app
from uxlab.db import database_url, get_engine

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"

UNKNOWN_STUDY = [
    ["studies", "open", "nope"],
    ["studies", "close", "nope"],
    ["export", "nope"],
    ["export", "nope", "--format", "json", "--what", "responses"],
    ["report", "nope", "--pdf", "{tmp}/nope.pdf"],
    ["tokens", "create", "nope"],
]


@pytest.mark.parametrize("args", UNKNOWN_STUDY, ids=" ".join)
def test_an_error_is_one_line_on_stderr_and_exit_1(app: Flask, tmp_path: Path, args: list[str]) -> None:
    env = {"UXLAB_DATABASE_URL": database_url(app)}
    result = CliRunner().invoke(cli, [arg.format(tmp=tmp_path) for arg in args], env=env)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "uxlab: no study 'nope'\n")
    assert not (tmp_path / "nope.pdf").exists()


def _connections(admin_url: str, name: str) -> int:
    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
            return int(conn.execute(query, {"name": name}).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ["scenarios", "load", str(HELPDESK)],
        ["studies", "close", "helpdesk"],
        ["export", "helpdesk"],
        ["tokens", "create", "helpdesk"],
        ["tokens", "create", "nope"],  # an error disposes the engine too
    ],
    ids=" ".join,
)
def test_a_command_leaves_no_connection_open(postgres_url: str, args: list[str]) -> None:
    # The command's connections carry a name of their own, so the server can count them.
    name = "uxlab-cli-" + uuid.uuid4().hex[:12]
    env = {"UXLAB_DATABASE_URL": f"{postgres_url}&application_name={name}"}
    runner = CliRunner()
    for step in (["db", "upgrade"], ["scenarios", "load", str(HELPDESK)], args):
        runner.invoke(cli, step, env=env)
        assert _connections(PG_URL, name) == 0, f"uxlab {' '.join(step)} left a connection open"


def test_bulk_commands_run_without_the_request_statement_timeout(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export, report, sweep and deletion may run longer than a request (DB_STATEMENT_TIMEOUT_S)."""
    monkeypatch.setenv("UXLAB_DATABASE_URL", postgres_url)
    monkeypatch.delenv("UXLAB_DB_STATEMENT_TIMEOUT_S", raising=False)
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0  # commands refuse an empty database

    def timeout(_app: Flask) -> str:
        with get_engine().connect() as conn:
            return str(conn.execute(text("SHOW statement_timeout")).scalar_one())

    assert with_app(timeout)() == "10s"  # the default, as requests get it
    assert with_bulk_app(timeout)() == "0"  # PostgreSQL's "no limit"
    monkeypatch.setenv("UXLAB_DB_STATEMENT_TIMEOUT_S", "3")
    assert with_bulk_app(timeout)() == "3s"  # set on purpose: kept
    for module in (results, sweep, participants):  # the bulk commands use it
        assert "@with_bulk_app" in Path(module.__file__ or "").read_text(encoding="utf-8")

"""What a researcher's first hour runs into on the command line: one line on stderr, exit 1.

README, "Command line": every command prints errors as one line ``uxlab: <message>`` and
exits with status 1, never a traceback; a database URL is printed with its password masked.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import make_url

from uxlab.app import create_app
from uxlab.cli import cli
from uxlab.db import MIGRATIONS_DIR, database_url, get_engine, upgrade

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"

UNREACHABLE = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/test"  # nothing listens on port 1
COMMANDS = [
    ["db", "upgrade"],
    ["users", "create", "x@example.org", "--password-stdin"],
    ["users", "list"],
    ["scenarios", "load", str(HELPDESK)],
    ["export", "helpdesk"],
    ["studies", "close", "helpdesk"],
]


def run(args: list[str], env: dict[str, str], stdin: str = "a long password\n") -> Result:
    return CliRunner().invoke(cli, args, env={"UXLAB_SECRET_KEY": "test-secret", **env}, input=stdin)


def assert_one_line(result: Result, starts: str) -> None:
    """Exit 1 by the command's own choice (no exception escaped), one ``uxlab:`` line on stderr."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(starts), result.stderr


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unreachable_database_is_one_line_with_the_password_masked(args: list[str]) -> None:
    result = run(args, {"UXLAB_DATABASE_URL": UNREACHABLE})
    masked = "postgresql+psycopg://postgres:***@127.0.0.1:1/test"
    assert_one_line(result, f"uxlab: the database {masked} is unavailable: ")
    assert "Connection refused" in result.stderr
    assert "s3cret" not in result.output


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("notaurl", "Could not parse SQLAlchemy URL"),
        ("nosuchdb://u:s3cret@host/db", "Can't load plugin: sqlalchemy.dialects:nosuchdb"),
        ("postgresql+psycopg://u:s3cret@host:port/db", "invalid literal for int()"),
    ],
)
def test_a_database_url_that_cannot_be_used_is_one_line(url: str, reason: str) -> None:
    result = run(["users", "list"], {"UXLAB_DATABASE_URL": url})
    assert_one_line(result, "uxlab: cannot use UXLAB_DATABASE_URL ")
    assert reason in result.stderr and "s3cret" not in result.output


def test_db_upgrade_prints_the_database_url_without_its_password(postgres_url: str) -> None:
    # PostgreSQL's trust authentication accepts the URL with any password
    with_password = make_url(postgres_url).set(password="s3cret").render_as_string(hide_password=False)
    result = run(["db", "upgrade"], {"UXLAB_DATABASE_URL": with_password})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    masked = make_url(with_password).render_as_string(hide_password=True)
    assert f"database at {masked} is up to date" in result.stdout


def _revision_before_the_latest() -> str:
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    (head,) = scripts.get_heads()
    before = scripts.get_revision(head).down_revision
    assert isinstance(before, str)
    return before


def _free_port_taken() -> socket.socket:
    """A listening socket: a server that did start on its port would fail, not block the test."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


@pytest.mark.parametrize(
    "args",
    [
        *COMMANDS[1:],
        ["tokens", "create", "helpdesk"],
        ["sweep"],
        ["demo", "--remove-data"],
        ["serve", "--port", "{port}"],
    ],
    ids=" ".join,
)
def test_a_database_without_tables_is_one_line_saying_to_run_db_upgrade(
    tmp_path: Path, args: list[str]
) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()  # what a researcher gets by pointing uxlab at a new file
    with _free_port_taken() as taken:
        port = str(taken.getsockname()[1])
        result = run([arg.format(port=port) for arg in args], {"UXLAB_DATABASE_URL": f"sqlite:///{empty}"})
    assert_one_line(
        result, f"uxlab: the database sqlite:///{empty} has no uxlab tables; run `uxlab db upgrade`"
    )


def test_a_database_behind_the_latest_migration_is_one_line_naming_both(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = _revision_before_the_latest()
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        upgrade(get_engine(), old)
    app.extensions["uxlab.engine"].dispose()
    result = run(["users", "list"], {"UXLAB_DATABASE_URL": url})
    assert_one_line(result, f"uxlab: the database {url} is behind the latest migration (at {old}; latest ")
    assert result.stderr.rstrip().endswith("); run `uxlab db upgrade`")
    upgraded = run(["db", "upgrade"], {"UXLAB_DATABASE_URL": url})
    assert upgraded.exit_code == 0, upgraded.output
    assert run(["users", "list"], {"UXLAB_DATABASE_URL": url}).exit_code == 0


@pytest.mark.parametrize("args", [["db", "upgrade"], ["users", "list"]], ids=" ".join)
def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, args: list[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, but a long enough line of text to be read as a header\n" * 3)
    result = run(args, {"UXLAB_DATABASE_URL": f"sqlite:///{notes}"})
    assert_one_line(result, f"uxlab: cannot use the database sqlite:///{notes}: file is not a database")


@pytest.fixture
def helpdesk_url(any_app: Flask) -> str:
    """The URL of a migrated database holding the helpdesk study (SQLite and PostgreSQL)."""
    url = database_url(any_app)
    assert run(["scenarios", "load", str(HELPDESK)], {"UXLAB_DATABASE_URL": url}).exit_code == 0
    return url


@pytest.mark.parametrize("folder", ["missing", "a-file"])
@pytest.mark.parametrize(
    "args",
    [["export", "helpdesk", "-o"], ["export", "helpdesk", "--output"], ["report", "helpdesk", "--pdf"]],
    ids=" ".join,
)
def test_an_output_file_in_a_folder_that_cannot_be_written_is_one_line(
    helpdesk_url: str, tmp_path: Path, args: list[str], folder: str
) -> None:
    (tmp_path / "a-file").write_text("a file, not a folder\n")
    target = tmp_path / folder / "out.csv"
    result = run([*args, str(target)], {"UXLAB_DATABASE_URL": helpdesk_url})
    why = f"no folder {target.parent}" if folder == "missing" else f"{target.parent} is not a folder"
    option = "--pdf" if args[0] == "report" else "--output"
    assert_one_line(result, f"uxlab: {option} {target}: {why}\n")
    assert not (tmp_path / "missing").exists()  # and Chromium did not make the folder


@pytest.mark.parametrize("token_id", [2**31, 10**23])  # PostgreSQL's integer, SQLite's 64 bits
def test_a_token_id_past_any_row_id_is_no_such_token(helpdesk_url: str, token_id: int) -> None:
    env = {"UXLAB_DATABASE_URL": helpdesk_url}
    result = run(["tokens", "revoke", "helpdesk", str(token_id)], env)
    assert_one_line(result, f"uxlab: no upload token {token_id} in study 'helpdesk'\n")
    unknown_study = run(["tokens", "revoke", "nope", str(token_id)], env)
    assert_one_line(unknown_study, "uxlab: no study 'nope'\n")


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_past_65535_is_a_usage_error(helpdesk_url: str, command: str) -> None:
    with _free_port_taken() as taken:
        # the socket layer takes a port modulo 65536: without the check, this one binds the
        # taken port (and fails) instead of blocking the test with a running server
        wrapped = str(65536 + taken.getsockname()[1])
        result = run([command, "--port", wrapped], {"UXLAB_DATABASE_URL": helpdesk_url})
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--port': {wrapped} is not in the range 0<=x<=65535" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "uxlab: --since must be a date like 2026-11-25\n"),
        (["--until", "2026-01-01", "--since", "2026-02-01"], "uxlab: --since must not be after until\n"),
        (["--version", "two"], "uxlab: --version must be a study version number\n"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_bad_report_filter_names_its_option(
    helpdesk_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    """The filters' reasons are worded for the web's query (``since must be ...``); the CLI
    names its own option, before Chromium starts."""
    result = run(
        ["report", "helpdesk", "--pdf", str(tmp_path / "out.pdf"), *args],
        {"UXLAB_DATABASE_URL": helpdesk_url},
    )
    assert_one_line(result, message)
    assert not (tmp_path / "out.pdf").exists()


def test_removing_demo_data_from_a_database_without_any_says_so(helpdesk_url: str) -> None:
    result = run(["demo", "--remove-data"], {"UXLAB_DATABASE_URL": helpdesk_url})
    assert result.exit_code == 0 and result.stdout == "no demo data to remove\n", result.output

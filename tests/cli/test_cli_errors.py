"""What a researcher's first hour runs into on the command line: one line on stderr, exit 1.

README, "Command line": every command prints errors as one line ``uxlab: <message>`` and
exits with status 1, never a traceback; a database URL is printed with its password masked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import make_url

from uxlab.cli import cli

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

"""The ``uxlab`` command: thin click commands over the same functions the web uses.

Every command that touches the database builds the app with ``create_app()`` (settings
from UXLAB_* variables) and runs inside its app context. A UxlabError becomes a one-line
message on stderr and a non-zero exit status; users never see a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask

from uxlab.errors import ScenarioError, UxlabError

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn a UxlabError into ``uxlab: <message>`` and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UxlabError as error:
            for problem in error.problems() if isinstance(error, ScenarioError) else (error,):
                click.echo(f"uxlab: {problem.message}", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


def make_app() -> Flask:
    from uxlab.app import create_app

    return create_app()


@click.group(help="uxlab: unmoderated usability testing and UX measurement.")
@click.version_option(package_name="uxlab")
def cli() -> None:
    pass


@cli.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create or migrate the database schema to the latest version.")
@friendly_errors
def db_upgrade() -> None:
    from uxlab import db as database

    app = make_app()
    with app.app_context():
        database.upgrade(database.get_engine())
    click.echo(f"database at {database.database_url(app)} is up to date")


@cli.command(help="Serve uxlab (development server; use gunicorn 'uxlab.wsgi:app' in production).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@friendly_errors
def serve(host: str, port: int) -> None:
    app = make_app()
    app.run(host=host, port=port)


@cli.group(help="Researcher accounts.")
def users() -> None:
    pass


@users.command("create", help="Create a researcher account (the password is asked for twice).")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@friendly_errors
def users_create(email: str, password_stdin: bool) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    password = _read_password(password_stdin)
    with make_app().app_context():
        user = auth.create_user(get_session(), email, password)
    click.echo(f"created researcher account {user.email}")


@users.command("set-password", help="Give an existing researcher account a new password.")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@friendly_errors
def users_set_password(email: str, password_stdin: bool) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    password = _read_password(password_stdin)
    with make_app().app_context():
        user = auth.set_password(get_session(), email, password)
    click.echo(f"changed the password of {user.email}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@cli.group(help="Stored studies.")
def studies() -> None:
    pass


def _set_open(slug: str, is_open: bool) -> None:
    from uxlab import studies as study_store
    from uxlab.db import get_session

    with make_app().app_context():
        study_store.set_open(get_session(), slug, is_open)
    click.echo(f"study {slug} is now {'open' if is_open else 'closed'}")


@studies.command("open", help="Open a study: participants can take it.")
@click.argument("slug")
@friendly_errors
def studies_open(slug: str) -> None:
    _set_open(slug, True)


@studies.command("close", help="Close a study: participant pages and events answer 410 Gone.")
@click.argument("slug")
@friendly_errors
def studies_close(slug: str) -> None:
    _set_open(slug, False)


@cli.command("export", help="Write a study's attempts and questionnaire responses as CSV or JSON.")
@click.argument("study")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--what",
    type=click.Choice(["all", "attempts", "responses"]),
    default="all",
    show_default=True,
    help="Which table; CSV with 'all' writes attempts, an empty line, then responses.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@friendly_errors
def export(study: str, fmt: str, what: str, output: Path | None) -> None:
    from uxlab import export as exporter
    from uxlab.db import get_session

    with make_app().app_context():
        if output is None:
            exporter.export_study(get_session(), study, sys.stdout, fmt, what)
            return
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                rows = exporter.export_study(get_session(), study, out, fmt, what)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    click.echo(f"wrote {rows} rows to {output}", err=True)


@cli.command(help="Set up and serve the demo: schema, scenarios/*.yaml, a researcher account.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--scenarios",
    "scenario_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of scenario files to load (default: the repository's scenarios/).",
)
@friendly_errors
def demo(host: str, port: int, scenario_dir: Path | None) -> None:
    from uxlab.app import ROOT
    from uxlab.demo_setup import prepare_demo

    app = make_app()
    if not os.environ.get("UXLAB_PUBLIC_URL"):
        app.config["PUBLIC_URL"] = f"http://{host}:{port}"
    setup = prepare_demo(app, scenario_dir or ROOT / "scenarios")
    click.echo("uxlab demo is ready.")
    for url in setup.participant_urls:
        click.echo(f"  Participant link:  {url}")
    click.echo(f"  Researcher login:  {setup.login_url}")
    if setup.email:
        click.echo(f"    email:     {setup.email}")
        click.echo(f"    password:  {setup.password}   (a new one on every `uxlab demo`)")
    else:
        click.echo("    sign in with your researcher account (`uxlab users create EMAIL` makes one)")
    app.run(host=host, port=port)


@cli.group("scenarios", help="Scenario files: check them, store them as study versions.")
def scenarios_group() -> None:
    pass


def _checked_scenarios(paths: tuple[Path, ...]) -> list[Any]:
    """Validate all files (folders expanded); print each refusal as file:line: field: message."""
    from uxlab.scenarios import check_files

    good, errors = check_files(paths)
    for error in errors:
        for problem in error.problems():
            click.echo(problem.message, err=True)
    if errors:
        click.echo(f"uxlab: {len(errors)} scenario file(s) refused; nothing stored", err=True)
        sys.exit(1)
    return good


@scenarios_group.command("check", help="Validate scenario files (or folders of them); store nothing.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@friendly_errors
def scenarios_check(paths: tuple[Path, ...]) -> None:
    for path, scenario in _checked_scenarios(paths):
        click.echo(f"{path}: ok ({scenario.slug}, {len(scenario.tasks)} tasks)")


@scenarios_group.command(
    "load", help="Store scenario files as study versions (all are checked first; a refusal stores none)."
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@friendly_errors
def scenarios_load(paths: tuple[Path, ...]) -> None:
    from uxlab import studies as study_store
    from uxlab.db import get_session

    checked = _checked_scenarios(paths)
    app = make_app()
    try:
        with app.app_context():
            for path, scenario in checked:
                version, created = study_store.store_scenario(get_session(), scenario, source_path=str(path))
                state = "stored version {}" if created else "unchanged (version {})"
                click.echo(f"{scenario.slug}: {state.format(version.number)}")
    finally:
        app.extensions["uxlab.engine"].dispose()


from uxlab.probe.cli import probe as _probe_command  # noqa: E402
from uxlab.probe.cli import tokens as _tokens_group  # noqa: E402

cli.add_command(_probe_command)
cli.add_command(_tokens_group)

from uxlab.report_pdf import report as _report_command  # noqa: E402

cli.add_command(_report_command)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()

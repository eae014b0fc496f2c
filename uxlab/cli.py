"""The ``uxlab`` command: thin click commands over the same functions the web uses.

Every command that touches the database builds the app with ``create_app()`` (settings
from UXLAB_* variables) and runs inside its app context. A UxlabError becomes a one-line
message on stderr and a non-zero exit status; users never see a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask

from uxlab.errors import UxlabError

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn a UxlabError into ``uxlab: <message>`` and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UxlabError as error:
            click.echo(f"uxlab: {error.message}", err=True)
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


def main() -> None:
    cli()


if __name__ == "__main__":
    main()

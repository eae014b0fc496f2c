"""The one shape of a ``uxlab`` command: errors as one line and an exit code, the app built and disposed."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import click

from uxlab.errors import ServiceUnavailable, UxlabError

CLI_ACTOR = "(command line)"  # who the audit trail names for a change made from a shell

if TYPE_CHECKING:
    from flask import Flask

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a UxlabError raised by ``func`` as ``uxlab: <message>`` lines on stderr; exit with its code."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except UxlabError as error:
            for line in error.cli_lines():
                click.echo(line, err=True)
            sys.exit(error.exit_code)

    return run


def with_app(func: Callable[Concatenate[Flask, P], R]) -> Callable[P, R]:
    """Run ``func(app, ...)`` in the context of an app built from the UXLAB_* settings.

    A database without this uxlab's tables, or behind its latest migration, stops the
    command before it starts, saying to run ``uxlab db upgrade`` (``check_database``). The
    engine is disposed afterwards, however the command ends, so no connection outlives it;
    errors are reported as by ``reports_errors``.
    """
    return _in_app(func, bulk=False, schema=True)


def with_bulk_app(func: Callable[Concatenate[Flask, P], R]) -> Callable[P, R]:
    """``with_app`` for commands that read or delete in bulk (export, report, sweep, deletion).

    DB_STATEMENT_TIMEOUT_S exists so a web request answers 503 before gunicorn kills its
    worker; an export of a million attempts may rightly run longer. These commands run
    without it, unless UXLAB_DB_STATEMENT_TIMEOUT_S is set.
    """
    return _in_app(func, bulk=True, schema=True)


def with_migrating_app(func: Callable[Concatenate[Flask, P], R]) -> Callable[P, R]:
    """``with_app`` for the commands that bring the schema up to date themselves (db upgrade, demo)."""
    return _in_app(func, bulk=False, schema=False)


def check_database(*, schema: bool = True) -> None:
    """Connect first, so that whatever refuses this database (no such database, a file that is
    not SQLite's) is one line; with ``schema``, refuse as one line a database without this
    uxlab's tables or behind its latest migration."""
    from flask import current_app
    from sqlalchemy.exc import DBAPIError

    from uxlab import db

    where = db.masked_url(db.database_url(current_app))
    try:
        with db.get_engine().connect() as connection:
            problem = db.schema_problem(connection) if schema else None
    except db.DATABASE_UNAVAILABLE:
        raise  # reported by _in_app, as during the command
    except DBAPIError as error:
        raise UxlabError(f"cannot use the database {where}: {db.error_line(error)}") from None
    if problem:
        raise UxlabError(f"the database {where} {problem}; run `uxlab db upgrade`")


def _in_app(func: Callable[Concatenate[Flask, P], R], *, bulk: bool, schema: bool) -> Callable[P, R]:
    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        # Imported here: ``uxlab --help`` and ``uxlab probe`` need no web app.
        from uxlab import db

        unlimited = bulk and "UXLAB_DB_STATEMENT_TIMEOUT_S" not in os.environ
        app = _create_app({"DB_STATEMENT_TIMEOUT_S": 0} if unlimited else None)
        where = db.masked_url(db.database_url(app))
        try:
            with app.app_context():
                check_database(schema=schema)
                return func(app, *args, **kwargs)
        except db.DATABASE_UNAVAILABLE as error:
            raise ServiceUnavailable(f"the database {where} is unavailable: {db.error_line(error)}") from None
        finally:
            app.extensions["uxlab.engine"].dispose()

    return reports_errors(run)


def _create_app(test_config: dict[str, object] | None) -> Flask:
    """``create_app``; a UXLAB_DATABASE_URL it cannot use (not a URL, no such driver) is a UxlabError."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    from uxlab.app import create_app

    url = os.environ.get("UXLAB_DATABASE_URL", "")
    if url:
        try:
            make_url(url)
        except (ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
            raise _unusable_url(url, error) from None
    try:
        return create_app(test_config)
    except (ArgumentError, ImportError) as error:  # no such dialect, or its driver is not installed
        if not url:
            raise
        raise _unusable_url(url, error) from None


def _unusable_url(url: str, error: Exception) -> UxlabError:
    from uxlab.db import error_line, masked_url

    return UxlabError(
        f"cannot use UXLAB_DATABASE_URL {masked_url(url)!r}: {error_line(error)} (expected "
        "DIALECT+DRIVER://USER:PASSWORD@HOST:PORT/NAME, e.g. postgresql+psycopg://uxlab@db/uxlab, "
        "or sqlite:////var/lib/uxlab/uxlab.sqlite)"
    )

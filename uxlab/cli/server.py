"""``uxlab db``, ``serve``, ``demo`` and ``users``: the database, the server and researcher accounts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from uxlab.cli.command import CLI_ACTOR, check_database, with_app, with_migrating_app

if TYPE_CHECKING:
    from flask import Flask  # annotations only: `uxlab probe` starts without Flask


# A larger number is taken modulo 65536 by the socket layer: --port 70000 served on 4464.
PORT = click.IntRange(0, 65535)  # 0: a free port the system picks


@click.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create or migrate the database schema to the latest version.")
@with_migrating_app
def db_upgrade(app: Flask) -> None:
    from uxlab import db as database

    database.upgrade(database.get_engine())
    # the URL may hold a password, and this line lands in deployment and CI logs
    click.echo(f"database at {database.masked_url(database.database_url(app))} is up to date")


@click.command(
    help="Serve uxlab (development server; use gunicorn 'uxlab.wsgi:app' in production). "
    "Refuses a database without uxlab's tables or behind the latest migration: run 'uxlab db upgrade'."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
@with_app
def serve(app: Flask, host: str, port: int) -> None:
    from uxlab.app import require_secret_key

    # Each request runs in a thread of its own, with its own app context.
    require_secret_key(app).run(host=host, port=port)


@click.command(help="Set up and serve the demo: schema, scenarios/*.yaml, a researcher account, demo data.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
@click.option(
    "--scenarios",
    "scenario_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of scenario files to load (default: the demo studies shipped with uxlab).",
)
@click.option(
    "--no-data", is_flag=True, help="Do not record the synthetic demo participants and probe builds."
)
@click.option(
    "--remove-data",
    is_flag=True,
    help="Delete the synthetic demo participants, builds and variant study, then exit.",
)
@with_migrating_app
def demo(
    app: Flask, host: str, port: int, scenario_dir: Path | None, no_data: bool, remove_data: bool
) -> None:
    from uxlab.db import get_session
    from uxlab.demo.data import remove_demo_data
    from uxlab.demo.setup import prepare_demo

    if remove_data:
        check_database()  # only the demo itself upgrades the database
        removed = remove_demo_data(get_session())
        click.echo(
            f"removed {removed} demo participants, their builds and variant study"
            if removed
            else "no demo data to remove"
        )
        return
    if not os.environ.get("UXLAB_PUBLIC_URL"):
        app.config["PUBLIC_URL"] = f"http://{host}:{port}"
    if not no_data:
        click.echo("Preparing the demo (the first run records a few hundred demo participants)…", err=True)
    setup = prepare_demo(app, scenario_dir, with_data=not no_data)
    click.echo("uxlab demo is ready.")
    if setup.secret_key_file:
        click.echo(f"  Secret key: generated for this instance, kept in {setup.secret_key_file}")
    if setup.demo_participants:
        click.echo(
            f"  Demo data: {setup.demo_participants} synthetic participants "
            "(remove them: uxlab demo --remove-data)"
        )
    for url in setup.participant_urls:
        click.echo(f"  Participant link:  {url}")
    click.echo(f"  Researcher login:  {setup.login_url}")
    if setup.email:
        click.echo(f"    email:     {setup.email}")
        click.echo(f"    password:  {setup.password}   (a new one on every `uxlab demo`)")
    else:
        click.echo("    sign in with your admin account (`uxlab users create EMAIL --role admin` makes one)")
    app.run(host=host, port=port)


@click.group(help="Researcher accounts.")
def users() -> None:
    pass


ROLE_CHOICE = click.Choice(["admin", "researcher"])  # uxlab.auth.ROLES (not imported: --help stays fast)


@users.command("create", help="Create an account (the password is asked for twice).")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option(
    "--role",
    type=ROLE_CHOICE,
    default=None,
    help="admin: accounts, audit trail, every study; researcher: own and shared studies. "
    "Default: admin for the first account, researcher after it.",
)
@with_app
def users_create(_app: Flask, email: str, password_stdin: bool, role: str | None) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    user = auth.create_user(get_session(), email, _read_password(password_stdin), role)
    click.echo(f"created {user.role} account {user.email}")


@users.command("set-password", help="Give an existing researcher account a new password.")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@with_app
def users_set_password(_app: Flask, email: str, password_stdin: bool) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    user = auth.set_password(get_session(), email, _read_password(password_stdin))
    click.echo(f"changed the password of {user.email}")
    if user.disabled_at is not None:  # a new password alone does not let it sign in
        click.echo(f"{user.email} is disabled; `uxlab users enable {user.email}` lets it sign in again")


@users.command("list", help="List accounts: email, created, active or disabled, role.")
@with_app
def users_list(_app: Flask) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    for user in auth.list_users(get_session()):
        state = f"disabled {user.disabled_at:%Y-%m-%d}" if user.disabled_at else "active"
        click.echo(f"{user.email}\tcreated {user.created_at:%Y-%m-%d}\t{state}\t{user.role}")


@users.command("role", help="Make an account an admin or a researcher (the last active admin stays one).")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@with_app
def users_role(_app: Flask, email: str, role: str) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    user = auth.set_role(get_session(), email, role, actor=CLI_ACTOR)
    click.echo(f"{user.email} is now {'an' if user.role == 'admin' else 'a'} {user.role}")


@users.command("disable", help="Stop an account from signing in and end its sessions.")
@click.argument("email")
@with_app
def users_disable(_app: Flask, email: str) -> None:
    from uxlab import auth
    from uxlab.db import get_session

    user = auth.disable_user(get_session(), email)
    click.echo(f"disabled {user.email}; its sessions are ended")


@users.command("enable", help="Let a disabled account sign in again (with its current password).")
@click.argument("email")
@with_app
def users_enable(_app: Flask, email: str) -> None:
    from uxlab import audit, auth
    from uxlab.db import get_session

    db = get_session()
    user = auth.get_user(db, email)
    if user.disabled_at is None:
        click.echo(f"{user.email} is not disabled; nothing changed")
        return
    # a plain update: no last-admin check, no sessions to end (auth.py is at its 300 lines)
    user.disabled_at = None
    db.add(user)
    audit.record(db, "account_enabled", actor=CLI_ACTOR, detail=user.email)
    click.echo(f"enabled {user.email}; it may sign in again")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


COMMANDS = (db, serve, demo, users)

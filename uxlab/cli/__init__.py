"""The ``uxlab`` command: thin click commands over the same functions the web uses.

Every command has one shape (``uxlab.cli.command``): declare its options, then run under
``with_app``, which builds the app from the UXLAB_* settings, runs the command in its
app context, turns a UxlabError into ``uxlab: <message>`` on stderr and its exit code,
and disposes the database engine. Users never see a traceback.

    server.py   db upgrade, serve, demo, users
    studies.py  studies, scenarios, tokens
    results.py  export, report
    sweep.py    sweep (abandoned attempts, retention)
    participants.py  participants delete
    uxlab.probe.cli  probe (runs without the app: a probe needs no database)
"""

from __future__ import annotations

import click

from uxlab.cli import participants, results, server, studies, sweep
from uxlab.probe.cli import probe


@click.group(help="uxlab: unmoderated usability testing and UX measurement.")
@click.version_option(package_name="uxlab")
def cli() -> None:
    pass


COMMAND_MODULES = (server, studies, results, sweep, participants)
for command in (*(c for module in COMMAND_MODULES for c in module.COMMANDS), probe):
    cli.add_command(command)


def main() -> None:
    cli()

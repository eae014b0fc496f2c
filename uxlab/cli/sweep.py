"""``uxlab sweep``: end abandoned attempts and apply retention now (for cron, or SWEEP_INTERVAL_S=0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from uxlab.cli.command import with_bulk_app

if TYPE_CHECKING:
    from flask import Flask  # annotations only: `uxlab probe` starts without Flask


@click.command(
    "sweep",
    help="End running attempts past their time limit plus CLOCK_TOLERANCE_S as abandoned timeouts, "
    "and delete the raw events of attempts older than their study's site.retention_days. "
    "Safe beside running servers and other sweeps.",
)
@click.option("--study", "slug", default=None, help="Only this study's attempts (its slug).")
@with_bulk_app
def sweep(_app: Flask, slug: str | None) -> None:
    from uxlab import studies
    from uxlab.db import get_session
    from uxlab.participants.retention import delete_old_events
    from uxlab.participants.sweep import end_overdue

    db = get_session()
    study_id = studies.get_study(db, slug).id if slug else None
    click.echo(f"ended {end_overdue(db, study_id=study_id)} abandoned attempts")
    deleted = delete_old_events(db, study_id=study_id)
    click.echo(f"deleted {deleted} tracker events past their study's retention_days")


COMMANDS = (sweep,)

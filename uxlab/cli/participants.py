"""``uxlab participants delete ID``: remove every row of one participant (uxlab.participants.deletion);
``exclude ID --reason ...`` / ``include ID``: leave one out of the reports, or bring them back
(uxlab.participants.exclusions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from uxlab.cli.command import with_app, with_bulk_app

if TYPE_CHECKING:
    from flask import Flask  # annotations only: `uxlab probe` starts without Flask


@click.group(
    "participants",
    help="Participants of studies: exclude one from the reports, include again, delete on request.",
)
def participants() -> None:
    pass


@participants.command(
    "delete",
    help="Delete every row of the participant PUBLIC_ID (the exports' participant column): session, "
    "attempts, tracker events, answers, screening. Quota counts stay. Writes an audit row.",
)
@click.argument("public_id")
@click.option(
    "--study", "slug", default=None, help="Refuse unless the participant is in this study (its slug)."
)
@with_bulk_app
def delete(_app: Flask, public_id: str, slug: str | None) -> None:
    from uxlab.db import get_session
    from uxlab.participants.deletion import delete_participant

    counts = delete_participant(get_session(), public_id, study_slug=slug, actor="uxlab participants delete")
    click.echo(f"deleted participant {public_id}: {counts.describe()}")


@participants.command(
    "exclude",
    help="Leave the participant PUBLIC_ID out of every report figure and download (nothing is deleted; "
    "`include` undoes it). Writes an audit row with the reason.",
)
@click.argument("public_id")
@click.option("--reason", required=True, help="Why (shown in the report and the exports), e.g. 'speeder'.")
@click.option("--study", "slug", default=None, help="Refuse unless the participant is in this study.")
@with_app
def exclude(_app: Flask, public_id: str, reason: str, slug: str | None) -> None:
    from uxlab.db import get_session
    from uxlab.participants.exclusions import exclude as exclude_participant

    exclude_participant(get_session(), public_id, reason, study_slug=slug, actor="uxlab participants exclude")
    click.echo(f"excluded participant {public_id}")


@participants.command("include", help="Count the excluded participant PUBLIC_ID in the reports again.")
@click.argument("public_id")
@click.option("--study", "slug", default=None, help="Refuse unless the participant is in this study.")
@with_app
def include(_app: Flask, public_id: str, slug: str | None) -> None:
    from uxlab.db import get_session
    from uxlab.participants.exclusions import include as include_participant

    reason = include_participant(
        get_session(), public_id, study_slug=slug, actor="uxlab participants include"
    )
    click.echo(f"included participant {public_id} again (was excluded: {reason})")


COMMANDS = (participants,)

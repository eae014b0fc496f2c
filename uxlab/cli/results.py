"""``uxlab export`` and ``uxlab report``: a study's raw rows as CSV or JSON, its dashboard as a PDF."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from uxlab.cli.command import with_bulk_app
from uxlab.errors import BadRequest, ProbeError, UxlabError

if TYPE_CHECKING:
    from flask import Flask  # annotations only: `uxlab probe` starts without Flask


@click.command(
    "export",
    help="Write a study's attempts, questionnaire responses, answers to its own questions and participant "
    "sessions as CSV or JSON.",
)
@click.argument("study")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--what",
    type=click.Choice(["all", "attempts", "responses", "questions", "sessions"]),
    default="all",
    show_default=True,
    help="Which table; CSV with 'all' writes attempts, responses, questions and sessions, each with its "
    "header row, one empty line between.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@with_bulk_app
def export(_app: Flask, study: str, fmt: str, what: str, output: Path | None) -> None:
    from uxlab.db import get_session
    from uxlab.reports import export as exporter

    if output is None:
        _end_abandoned(study)
        with _utf8_stdout(sys.stdout) as out:
            exporter.export_study(get_session(), study, out, fmt, what)
        return
    _require_writable(output, "--output")
    _end_abandoned(study)
    # Written beside the target and renamed at the end: a failed export leaves no file.
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            rows = exporter.export_study(get_session(), study, out, fmt, what)
        partial.replace(output)
    except OSError as error:  # a full disk, or the folder gone since the check
        raise UxlabError(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"wrote {rows} rows to {output}", err=True)


# The web query's filter names that `uxlab report` spells differently.
OPTION_OF_FILTER = {"finished": "--finished-only", "excluded": "--with-excluded"}


@click.command("report", help="Write a study's dashboard as a PDF (rendered by Chromium).")
@click.argument("study")
@click.option(
    "--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PDF file."
)
@click.option("--device", type=click.Choice(["desktop", "phone", "tablet"]), help="Only this device class.")
@click.option("--since", help="Only sessions from this day (YYYY-MM-DD).")
@click.option("--until", help="Only sessions up to this day (YYYY-MM-DD).")
@click.option("--version", "version", help="Only this study version.")
@click.option("--language", help="Only participants who took the study in this language (en, de, ru).")
@click.option("--outcome", help="Only attempts that ended so: success, failure, give_up or timeout.")
@click.option("--task", help="Only this task (its id).")
@click.option("--link", help="Only participants whose captured link parameter has this value: NAME:VALUE.")
@click.option("--finished-only", "finished", is_flag=True, help="Only participants who finished the study.")
@click.option("--with-excluded", "excluded", is_flag=True, help="Count excluded participants too.")
@with_bulk_app
def report(app: Flask, study: str, pdf_path: Path, **filters: str | bool | None) -> None:
    from uxlab.probe.browser import open_pdf_browser
    from uxlab.probe.loop import run_to_end
    from uxlab.probe.pdf import html_to_pdf
    from uxlab.reports.filters import Filters
    from uxlab.reports.pdf import report_html

    _require_writable(pdf_path, "--pdf")
    _end_abandoned(study)
    # as the web pages' query: a check box is "1" when on
    args = {k: "1" if v is True else str(v or "") for k, v in filters.items()}
    try:
        chosen = Filters.from_args(args)
    except BadRequest as error:  # worded for the web's query: name the option instead
        field = error.field or ""
        option = OPTION_OF_FILTER.get(field, "--" + field)
        raise UxlabError(option + error.message.removeprefix(field)) from None
    html = report_html(app, study, chosen)

    async def render() -> None:
        async with open_pdf_browser(str(app.config["CHROMIUM_PATH"] or "")) as browser:
            await html_to_pdf(browser, html, pdf_path)

    try:
        run_to_end(render)
    except ProbeError as error:  # exit status 2 is the probe's "could not run"; a report's is 1
        raise UxlabError(error.message) from None
    click.echo(f"wrote {pdf_path}", err=True)


@contextmanager
def _utf8_stdout(stdout: TextIO) -> Iterator[TextIO]:
    """Standard output as UTF-8 with "\n" line ends, whatever the locale: the bytes ``--output``
    writes, and what a CSV or JSON reader expects. A stream without bytes underneath that is not
    UTF-8 is a one-line error before any output."""
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:  # a text-only stream put in place of standard output
        encoding = getattr(stdout, "encoding", None) or "utf-8"
        if codecs.lookup(encoding).name != "utf-8":
            raise UxlabError(f"standard output is {encoding}, not UTF-8; use --output FILE")
        yield stdout
        return
    stdout.flush()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        yield out
    finally:
        out.flush()
        out.detach()  # standard output stays open for what comes after


def _end_abandoned(slug: str) -> None:
    """End the study's abandoned attempts before its results are read, as the dashboard does."""
    from uxlab.db import get_session
    from uxlab.participants.sweep import end_overdue_of

    end_overdue_of(get_session(), slug)


def _require_writable(path: Path, option: str) -> None:
    """Refuse, before any work, a file that cannot be written (no such folder, no permission)."""
    from uxlab.probe.preflight import unwritable

    why = unwritable(path)
    if why:
        raise UxlabError(f"{option} {path}: {why}")


COMMANDS = (export, report)

"""The printable report: the study dashboard as one self-contained HTML document, and ``uxlab report``.

The HTML is the dashboard template rendered outside a request's login (the command line
has database access anyway), with the stylesheets inlined so Chromium needs no server;
``uxlab.probe.pdf`` prints it with the print stylesheet.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, render_template

from uxlab.charts.report import dashboard_charts, history_charts
from uxlab.db import get_session
from uxlab.summary import build_summary
from uxlab.summary_types import Filters

STYLESHEETS = ("uxlab.css", "researcher.css", "reports.css")


def report_html(app: Flask, slug: str, filters: Filters | None = None) -> str:
    """The dashboard of ``slug`` as a standalone HTML document (NotFound for an unknown study)."""
    static = Path(app.static_folder or "")
    css = "\n".join((static / name).read_text(encoding="utf-8") for name in STYLESHEETS)
    with app.test_request_context(f"/studies/{slug}/summary"):
        summary = build_summary(get_session(), slug, filters)
        html = render_template(
            "reports/print.html", s=summary, charts=dashboard_charts(summary), history=history_charts(summary)
        )
    head = '<link rel="stylesheet" href="'
    start = html.find(head)
    while start != -1:  # replace the stylesheet links by the inlined CSS
        end = html.index(">", start) + 1
        html = html[:start] + html[end:]
        start = html.find(head)
    return html.replace("</head>", f"<style>{css}</style></head>", 1)


@click.command("report", help="Write a study's dashboard as a PDF (rendered by Chromium).")
@click.argument("study")
@click.option(
    "--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PDF file."
)
@click.option("--device", type=click.Choice(["desktop", "phone", "tablet"]), help="Only this device class.")
@click.option("--since", help="Only sessions from this day (YYYY-MM-DD).")
@click.option("--until", help="Only sessions up to this day (YYYY-MM-DD).")
@click.option("--version", "version", help="Only this study version.")
def report(study: str, pdf_path: Path, **filters: str | None) -> None:
    from uxlab.cli import friendly_errors, make_app
    from uxlab.probe.browser import open_browser
    from uxlab.probe.loop import run_to_end
    from uxlab.probe.pdf import html_to_pdf

    @friendly_errors
    def run() -> None:
        app = make_app()
        try:
            html = report_html(app, study, Filters.from_args({k: v or "" for k, v in filters.items()}))
        finally:
            app.extensions["uxlab.engine"].dispose()

        async def render() -> None:
            async with open_browser() as browser:
                await html_to_pdf(browser, html, pdf_path)

        run_to_end(render)
        click.echo(f"wrote {pdf_path}", err=True)

    run()

"""The printable report: the study dashboard and journey map as one self-contained PDF.

``print_html`` renders ``reports/print.html`` with the stylesheets inlined, so Chromium needs
no server; ``render_pdf`` hands it to ``uxlab.probe.pdf``, which prints it with the print
stylesheet, page numbers in the footer, within ``PDF_TIMEOUT_S``. The summary page's
"Download PDF" (``/studies/<slug>/summary.pdf``, the page's filters) and ``uxlab report``
both use it; ``report_html`` renders outside a request for the command line.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

from flask import Flask, current_app, render_template

from uxlab.db import get_session
from uxlab.errors import ProbeError, ServiceUnavailable
from uxlab.reports.charts import dashboard_charts, history_charts
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary
from uxlab.reports.types import STAGES, CXSummary

STYLESHEETS = ("uxlab.css", "researcher.css", "reports.css")
PDF_TIMEOUT_S = 60  # Chromium's start and print; beyond it the page says so (503)
PDF_RETRY_AFTER_S = 30  # a print takes a few seconds; by then a slot is likely free


def print_html(summary: CXSummary) -> str:
    """The summary as a standalone HTML document (needs an app and request context)."""
    static = Path(current_app.static_folder or "")
    css = "\n".join((static / name).read_text(encoding="utf-8") for name in STYLESHEETS)
    stages = {stage.stage: stage for stage in summary.stages}
    html = render_template(
        "reports/print.html",
        s=summary,
        charts=dashboard_charts(summary),
        history=history_charts(summary),
        stages=stages,
        stage_names=STAGES,
    )
    head = '<link rel="stylesheet" href="'
    start = html.find(head)
    while start != -1:  # replace the stylesheet links by the inlined CSS
        end = html.index(">", start) + 1
        html = html[:start] + html[end:]
        start = html.find(head)
    return html.replace("</head>", f"<style>{css}</style></head>", 1)


def report_html(app: Flask, slug: str, filters: Filters | None = None) -> str:
    """The report of ``slug`` as a standalone HTML document, outside a request (NotFound for an
    unknown study). The caller ends the study's abandoned attempts first (``sweep.end_overdue``,
    a layer above this one), as ``uxlab report`` and the summary page's PDF do."""
    with app.test_request_context(f"/studies/{slug}/summary"):
        return print_html(build_summary(get_session(), slug, filters))


def print_slots() -> threading.BoundedSemaphore:
    """This app's (so this process's) ``PDF_AT_ONCE`` slots for printing.

    Each print starts a Chromium (a few hundred MB, a core for a second or more), so without
    a bound a few researchers pressing "Download PDF" again and again, or a script, would
    exhaust the server's memory; beyond the slots a request answers 503 at once.
    """
    slots: threading.BoundedSemaphore | None = current_app.extensions.get("uxlab.pdf_slots")
    if slots is None:
        at_once = int(current_app.config["PDF_AT_ONCE"])
        if at_once <= 0:
            raise ServiceUnavailable(
                "This server prints no PDF reports (UXLAB_PDF_AT_ONCE is 0); print the summary page "
                "from the browser, or run `uxlab report STUDY --pdf FILE` on the server."
            )
        slots = current_app.extensions.setdefault("uxlab.pdf_slots", threading.BoundedSemaphore(at_once))
    return slots


def render_pdf(html: str, timeout_s: float = PDF_TIMEOUT_S, chromium: str = "") -> bytes:
    """Print ``html`` to PDF bytes with Chromium, in one of ``print_slots``;
    ServiceUnavailable when every slot is taken, Chromium cannot start or the print takes
    longer than ``timeout_s``."""
    slots = print_slots()
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable(
            "Other PDFs are being printed on this server right now; try again in a minute.",
            retry_after_s=PDF_RETRY_AFTER_S,
        )
    try:
        return _render_pdf(html, timeout_s, chromium)
    finally:
        slots.release()


def _render_pdf(html: str, timeout_s: float, chromium: str) -> bytes:
    # imported here: the web app starts without loading Playwright until a PDF is asked for
    from uxlab.probe.browser import open_pdf_browser
    from uxlab.probe.loop import run_to_end
    from uxlab.probe.pdf import html_to_pdf

    async def render(output: Path) -> None:
        async with open_pdf_browser(chromium) as browser:
            await html_to_pdf(browser, html, output)

    with tempfile.TemporaryDirectory(prefix="uxlab-pdf-") as folder:
        output = Path(folder) / "report.pdf"
        try:
            run_to_end(lambda: asyncio.wait_for(render(output), timeout_s))
        except ProbeError as error:
            raise ServiceUnavailable(f"The PDF cannot be made on this server: {error.message}.") from None
        except TimeoutError:
            raise ServiceUnavailable(
                f"The PDF took longer than {timeout_s:g} s to print; try again, or with fewer results "
                "(filters)."
            ) from None
        return output.read_bytes()

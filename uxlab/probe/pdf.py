"""Print an HTML document to PDF with Chromium (the caller owns the browser).

The document is the report, which holds what participants typed and what sites sent. All of
it is escaped, but as a second line of defence Chromium prints it with JavaScript off and no
network: every request the page makes (an image, a stylesheet, a font, a frame) is aborted
before it leaves the browser, and what Chromium fetches or connects to itself, which no
route sees (the favicon, a preconnect), goes to a proxy port nobody listens on. The report
needs neither: its stylesheets are inlined, its charts inline SVG, its fonts the system's,
and the footer's page numbers are filled in by Chromium's printing, not by a script.
"""

from __future__ import annotations

import socket
from pathlib import Path

from playwright.async_api import Browser, ProxySettings, Route

from uxlab.probe.browser import while_connected

# Chromium fills the spans of these classes in on every page (the footer: "Page 2 of 5")
FOOTER = (
    '<div style="font: 8pt sans-serif; color: #444; width: 100%; text-align: center;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)


async def html_to_pdf(browser: Browser, html: str, output: Path) -> None:
    """Render self-contained ``html`` (inline CSS and SVG) with the print stylesheet into ``output``
    (A4, page numbers in the footer), offline and without scripts; ProbeError if the browser
    dies meanwhile."""
    await while_connected([browser], _print(browser, html, output))


async def _refuse(route: Route) -> None:
    await route.abort("blockedbyclient")


async def _print(browser: Browser, html: str, output: Path) -> None:
    # The proxy: a port this process holds, bound but not listening, so a connection to it is
    # refused at once and no other program can listen there meanwhile (Playwright sends
    # loopback addresses through the proxy too).
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.1", 0))
        proxy = ProxySettings(server=f"http://127.0.0.1:{refusing.getsockname()[1]}")
        context = await browser.new_context(java_script_enabled=False, proxy=proxy)
        try:
            await context.route("**/*", _refuse)  # before the page exists: none of its requests escapes
            page = await context.new_page()
            await page.set_content(html, wait_until="load")
            await page.emulate_media(media="print")
            await page.pdf(
                path=str(output),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "12mm", "bottom": "16mm", "left": "10mm", "right": "10mm"},
            )
        finally:
            await context.close()

"""Print an HTML document to PDF with Chromium (the caller owns the browser)."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser

from uxlab.probe.browser import while_connected

# Chromium fills the spans of these classes in on every page (the footer: "Page 2 of 5")
FOOTER = (
    '<div style="font: 8pt sans-serif; color: #444; width: 100%; text-align: center;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)


async def html_to_pdf(browser: Browser, html: str, output: Path) -> None:
    """Render self-contained ``html`` (inline CSS and SVG) with the print stylesheet into ``output``
    (A4, page numbers in the footer); ProbeError if the browser dies meanwhile."""
    await while_connected([browser], _print(browser, html, output))


async def _print(browser: Browser, html: str, output: Path) -> None:
    context = await browser.new_context()
    try:
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

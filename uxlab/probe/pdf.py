"""Print an HTML document to PDF with Chromium (the caller owns the browser)."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser


async def html_to_pdf(browser: Browser, html: str, output: Path) -> None:
    """Render self-contained ``html`` (inline CSS and SVG) with the print stylesheet into ``output`` (A4)."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.set_content(html, wait_until="load")
        await page.emulate_media(media="print")
        await page.pdf(
            path=str(output),
            format="A4",
            print_background=True,
            margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
        )
    finally:
        await context.close()

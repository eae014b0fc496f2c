"""Launch the one shared headless Chromium a probe run uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, async_playwright

from uxlab.config import CHROMIUM_ARGS, chromium_path
from uxlab.errors import ProbeError


@asynccontextmanager
async def open_browser(executable: str = "") -> AsyncIterator[Browser]:
    """Yield a headless Chromium (UXLAB_CHROMIUM_PATH, Debian's, else Playwright's); ProbeError if none."""
    path = chromium_path(executable)
    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ProbeError(
                f"cannot start Chromium ({path or 'Playwright build'}): {first}; "
                "install chromium or set UXLAB_CHROMIUM_PATH"
            ) from None
        try:
            yield browser
        finally:
            await browser.close()

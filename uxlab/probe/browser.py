"""Launch the headless Chromiums a probe run uses (one per run in flight: each traces one page),
and the one that prints a PDF report."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, async_playwright

from uxlab.config import CHROMIUM_ARGS, chromium_path
from uxlab.errors import ProbeError


@asynccontextmanager
async def open_browser(executable: str = "") -> AsyncIterator[Browser]:
    """Yield a headless Chromium for probing (UXLAB_CHROMIUM_PATH, Debian's headless shell or
    chromium, else Playwright's); ProbeError if none."""
    async with open_browsers(executable, 1) as browsers:
        yield browsers[0]


@asynccontextmanager
async def open_pdf_browser(executable: str = "") -> AsyncIterator[Browser]:
    """Yield the Chromium that prints reports: ``executable`` (UXLAB_CHROMIUM_PATH), else the
    full browser, as the settings table says (the headless shell only when it is the one
    installed); ProbeError if none."""
    async with open_browsers(executable, 1, probe=False) as browsers:
        yield browsers[0]


@asynccontextmanager
async def open_browsers(
    executable: str = "", count: int = 1, *, probe: bool = True
) -> AsyncIterator[list[Browser]]:
    """Yield ``count`` headless Chromiums, launched at once (each one traces one page at a time).

    ``probe``: prefer the headless shell (``uxlab.config.chromium_path``). A configured
    ``executable`` that does not exist is refused before Playwright starts.
    """
    if executable and not os.path.isfile(executable):
        raise ProbeError(
            f"no Chromium at {executable} (UXLAB_CHROMIUM_PATH): set it to a Chromium binary, "
            "or leave it empty for the installed one"
        )
    path = chromium_path(executable, probe=probe)
    async with async_playwright() as pw:
        launches = [
            pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
            for _ in range(max(1, count))
        ]
        results = await asyncio.gather(*launches, return_exceptions=True)
        browsers = [b for b in results if isinstance(b, Browser)]
        try:
            failed = next((e for e in results if isinstance(e, BaseException)), None)
            if failed is not None:
                first = str(failed).strip().splitlines()[0] if str(failed).strip() else type(failed).__name__
                raise ProbeError(
                    f"cannot start Chromium ({path or 'Playwright build'}): {first}; "
                    "install chromium or set UXLAB_CHROMIUM_PATH"
                )
            yield browsers
        finally:
            await asyncio.gather(*(b.close() for b in browsers), return_exceptions=True)

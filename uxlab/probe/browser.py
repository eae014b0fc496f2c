"""Launch the headless Chromiums a probe run uses (one per run in flight: each traces one page)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, async_playwright

from uxlab.config import CHROMIUM_ARGS, chromium_path
from uxlab.errors import ProbeError


@asynccontextmanager
async def open_browser(executable: str = "") -> AsyncIterator[Browser]:
    """Yield a headless Chromium (UXLAB_CHROMIUM_PATH, Debian's headless shell or chromium, else
    Playwright's); ProbeError if none."""
    async with open_browsers(executable, 1) as browsers:
        yield browsers[0]


@asynccontextmanager
async def open_browsers(executable: str = "", count: int = 1) -> AsyncIterator[list[Browser]]:
    """Yield ``count`` headless Chromiums, launched at once (each one traces one page at a time)."""
    path = chromium_path(executable, probe=True)
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

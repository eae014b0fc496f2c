"""Launch the headless Chromiums a probe run uses (one per run in flight: each traces one page),
and the one that prints a PDF report."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any, TypeVar

from playwright._impl._errors import TargetClosedError  # playwright.async_api does not export it
from playwright.async_api import Browser, async_playwright

from uxlab.config import CHROMIUM_ARGS, chromium_path
from uxlab.errors import ProbeError

T = TypeVar("T")
BROWSER_CLOSED = "the browser closed unexpectedly (it crashed or was killed, often for want of memory)"


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
    executable: str = "", count: int = 1, *, probe: bool = True, named_by: str = "UXLAB_CHROMIUM_PATH"
) -> AsyncIterator[list[Browser]]:
    """Yield ``count`` headless Chromiums, launched at once (each one traces one page at a time).

    ``probe``: prefer the headless shell (``uxlab.config.chromium_path``). A configured
    ``executable`` that does not exist is refused before Playwright starts, naming where it
    was set (``named_by``: the setting, or the option that gave it).
    """
    if executable and not os.path.isfile(executable):
        raise ProbeError(
            f"no Chromium at {executable} ({named_by}): set it to a Chromium binary, "
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


async def while_connected(browsers: Sequence[Browser], work: Awaitable[T]) -> T:
    """Return ``work``'s result; ProbeError(BROWSER_CLOSED) as soon as any browser disconnects.

    Playwright can leave a call on a browser that died unanswered (seen: ``new_page``, and
    ``evaluate`` in a run's observation window), and one browser's death would otherwise
    wait on the others' runs; so the first disconnection stops the work. A call it does fail
    fails with TargetClosedError, which reads as the same.
    """
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_disconnected(_: Browser) -> None:
        if not closed.done():
            closed.set_result(None)

    for browser in browsers:
        browser.on("disconnected", on_disconnected)
    task = asyncio.ensure_future(work)
    try:
        either: list[asyncio.Future[Any]] = [task, closed]
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if task.done() and not closed.done():
            try:
                return task.result()
            except TargetClosedError:
                raise ProbeError(BROWSER_CLOSED) from None
        task.cancel()
        with suppress(asyncio.CancelledError, Exception):  # its error is the browser's closing
            await task
        raise ProbeError(BROWSER_CLOSED)
    finally:
        task.cancel()
        closed.cancel()
        for browser in browsers:
            browser.remove_listener("disconnected", on_disconnected)

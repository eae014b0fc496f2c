"""Run a coroutine to the end from synchronous code, whatever loop this thread already runs.

The probe and the PDF renderer use Playwright's async API. Called from a thread that
already runs an event loop (a Jupyter kernel, an async server, or Playwright's sync API
in the same process, as in the test suite), ``asyncio.run`` refuses; there the coroutine
runs on a fresh loop in a worker thread instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_to_end(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Return the result of the coroutine ``make()`` creates, run on a loop of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="uxlab-loop") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()

"""Probe fixtures: the local test pages and one async Chromium per test module."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from tests.probe.sites import serve_test_site

T = TypeVar("T")


class AsyncBrowser:
    """An async Playwright Chromium on its own event loop; ``run`` drives a coroutine to the end."""

    def __init__(self) -> None:
        from uxlab.probe.browser import open_browser

        # The loop runs in a thread of its own: this worker's main thread may already run
        # the sync Playwright of the `browser` fixture, whose loop would refuse a second one.
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._cm = open_browser()
        self.browser = self.run(self._cm.__aenter__())

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        self.run(self._cm.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


@pytest.fixture(scope="module")
def probe_browser() -> Iterator[AsyncBrowser]:
    from uxlab.errors import ProbeError

    try:
        handle = AsyncBrowser()
    except ProbeError as error:
        if "UXLAB_REQUIRE_BROWSER" in __import__("os").environ:
            pytest.fail(error.message)
        pytest.skip(error.message)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def test_site() -> Iterator[str]:
    with serve_test_site() as url:
        yield url


@pytest.fixture
def closed_port_url() -> str:
    """A local URL where nothing listens (a port just bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"

"""Every probe run starts as Lighthouse's does: no connection, cache entry, cookie or storage left.

Lighthouse 13's CLI starts a new Chrome for each run, so its TTFB includes opening a
connection and nothing is cached or stored. uxlab opens a fresh browser context per run
for the same reason. Reusing one page per slot with the cache, cookies and storage
cleared through the DevTools Protocol (Network.clearBrowserCache,
Network.clearBrowserCookies, Storage.clearDataForOrigin) was measured as a speed-up
(bench/RESULTS.md, "probe: context reuse") and kept everything below empty except the
connection: the next run sent its requests on the previous run's keep-alive connection,
which on a remote site takes the TCP and TLS handshakes out of TTFB. This test would
fail on such a reuse.

The server here speaks HTTP/1.1 with keep-alive (the shared test site, HTTP/1.0, closes
every connection, so it cannot show a reused one) and counts connections and requests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from uxlab.probe.measure import measure
from uxlab.scenarios import BUILTIN_PROFILES

pytestmark = pytest.mark.browser

PAGE = (
    b"<!doctype html><title>state</title><p>State.</p><script src='/cached.js'></script>"
    b"<script>fetch('/seen?' + new URLSearchParams({cookie: document.cookie,"
    b" local: localStorage.getItem('k') || '', session: sessionStorage.getItem('k') || ''}));"
    b"document.cookie = 'c=1; max-age=3600'; localStorage.setItem('k', '1');"
    b"sessionStorage.setItem('k', '1');</script>"
)


class _Log:
    def __init__(self) -> None:
        self.connections = 0
        self.paths: list[str] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a client may send its next request on this connection
    log: _Log

    def setup(self) -> None:
        super().setup()
        with self.log.lock:
            self.log.connections += 1

    def do_GET(self) -> None:
        with self.log.lock:
            self.log.paths.append(self.path)
        if self.path == "/cached.js":  # cacheable for an hour, as a static file would be
            self._send(b"window.cachedRan = 1;", "text/javascript", "public, max-age=3600")
        elif self.path == "/page":
            self._send(PAGE, "text/html", "no-store")
        else:
            self._send(b"", "text/plain", "no-store")

    def _send(self, body: bytes, kind: str, cache: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def keep_alive_site() -> Iterator[tuple[str, _Log]]:
    log = _Log()
    handler = type("Handler", (_Handler,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", log
    finally:
        server.shutdown()
        server.server_close()


def test_each_run_opens_its_own_connection_and_finds_nothing_cached_or_stored(  # type: ignore[no-untyped-def]
    probe_browser, keep_alive_site
) -> None:
    base, log = keep_alive_site
    desktop = BUILTIN_PROFILES["desktop"]
    seen = []
    for _ in range(2):
        connections, start = log.connections, len(log.paths)
        probe_browser.run(measure(probe_browser.browser, base + "/page", desktop))
        paths = log.paths[start:]
        seen.append((log.connections - connections, paths))
    for new_connections, paths in seen:
        assert new_connections >= 1, paths  # not the previous run's keep-alive connection
        assert "/cached.js" in paths  # fetched, not served from a cache the last run filled
        assert "/seen?cookie=&local=&session=" in paths  # no cookie, localStorage or sessionStorage

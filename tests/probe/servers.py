"""Small HTTP servers that stand where a uxlab server should be: a proxy's login page, a redirect.

Each answers every request with one fixed status, headers and body, and records what it got.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answering:
    """A running server: its base URL and the requests (method, path, headers) it received."""

    url: str
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


@contextmanager
def answering(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Iterator[Answering]:
    """Serve ``status`` with ``body`` and ``headers`` to every request on a free local port."""
    record: list[tuple[str, str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            record.append((self.command, self.path, dict(self.headers)))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Answering(f"http://127.0.0.1:{server.server_address[1]}", record)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

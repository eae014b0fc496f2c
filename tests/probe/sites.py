"""Local test pages with known page-speed behaviour, served on a free port (tests and bench).

- ``/fast``: text only.
- ``/slow-image``: a 1000x600 image the server holds back for 800 ms (LCP >= 800 ms).
- ``/shift``: 100 ms after first paint, an absolutely positioned 1350x470 box moves down 135 px.
  On the 1350x940 desktop viewport: impact fraction (470 + 135) x 1350 / (1350 x 940) and
  distance fraction 135 / max(1350, 940) (web.dev "Cumulative Layout Shift", layout shift
  score = impact fraction x distance fraction) = 0.6436 x 0.1 = 0.0644.
- ``/shift-after-load-200``, ``-500``, ``-900``: the same box and shift as ``/shift``, made
  200, 500 or 900 ms after the load event (a late banner); each gives ``SHIFT_CLS``.
- ``/lcp-after-load``: text, then 400 ms after the load event a 1000x600 image is added
  (the late LCP candidate: LCP = its paint, after load).
- ``/long-tasks-after-load``: busy loops of 200 ms and 120 ms, started 100 ms and 700 ms
  after the first frame that follows the load event (TBT = (200 - 50) + (120 - 50) = 220 ms).
  Waiting for that frame keeps the first loop after the first paint on a loaded machine too:
  started from ``load`` alone, it once held the paint back (FCP 520 ms), so TBT, which counts
  from FCP, left it out (113 ms against Lighthouse's 228).
- ``/busy``: a 300 ms busy loop in a task 50 ms after first paint (TBT = 300 - 50 = 250 ms).
- ``/heavy``: 200 kB of text plus three 50 kB scripts (slows down under throttling).
- ``/error``: HTTP 500.
- ``/throws``: a script that throws an uncaught error.
- ``/host`` and ``/host-snippet``: the same small article page, the second with the
  tracker snippet ``<script src="/static/tracker.js" defer>`` (cacheable for an hour, as a
  static file would be); ``/host-empty`` the same with an empty deferred script (a control:
  the cost of any extra script tag); ``/host-inline`` runs the snippet inline between two clock reads
  and leaves its execution time in ``window.snippetMs`` (bench/bench_snippet_cost.py).
"""

from __future__ import annotations

import random
import struct
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SHIFT_CLS = (470 + 135) * 1350 / (1350 * 940) * (135 / 1350)

LATE_SHIFT_DELAYS_MS = (200, 500, 900)
STYLE = "<style>html,body{margin:0;overflow:hidden;font:16px sans-serif}</style>"


def _png(width: int, height: int) -> bytes:
    """Return a PNG of seeded noise: Chrome ignores low-entropy images for LCP."""
    rng = random.Random(4)
    rows = b"".join(b"\x00" + rng.randbytes(3 * width) for _ in range(height))
    raw = zlib.compress(rows, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


TRACKER = Path(__file__).resolve().parents[2] / "uxlab" / "static" / "tracker.js"
TIMED_SNIPPET = (
    "<script>window.t0 = performance.now()</script><script>{tracker}</script>"
    "<script>window.snippetMs = performance.now() - window.t0</script>"
)
HOST = (
    f"<!doctype html><html lang=en><title>host</title>{STYLE}{{snippet}}<header><h1>Acme</h1></header>"
    "<main><h2>Article</h2>" + "<p>Some text of the host page, a paragraph long.</p>" * 40 + "</main>"
)
IMAGE = _png(100, 60)  # shown at 1000x600: 18 kB / 600,000 px = 0.24 bits per pixel
PAGES = {
    "/fast": f"<!doctype html><title>fast</title>{STYLE}<h1>Fast page</h1><p>Hello.</p>",
    "/slow-image": (
        f"<!doctype html><title>slow image</title>{STYLE}<p>x</p>"
        '<img src="/image.png?delay=800" width="1000" height="600" alt="a held-back image">'
    ),
    "/shift": (
        f"<!doctype html><title>shift</title>{STYLE}"
        '<div id="box" style="position:absolute;top:0;left:0;width:1350px;height:470px;'
        'background:#369">box</div>'
        # Move only after the first paint: a shift before any frame was painted is not reported.
        "<script>new PerformanceObserver((list, obs) => { obs.disconnect(); setTimeout(() => {"
        "document.getElementById('box').style.top = '135px'; }, 100); })"
        ".observe({type: 'paint', buffered: true});</script>"
    ),
    **{
        f"/shift-after-load-{delay}": (
            f"<!doctype html><title>late shift</title>{STYLE}"
            '<div id="box" style="position:absolute;top:0;left:0;width:1350px;height:470px;'
            'background:#369">box</div>'
            "<script>addEventListener('load', () => setTimeout(() => {"
            f"document.getElementById('box').style.top = '135px'; }}, {delay}));</script>"
        )
        for delay in LATE_SHIFT_DELAYS_MS
    },
    "/lcp-after-load": (
        f"<!doctype html><title>late LCP</title>{STYLE}<p>Text first.</p>"
        "<script>addEventListener('load', () => setTimeout(() => { const img = new Image(1000, 600);"
        "img.alt = 'a late image'; img.src = '/image.png'; document.body.append(img); }, 400));</script>"
    ),
    "/long-tasks-after-load": (
        f"<!doctype html><title>long tasks</title>{STYLE}<h1>Long tasks after load</h1>"
        "<script>const busy = (ms) => { const end = performance.now() + ms;"
        " while (performance.now() < end) {} };"
        "addEventListener('load', () => requestAnimationFrame(() => requestAnimationFrame(() => {"
        " setTimeout(() => busy(200), 100); setTimeout(() => busy(120), 700); })));"
        "</script>"
    ),
    "/busy": (
        f"<!doctype html><title>busy</title>{STYLE}<h1>Busy page</h1>"
        "<script>new PerformanceObserver((list, obs) => { obs.disconnect(); setTimeout(() => {"
        "const end = performance.now() + 300; while (performance.now() < end) {} }, 50); })"
        ".observe({type: 'paint', buffered: true});</script>"
    ),
    "/host": HOST.replace("{snippet}", ""),
    "/host-snippet": HOST.replace("{snippet}", '<script src="/static/tracker.js" defer></script>'),
    "/host-empty": HOST.replace("{snippet}", '<script src="/static/empty.js" defer></script>'),
    "/host-inline": HOST.replace(
        "{snippet}",
        TIMED_SNIPPET.replace("{tracker}", TRACKER.read_text("utf-8") if TRACKER.exists() else ""),
    ),
    "/throws": f"<!doctype html><title>throws</title>{STYLE}<p>x</p><script>throw new Error('boom')</script>",
    "/heavy": (
        f"<!doctype html><title>heavy</title>{STYLE}<h1>Heavy page</h1>"
        + "".join(f'<script src="/script{i}.js"></script>' for i in range(3))
        + "<p>"
        + "lorem ipsum " * 16000
        + "</p>"
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/image.png":
            delay = float(query.split("delay=", 1)[1]) if "delay=" in query else 0.0
            time.sleep(delay / 1000)
            self._send(200, IMAGE, "image/png")
        elif path == "/static/tracker.js":
            self._send(200, TRACKER.read_bytes(), "text/javascript", cache="public, max-age=3600")
        elif path == "/static/empty.js":
            self._send(200, b"void 0;", "text/javascript", cache="public, max-age=3600")
        elif path.startswith("/script"):
            self._send(200, b"window.x = '" + b"a" * 50_000 + b"';", "text/javascript")
        elif path in PAGES:
            self._send(200, PAGES[path].encode(), "text/html; charset=utf-8")
        elif path == "/error":
            self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, kind: str, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a browser drops a connection (it cancels requests when a run ends)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve_test_site() -> Iterator[str]:
    """Serve the test pages on a free local port; yield the base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()

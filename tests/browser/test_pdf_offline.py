"""The PDF printer runs no script and fetches nothing: defence in depth for the report's HTML.

Everything the report shows is escaped, but were some text to slip through as HTML, the
Chromium that prints it would have run its scripts and fetched its URLs (an image, a
stylesheet, a font, a frame, the favicon): a request from the server to wherever the text
said. A local TCP server records every connection made to it, the favicon's and a
preconnect's included, which no Playwright route sees; inline CSS and SVG, what the report
uses, still print.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from uxlab.probe.browser import open_pdf_browser
from uxlab.probe.loop import run_to_end
from uxlab.probe.pdf import html_to_pdf


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[bytes]]]:
    """A local server's URL and the first line of every connection made to it (b"" for none)."""
    seen: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                conn.settimeout(2)
                try:
                    seen.append(conn.recv(4096).split(b"\r\n", 1)[0])
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    server.shutdown(socket.SHUT_RDWR)
    server.close()
    thread.join(5)


def _hostile(url: str) -> str:
    return f"""<!doctype html><html><head><title>report</title>
<link rel="icon" href="{url}/favicon.ico"><link rel="preconnect" href="{url}">
<link rel="stylesheet" href="{url}/style.css">
<style>
@import url("{url}/import.css");
@font-face {{ font-family: Remote; src: url("{url}/font.woff2"); }}
body {{ font-family: Remote, sans-serif; background-image: url("{url}/background.png"); }}
.styled::after {{ content: " and inline CSS applies"; }}
</style></head>
<body>
<p id="said" class="styled">Printed as escaped text</p>
<svg width="200" height="40" role="img"><text x="0" y="20">Inline SVG chart</text>
  <image href="{url}/svg-image.png" width="10" height="10"/></svg>
<img src="{url}/image.png" alt=""><iframe src="{url}/frame"></iframe>
<object data="{url}/object"></object>
<script>
  document.getElementById("said").textContent = "A SCRIPT RAN";
  fetch("{url}/fetch");
  new Image().src = "{url}/beacon";
</script>
</body></html>"""


@pytest.mark.browser
def test_the_pdf_is_printed_without_scripts_or_network(
    recorder: tuple[str, list[bytes]], tmp_path: Path, browser: object
) -> None:
    # ``browser`` only skips this test where Chromium is missing; the printer starts its own.
    url, seen = recorder
    output = tmp_path / "report.pdf"

    async def go() -> None:
        async with open_pdf_browser() as printer:
            await html_to_pdf(printer, _hostile(url), output)

    run_to_end(go)
    text = " ".join(PdfReader(io.BytesIO(output.read_bytes())).pages[0].extract_text().split())
    assert "Printed as escaped text and inline CSS applies" in text
    assert "Inline SVG chart" in text and "Page 1 of 1" in text
    assert "A SCRIPT RAN" not in text
    assert seen == []  # no request, not even a connection

"""Every request body is bounded (``MAX_FORM_BYTES``), not only the API's: a 413 before the body is read.

Before, nothing bounded bodies outside ``/api/``: the CSRF check and the NUL check parse
the form of every request, so an anonymous multipart POST to /login of any size was read
(its file part spooled to disk) before its 400. The "read or not" tests talk to a real
server over a socket: they send the headers and only a little of the body, and the answer
must come without the rest. The API keeps its own limits (16 KB events, 5 MB uploads).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlmodel import Session

from tests.conftest import LiveServer, make_test_app
from uxlab import auth, probe_uploads, studies
from uxlab.config import SETTINGS
from uxlab.db import get_engine, get_session
from uxlab.web.studio import MAX_SCENARIO_CHARS

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
SMALL = 64 * 1024  # the limit of the served app: chunked bodies over it stay quick to send
MULTIPART = "multipart/form-data; boundary=b"
FILE_PART = b'--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'


def _answer(url: str, head: bytes, body: bytes, timeout: float = 5.0) -> tuple[int, bytes]:
    """Send ``head`` and ``body`` (a part of what the head declares) and return the status and answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(head + body)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pytest.fail(f"no answer within {timeout} s: the server waits for the rest of the body")
        except ConnectionResetError:
            pass  # closed with the body's rest unread; what came before it is the answer
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app served with a CSRF check (it parses forms before any view) and a small limit."""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True, MAX_FORM_BYTES=SMALL)
    with LiveServer(app) as live:
        yield live
    app.extensions["uxlab.engine"].dispose()


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(server: LiveServer) -> None:
    gigabyte = f"Content-Length: {1000 * 1024 * 1024}\r\n".encode()
    head = b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: " + MULTIPART.encode() + b"\r\n" + gigabyte
    status, page = _answer(server.url, head + b"\r\n", FILE_PART + b"x" * 1000)
    assert status == 413
    assert b"Error 413" in page and f"more than {SMALL} bytes".encode() in page  # uxlab's page
    # A GET that no view reads the body of (form-encoded, so the NUL check would parse it).
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    status, body = _answer(server.url, head + gigabyte + b"\r\n", b"a=1&")
    assert status == 413
    assert json.loads(body) == {
        "error": {"status": 413, "message": f"the body has more than {SMALL} bytes", "field": "(body)"}
    }


def _chunked(data: bytes, *, last: bool) -> bytes:
    pieces = [data[i : i + 8192] for i in range(0, len(data), 8192)]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return chunks + (b"0\r\n\r\n" if last else b"")  # the last chunk ends the body


CHUNKED_FORM = (
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)


def test_a_chunked_body_is_cut_at_the_limit_and_refused(server: LiveServer) -> None:
    # Never ended: without the limit the server waited for the rest; the CSRF check, which
    # parses the form first, would answer a form cut at the limit with its 400.
    status, page = _answer(server.url, CHUNKED_FORM, _chunked(b"a=" + b"x" * SMALL, last=False))
    assert status == 413 and f"more than {SMALL} bytes".encode() in page
    # A chunked body of exactly the limit is whole: it reaches the CSRF check (no token: 400).
    status, page = _answer(server.url, CHUNKED_FORM, _chunked(b"a=" + b"x" * (SMALL - 2), last=True))
    assert status == 400 and b"CSRF" in page


def test_a_form_over_the_limit_gets_uxlabs_page_or_json(tmp_path: Path) -> None:
    client = make_test_app(tmp_path, MAX_FORM_BYTES=1000).test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 1000})
    assert response.status_code == 413 and "Error 413" in response.text
    assert "the body has more than 1000 bytes" in response.text
    response = client.post("/login", data={"password": "x" * 1000}, headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert response.json["error"] == {
        "status": 413,
        "message": "the body has more than 1000 bytes",
        "field": "(body)",
    }
    assert client.post("/login", data={"email": "a@example.org", "password": "x" * 900}).status_code != 413


def test_a_form_field_over_the_parsers_own_bound_says_so(tmp_path: Path) -> None:
    client = make_test_app(tmp_path).test_client()
    field = b"x" * 600_000  # under the body's limit, over Flask's MAX_FORM_MEMORY_SIZE for one text part
    body = b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\n' + field + b"\r\n--b--\r\n"
    response = client.post("/login", data=body, content_type=MULTIPART)
    assert response.status_code == 413 and "a form field has more than 500000 bytes" in response.text


def test_the_default_limit_takes_the_editors_largest_scenario(tmp_path: Path) -> None:
    """The largest form uxlab expects: a scenario of MAX_SCENARIO_CHARS in Cyrillic, 6 bytes a letter."""
    (default,) = (setting.default for setting in SETTINGS if setting.name == "MAX_FORM_BYTES")
    scenario = "slug: big\ntitle: Big\nconsent: Ok.\nsite: {base_url: /demo}\ntasks:\n"
    scenario += "  - id: t\n    prompt: Find it.\n    success: {url: /x}\n    stage: consideration\n"
    scenario += "# " + "ж" * (MAX_SCENARIO_CHARS - len(scenario) - 3) + "\n"
    assert len(scenario) == MAX_SCENARIO_CHARS
    form = {"scenario": scenario.replace("\n", "\r\n"), "csrf_token": "x" * 100}  # as a browser sends it
    assert len(urlencode(form)) <= default
    app = make_test_app(tmp_path)
    with app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
    client = app.test_client()
    client.post("/login", data={"email": "ana@example.org", "password": "correct horse battery"})
    response = client.post("/studio/save", data=form)
    assert response.status_code == 303, response.text[:500]


def _probe_token(app: Flask) -> str:
    with app.app_context(), Session(get_engine()) as db:
        studies.load_scenario_file(db, HELPDESK)
        return probe_uploads.create_token(db, "helpdesk", "CI")


def test_the_apis_keep_their_own_limits(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, MAX_FORM_BYTES=1000)
    client: Any = app.test_client()
    # A probe upload over MAX_FORM_BYTES, under its own 5 MB, reaches the report's validation.
    headers = {"Authorization": f"Bearer {_probe_token(app)}"}
    big = {"schema": "uxlab-probe/1", "notes": ["x" * 3 * 1024 * 1024]}
    response = client.post("/api/v1/probes", json=big, headers=headers)
    assert response.status_code == 400, response.json
    # The events API's limit is its own setting, larger than this MAX_FORM_BYTES and smaller than an upload's.
    response = client.post("/api/v1/events", data="x" * 2000, content_type="text/plain")
    assert response.status_code == 400  # not JSON: read, so not refused by the 1000 bytes
    response = client.post("/api/v1/events", data="x" * 16385, content_type="text/plain")
    assert response.status_code == 413 and "16384 bytes" in response.json["error"]["message"]

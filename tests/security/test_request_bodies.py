"""Hostile API bodies (issue 12): a 4xx with a JSON reason naming the field, nothing stored.

Each body carries a real attempt (or upload) token, so without the bounds in
``uxlab.web.request_bodies`` it would reach validation and storage; on main these
answered 500 on PostgreSQL (NUL, surrogates, huge integers) or on both (deep nesting).
The chunked upload goes through a real HTTP server, because only a server sets
``wsgi.input_terminated`` for a body without ``Content-Length``.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlmodel import Session, col, func, select

from tests.conftest import LiveServer, make_test_app
from tests.probe.report_data import complete_report
from uxlab import probe_uploads, studies
from uxlab.db import get_engine
from uxlab.models import Event, ProbeUpload, Task
from uxlab.participants import attempts, sessions

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
PAGEVIEW = '{"id": "e1", "type": "pageview", "t": 5, "url": "http://127.0.0.1:5000/demo/"}'


def _batch(event: str = PAGEVIEW, before_events: str = "") -> str:
    return '{"token": "TOKEN", ' + before_events + '"events": [' + event + "]}"


# (name, body with TOKEN for the attempt token, the field its reason must name)
HOSTILE = [
    ("deep nesting", _batch("[" * 5000 + "]" * 5000), "(body)"),
    ("lone surrogate", _batch(PAGEVIEW.replace("/demo/", "/demo/\\udc00")), "events[0].url"),
    ("NUL character", _batch(PAGEVIEW.replace("/demo/", "/demo/\\u0000")), "events[0].url"),
    ("huge integer", _batch(PAGEVIEW.replace('"t": 5', '"t": 1' + "0" * 25)), "events[0].t"),
    ("long number", _batch(PAGEVIEW.replace('"t": 5', '"t": ' + "9" * 5000)), "(body)"),
    ("NaN", _batch(before_events='"sent": NaN, '), "sent"),
    ("wrong type", _batch().replace('"events": [', '"events": {"0": ').replace("]}", "}}"), "events"),
    ("surrogate key", _batch(PAGEVIEW.replace('{"id"', '{"\\ud800": 1, "id"')), "events[0] key"),
]


def _token(app: Flask) -> str:
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as db:
        version, _ = studies.load_scenario_file(db, HELPDESK)
        tasks = select(Task).where(Task.study_version_id == version.id).order_by(col(Task.position))
        task = db.exec(tasks).first()
        assert task is not None
        session = sessions.start_session(db, version, "Mozilla/5.0 (X11; Linux x86_64)", "en")
        return attempts.start_attempt(db, session, task).token


def _count(app: Flask, model: type) -> int:
    with app.app_context(), Session(get_engine()) as db:
        return int(db.exec(select(func.count()).select_from(model)).one())


def test_the_well_formed_body_these_are_made_from_is_stored(any_app: Flask) -> None:
    body = '{"token": "TOKEN", "events": [' + PAGEVIEW + "]}"
    response = any_app.test_client().post("/api/v1/events", data=body.replace("TOKEN", _token(any_app)))
    assert response.status_code == 200, response.get_json()
    assert _count(any_app, Event) == 1


@pytest.mark.parametrize(("name", "body", "field"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_events_body_is_a_400_naming_the_field_and_stores_nothing(
    any_app: Flask, name: str, body: str, field: str
) -> None:
    response = any_app.test_client().post(
        "/api/v1/events", data=body.replace("TOKEN", _token(any_app)), content_type="text/plain"
    )
    assert response.status_code == 400, (name, response.status_code, response.get_data(as_text=True)[:300])
    assert response.get_json()["error"]["field"] == field
    assert _count(any_app, Event) == 0


@pytest.fixture
def upload_server(tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:
    app = make_test_app(tmp_path)
    with app.app_context(), Session(get_engine()) as db:
        studies.load_scenario_file(db, HELPDESK)
        secret = probe_uploads.create_token(db, "helpdesk", "CI")
    with LiveServer(app) as server:
        yield server, secret
    app.extensions["uxlab.engine"].dispose()


def _post_chunked(url: str, headers: dict[str, str], body: bytes, chunk: int = 64 * 1024) -> tuple[int, Any]:
    """POST ``body`` with Transfer-Encoding: chunked (no Content-Length); return (status, JSON)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        chunks = (body[i : i + chunk] for i in range(0, len(body), chunk))
        connection.request("POST", parts.path, body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    except (BrokenPipeError, ConnectionResetError):
        # The server may answer and close before reading everything; the answer is still there.
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_a_6_mb_chunked_upload_is_refused_with_413(upload_server: tuple[LiveServer, str]) -> None:
    server, secret = upload_server
    six_mb = json.dumps({"schema": "uxlab-probe/1", "notes": ["x" * (6 * 1024 * 1024)]}).encode()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    status, body = _post_chunked(server.url + "/api/v1/probes", headers, six_mb)
    assert status == 413, body
    assert "5242880 bytes" in body["error"]["message"]  # uxlab.web.probes.MAX_UPLOAD_BYTES
    assert _count(server.app, ProbeUpload) == 0
    # The same way of sending, under the limit, gets through to validation (a 400 for the report).
    status, body = _post_chunked(server.url + "/api/v1/probes", headers, b'{"schema": "uxlab-probe/1"}')
    assert status == 400, body


def _probe_report(commit: str) -> dict[str, Any]:
    run = {"metrics": {"fcp_ms": 100.0, "lcp_ms": 900.0}, "score": 0.9}
    page = {"path": "/", "profile": "desktop", "runs": [run]}
    return complete_report({"pages": [page], "build": {"commit": commit, "branch": "main"}})


# Valid JSON in another encoding than UTF-8 (or with a BOM), holding what the string checks
# refuse in UTF-8: Python's json reads these encodings from bytes, so they used to get through.
NOT_UTF_8 = [
    ("UTF-16, NUL", "utf-16", "ab\x00c"),
    ("UTF-16, lone surrogate", "utf-16", "ab\ud800c"),
    ("UTF-16-LE without BOM", "utf-16-le", "ab\x00c"),
    ("UTF-32, NUL", "utf-32", "ab\x00c"),
    ("UTF-8 with BOM, NUL", "utf-8-sig", "ab\x00c"),
]


@pytest.mark.parametrize(("name", "encoding", "text"), NOT_UTF_8, ids=[case[0] for case in NOT_UTF_8])
def test_a_body_not_in_utf_8_is_a_400_and_stores_nothing(
    any_app: Flask, name: str, encoding: str, text: str
) -> None:
    attempt = _token(any_app)
    with any_app.app_context(), Session(get_engine()) as db:
        secret = probe_uploads.create_token(db, "helpdesk", "CI")
    upload = json.dumps(_probe_report(text)).encode(encoding)
    url = json.dumps(text)[1:-1]  # escaped as JSON writes it: \u0000, \ud800
    batch = _batch(PAGEVIEW.replace("/demo/", "/demo/" + url)).replace("TOKEN", attempt)
    client = any_app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    for response in (
        client.post("/api/v1/probes", data=upload, headers=headers),
        client.post("/api/v1/events", data=batch.encode(encoding), content_type="text/plain"),
    ):
        assert response.status_code == 400, (name, response.get_data(as_text=True)[:300])
        error = response.get_json()["error"]
        assert error["field"] == "(body)" and "UTF-8" in error["message"]
    assert _count(any_app, ProbeUpload) == 0
    assert _count(any_app, Event) == 0

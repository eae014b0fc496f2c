"""The events and upload APIs fuzzed from the served OpenAPI document, on SQLite and PostgreSQL.

Bodies come from the document's own request schemas (``tests/security/schema_strategies.py``), from
hostile JSON (deep nesting, lone surrogates, NUL characters, huge and non-finite
numbers, wrong types) and from schema-valid bodies with one value swapped for a hostile
one; half of them carry a real attempt or upload token, so requests reach storage. The
bar (issue 12): no answer is a 5xx, every answer is JSON, and a refused request stores
nothing. Examples are few per run (``EXAMPLES``) to keep ``make test`` in its budget;
Hypothesis's database replays earlier failures first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, func, select

from tests.security.schema_strategies import for_schema
from uxlab import probe_uploads, studies
from uxlab.db import get_engine
from uxlab.models import Event, ProbeUpload, Task
from uxlab.participants import attempts, sessions

HELPDESK = Path(__file__).resolve().parents[2] / "scenarios" / "helpdesk.yaml"
EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Strings that have broken parsers and databases: lone surrogates, NUL, markup, SQL, huge.
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\ud800", "a\x00b", "\udfff\ud800", "<script>alert(1)</script>", "'; DROP TABLE x;--"]),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc"]), min_size=1, max_size=5),
)
NASTY_NUMBER = st.one_of(
    st.integers(),
    st.sampled_from([2**63, -(2**63) - 1, 10**40, 2**53 + 1]),
    st.floats(allow_nan=True, allow_infinity=True),
)
NASTY_JSON = st.recursive(
    st.none() | st.booleans() | NASTY_NUMBER | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NASTY_TEXT, inner, max_size=4),
    max_leaves=20,
)


def _deeply_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


RAW_BODIES = st.one_of(
    st.binary(max_size=200),
    st.integers(min_value=30, max_value=5000).map(
        lambda d: '{"token": "t", "events": [' + _deeply_nested(d) + "]}"
    ),
    st.sampled_from(['{"token": "t", "sent": 1e999, "events": []}', '{"token": "t", "events": [NaN]}']),
    st.just("9" * 5000),
)


def _swap_one_value(body: Any, replacement: Any, index: int) -> Any:
    """Return ``body`` with its ``index``-th value (depth first, modulo the count) replaced."""
    slots: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            slots.append((node, key))
            walk(child)

    walk(body)
    if slots:
        parent, key = slots[index % len(slots)]
        parent[key] = replacement
    return body


def _bodies(document: dict[str, Any], path: str, media: str) -> st.SearchStrategy[bytes]:
    """Bodies for one POST operation of the document: valid by its schema, swapped, hostile, raw."""
    valid = for_schema(document, document["paths"][path]["post"]["requestBody"]["content"][media]["schema"])
    swapped = st.builds(_swap_one_value, valid, NASTY_JSON, st.integers(min_value=0, max_value=50))
    as_json = st.one_of(valid, swapped, NASTY_JSON).map(lambda body: json.dumps(body).encode())
    raw = RAW_BODIES.map(lambda body: body if isinstance(body, bytes) else body.encode())
    return st.one_of(as_json, as_json, raw)


def _count(model: type, app: Flask) -> int:
    with app.app_context(), Session(get_engine()) as db:
        return int(db.exec(select(func.count()).select_from(model)).one())


def _document(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def _attempt_starter(app: Flask) -> Any:
    """Load the helpdesk study; return a function that starts a new participant's first task."""
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as db:
        version, _ = studies.load_scenario_file(db, HELPDESK)
        tasks = select(Task).where(Task.study_version_id == version.id).order_by(col(Task.position))
        task = db.exec(tasks).first()
        assert task is not None

    def start() -> str:
        # A new attempt per example: an attempt that a fuzzed "done" or late event ended would
        # answer 410 to everything after it, and the rest would never reach storage.
        with app.app_context(), Session(get_engine(), expire_on_commit=False) as db:
            session = sessions.start_session(db, version, "Mozilla/5.0 (X11; Linux x86_64)", "en")
            return attempts.start_attempt(db, session, task).token

    return start


def _check(response: Any, before: int, after: int) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)[:200]
    if response.status_code >= 400:
        assert after == before, "a refused request stored events or uploads"


def test_the_events_api_never_answers_5xx(any_app: Flask) -> None:
    start_attempt = _attempt_starter(any_app)
    bodies = _bodies(_document(any_app), "/events", "text/plain")
    client = any_app.test_client()

    @FUZZ
    @given(body=bodies, real_token=st.booleans())
    def post(body: bytes, real_token: bool) -> None:
        if real_token:
            body = body.replace(b'"token": "', b'"token": "' + start_attempt().encode() + b'", "x": "', 1)
        before = _count(Event, any_app)
        response = client.post("/api/v1/events", data=body, content_type="text/plain")
        _check(response, before, _count(Event, any_app))

    post()


def test_the_upload_api_never_answers_5xx(any_app: Flask) -> None:
    with any_app.app_context(), Session(get_engine()) as db:
        studies.load_scenario_file(db, HELPDESK)
        secret = probe_uploads.create_token(db, "helpdesk", "fuzz")
    bodies = _bodies(_document(any_app), "/probes", "application/json")
    client = any_app.test_client()

    @FUZZ
    @given(body=bodies, authorized=st.booleans())
    def post(body: bytes, authorized: bool) -> None:
        headers = {"Authorization": f"Bearer {secret}"} if authorized else {}
        before = _count(ProbeUpload, any_app)
        response = client.post("/api/v1/probes", data=body, content_type="application/json", headers=headers)
        _check(response, before, _count(ProbeUpload, any_app))

    post()


@pytest.mark.parametrize("body", ['{"token": "t", "events": ' + _deeply_nested(8000) + "}", "[" * 3_000_000])
def test_nesting_deeper_than_the_parser_recurses_is_a_400(app: Flask, body: str) -> None:
    with app.app_context(), Session(get_engine()) as db:
        studies.load_scenario_file(db, HELPDESK)
        # An upload's body is read only after its token is checked: without one it is a 401.
        headers = {"Authorization": "Bearer " + probe_uploads.create_token(db, "helpdesk", "nesting")}
    for path in ("/api/v1/events", "/api/v1/probes"):
        response = app.test_client().post(path, data=body, content_type="application/json", headers=headers)
        assert response.status_code in (400, 413), (path, response.status_code)
        assert response.is_json

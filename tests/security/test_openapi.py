"""The OpenAPI document of /api/v1: served, complete (every API route of the URL map), usable."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
from flask import Flask

from tests.probe.report_data import complete_report


def _document(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document: dict[str, Any] = response.get_json()
    return document


def test_every_api_route_of_the_url_map_is_described(app: Flask) -> None:
    document = _document(app)
    described = {
        (path, method.upper()) for path, operations in document["paths"].items() for method in operations
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routes |= {(path, method) for method in (rule.methods or ()) if method not in ("HEAD", "OPTIONS")}
    assert routes, "no /api/v1 routes found"
    assert routes == described


def test_the_documented_upload_schema_accepts_a_real_report_and_refuses_a_broken_one(app: Flask) -> None:
    document = _document(app)
    # Validate against the schema as it sits in the document, so its rebased $refs must resolve.
    schema = {**document["components"]["schemas"]["ProbeReport"], "components": document["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    page = {"path": "/", "profile": "desktop", "runs": [{"metrics": {"lcp_ms": 900.0}}]}
    report = complete_report({"pages": [page]})
    assert list(validator.iter_errors(report)) == []
    del report["pages"][0]["runs"]
    assert list(validator.iter_errors(report)), "a page without runs passed the documented schema"


def test_the_documented_event_schema_matches_what_the_api_accepts(app: Flask) -> None:
    document = _document(app)
    schema = {**document["components"]["schemas"]["EventBatch"], "components": document["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    batch = {"token": "t", "events": [{"id": "e1", "type": "pageview", "t": 10, "url": "http://x/"}]}
    assert list(validator.iter_errors(batch)) == []
    assert list(validator.iter_errors({**batch, "events": [{"id": "e 1", "type": "pageview", "t": -1}]}))

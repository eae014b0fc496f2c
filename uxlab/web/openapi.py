"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``.

Written by hand from the code it describes: the events body from the limits in
``uxlab.participants.events`` and ``uxlab.web.request_bodies``, the probe upload body as
the published probe-report schema itself (OpenAPI 3.1 schemas are JSON Schema 2020-12).
``tests/security/test_api_fuzz.py`` generates requests from this document and checks
that no answer is a 5xx; ``tests/security/test_openapi.py`` checks that every route
under ``/api/v1`` is described.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from uxlab import probe_report
from uxlab.participants import events
from uxlab.web import request_bodies

MILLISECONDS = {"type": "number", "minimum": 0, "maximum": request_bodies.MAX_JSON_INT}


def _text(max_chars: int, description: str) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_chars, "description": description}


EVENT = {
    "type": "object",
    "required": ["id", "type", "t"],
    "description": "One tracker event. Keys the server does not know are ignored. "
    "`url` is required for pageview, `answer` for answer.",
    "properties": {
        "id": {
            "type": "string",
            "pattern": events.CLIENT_ID_RE.pattern,
            "description": "Client id, unique per attempt",
        },
        "type": {"enum": list(events.EVENT_TYPES)},
        "t": {**MILLISECONDS, "description": "Milliseconds since the task's Start, on the client's clock"},
        "url": {
            **_text(
                events.MAX_URL_CHARS,
                "The page's absolute http(s) URL or its path, /... "
                "(query values dropped unless the study keeps them)",
            ),
            "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|/)",
        },
        "selectors": {
            "type": "array",
            "maxItems": events.MAX_SELECTORS,
            "items": _text(events.MAX_TEXT_CHARS, "CSS selector of the clicked element or an ancestor"),
        },
        "tag": _text(20, "Tag name of the clicked element"),
        "text": _text(events.MAX_TEXT_CHARS, "Visible text of the clicked element"),
        "answer": _text(events.MAX_ANSWER_CHARS, "The participant's answer to the task's question"),
    },
}

EVENT_BATCH = {
    "type": "object",
    "required": ["token", "events"],
    "properties": {
        "token": {
            "type": "string",
            "minLength": 1,
            "description": "The attempt token from the task's start URL",
        },
        "sent": {**MILLISECONDS, "description": "When the batch was sent, in ms since Start"},
        "events": {
            "type": "array",
            "maxItems": events.MAX_EVENTS_PER_BATCH,
            "items": {"$ref": "#/components/schemas/Event"},
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "status"],
            "properties": {
                "message": {"type": "string"},
                "status": {"type": "integer"},
                "field": {
                    "type": "string",
                    "description": "JSON path of the offending value, when there is one",
                },
            },
        }
    },
}

ENDING = {
    "ended": {"type": "boolean"},
    "outcome": {"type": ["string", "null"]},
    "next": {"type": ["string", "null"], "description": "Where to send the participant once ended"},
}

ATTEMPT_STATE = {
    "type": "object",
    "properties": {
        "prompt": {"type": "string"},
        "criterion": {"type": "string"},
        "question": {"type": ["string", "null"]},
        "watch": {"type": "array", "items": {"type": "string"}},
        "time_limit_s": {"type": "number"},
        "elapsed_ms": {"type": "integer"},
        "remaining_ms": {"type": "integer"},
        "language": {"type": "string", "description": "the participant's language: the bar's words"},
        "text_language": {"type": "string", "description": "the language of the prompt and question"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        **ENDING,
    },
}


def _error_responses(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "Malformed body or parameter (the reason names the field)",
        401: "Missing or unknown bearer token",
        403: "Origin not allowed for this attempt's study",
        404: "Unknown attempt token",
        410: "The attempt, session or study has ended",
        413: "Body larger than the endpoint's limit (on the bytes read, chunked or not)",
        429: "Too many events for this attempt in the last minute",
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(status): {"description": reasons[status], "content": error} for status in statuses}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paths() -> dict[str, Any]:
    batch = {"$ref": "#/components/schemas/EventBatch"}
    return {
        "/attempts/{token}": {
            "get": {
                "operationId": "getAttempt",
                "summary": "An attempt's state, for the tracker snippet",
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": _json(ATTEMPT_STATE, "The attempt"), **_error_responses(404, 410)},
            }
        },
        "/events": {
            "post": {
                "operationId": "postEvents",
                "summary": "Record a batch of tracker events, as JSON of any content type",
                "requestBody": {
                    "required": True,
                    "content": {"text/plain": {"schema": batch}, "application/json": {"schema": batch}},
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "accepted": {"type": "array", "items": {"type": "string"}},
                                **ENDING,
                            },
                        },
                        "Events stored (ids already stored are accepted again, not stored twice)",
                    ),
                    **_error_responses(400, 403, 404, 410, 413, 429),
                },
            }
        },
        "/probes": {
            "post": {
                "operationId": "uploadProbeReport",
                "summary": "Upload a probe report (what `uxlab probe --json` writes)",
                "security": [{"uploadToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProbeReport"}}},
                },
                "responses": {
                    "201": _json(
                        {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "history_url": {"type": "string"},
                                "build_url": {"type": "string", "description": "the new build's page"},
                            },
                        },
                        "Stored",
                    ),
                    **_error_responses(400, 401, 413),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document")},
            }
        },
    }


def _rebased(value: Any, prefix: str) -> Any:
    """Return the schema with its local ``$ref``s (``#/$defs/x``) pointing under ``prefix``."""
    if isinstance(value, dict):
        return {
            key: prefix + item[1:]
            if key == "$ref" and isinstance(item, str) and item.startswith("#/")
            else _rebased(item, prefix)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rebased(item, prefix) for item in value]
    return value


@cache
def document() -> dict[str, Any]:
    """Return the OpenAPI document of ``/api/v1``."""
    published = {key: value for key, value in probe_report.schema().items() if key not in ("$schema", "$id")}
    report = _rebased(published, "#/components/schemas/ProbeReport")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "uxlab API",
            "version": "1",
            "description": "The tracker snippet's API (attempt state, events) and probe report uploads. "
            f"Every JSON body: UTF-8, at most {request_bodies.MAX_JSON_DEPTH} levels deep, no NUL characters "
            "or lone surrogates in strings, integers within +-2**53, finite numbers. Errors are JSON.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {
            "schemas": {"Event": EVENT, "EventBatch": EVENT_BATCH, "Error": ERROR, "ProbeReport": report},
            "securitySchemes": {
                "uploadToken": {"type": "http", "scheme": "bearer", "description": "A study's upload token"}
            },
        },
    }

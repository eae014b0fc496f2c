"""Bounds on request bodies: every body's size, and JSON bodies under ``/api/`` before any view reads them.

Every body outside ``/api/`` is bounded by ``MAX_FORM_BYTES`` (Flask's ``MAX_CONTENT_LENGTH``),
whichever hook or view reads it first (Flask-WTF's CSRF check parses the form of every
POST before any view): a declared ``Content-Length`` over it is a 413 before a byte is
read, also where nothing would read the body, and a chunked body a 413 once it passes the
limit (``_check_body_size``). An anonymous client could otherwise make the server spool any size of upload to
disk before its 400.

Every POST under ``/api/`` is read here, once, through Werkzeug's limited stream, so the
size limit holds on the bytes actually read: a chunked request (no ``Content-Length``)
over the limit is a 413 like a declared one. The endpoint's limit comes from
``BODY_LIMITS`` (a setting's name or a byte count); the body is cached, so views read it
with ``request.get_data()``. An endpoint in ``READ_BY_VIEW`` checks its token first and
then reads its body with :func:`read_json_body`, which applies the same bounds.

A body that parses as JSON is then checked for what the views' own validation cannot
see or what a database refuses: nesting deeper than ``MAX_JSON_DEPTH`` (Python's parser
and the validators after it recurse), lone UTF-16 surrogates and NUL characters in any
string or key (PostgreSQL's text type refuses both), numbers written with more than
``MAX_NUMBER_CHARS`` characters, integers beyond +-2**53 (what a JavaScript client can
send exactly; larger ones overflow BIGINT columns), and NaN or Infinity (not JSON). Each
is a 400 with a JSON reason, before anything is stored. So is a body that is not UTF-8 or
starts with a byte order mark: JSON over HTTP is UTF-8 without one (RFC 8259 section 8.1).
A body that is not JSON at all is left to the view, whose message names what it expected.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from typing import Any

from flask import Flask, current_app, g, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from uxlab.errors import BadRequest, PayloadTooLarge
from uxlab.web.errors import handle_uxlab_error

MAX_JSON_DEPTH = 32
MAX_JSON_INT = 2**53
# Longest number literal accepted: 2**53 has 16 digits; the margin keeps floats like
# 0.30000000000000004 and 1.2345678901234567e-05 (what JSON.stringify writes) readable.
MAX_NUMBER_CHARS = 32
# Endpoint -> largest body in bytes, as a setting's name or a number.
BODY_LIMITS: dict[str, str | int] = {"api.events": "MAX_EVENT_BYTES"}
DEFAULT_LIMIT = "MAX_EVENT_BYTES"
# Endpoints that check a bearer token before they read their body: a client without a valid
# token must not make the server read and parse up to 5 MB (a probe report).
READ_BY_VIEW = frozenset({"probes.upload"})


class _Refused(ValueError):
    """A JSON value the parser hooks refuse (kept apart from the parser's own syntax errors)."""


def _parse_int(literal: str) -> int:
    # Refused before int() is called: a long literal costs quadratic time to convert.
    if len(literal) > MAX_NUMBER_CHARS:
        raise _Refused(f"the number {literal[:20]}... has more than {MAX_NUMBER_CHARS} characters")
    return int(literal)


def _parse_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _Refused(f"the number {literal[:20]}... has more than {MAX_NUMBER_CHARS} characters")
    return float(literal)


def _check_number(value: float, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest(f"{where}: expected a finite number, got {value}", field=where)
    if isinstance(value, int) and abs(value) > MAX_JSON_INT:
        raise BadRequest(f"{where}: {value} is beyond +-2**53", field=where)


def _check_string(text: str, where: str) -> None:
    if "\x00" in text:
        raise BadRequest(f"{where}: contains a NUL character", field=where)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BadRequest(f"{where}: contains a lone UTF-16 surrogate", field=where) from error


def check_json_value(data: Any) -> None:
    """Raise BadRequest if a parsed JSON value nests too deeply or holds an unstorable string."""
    stack: list[tuple[Any, str, int]] = [(data, "(body)", 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, str):
            _check_string(value, where)
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            _check_number(value, where)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            raise BadRequest(f"{where}: nested more than {MAX_JSON_DEPTH} levels deep", field=where)
        if isinstance(value, list):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
            continue
        for key, item in value.items():
            _check_string(key, f"{where} key")
            stack.append((item, key if where == "(body)" else f"{where}.{key}", depth + 1))


def parse_bounded_json(raw: bytes, *, required: bool = False) -> Any:
    """Parse ``raw`` as JSON within the bounds above; None when it is not JSON at all.

    ``required``: BadRequest saying why instead of None.
    """
    text = _utf_8_text(raw)
    try:
        # NaN and Infinity parse (as Python's json does) and are refused with their path below.
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float)
    except _Refused as error:
        raise BadRequest(str(error), field="(body)") from error
    except RecursionError as error:  # the parser recurses once per level
        raise BadRequest(
            f"the body is nested more than {MAX_JSON_DEPTH} levels deep", field="(body)"
        ) from error
    except ValueError as error:
        if required:
            raise BadRequest(f"the body is not JSON: {error}", field="(body)") from error
        return None
    if _may_be_out_of_bounds(raw):
        check_json_value(data)
    return data


def _utf_8_text(raw: bytes) -> str:
    """Return ``raw`` decoded; BadRequest if it is not UTF-8 JSON text as RFC 8259 section 8.1 asks.

    Refused here rather than left to the view: Python's json reads UTF-16, UTF-32 and a BOM
    from bytes, and what it parsed that way would miss the string checks above.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raise BadRequest(
            "the body starts with a byte order mark: send JSON as UTF-8 without one", field="(body)"
        )
    # JSON text never holds a NUL byte (a string escapes it), while UTF-16 and UTF-32 text
    # does, and may still be valid UTF-8.
    if b"\x00" in raw:
        raise BadRequest("the body holds NUL bytes (UTF-16 or UTF-32?): send JSON as UTF-8", field="(body)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(
            f"the body is not UTF-8 (byte {error.start}: {error.reason}): send JSON as UTF-8", field="(body)"
        ) from error


# A number the walk may refuse: 16 digits or more (beyond 2**53), or a 3-digit exponent.
_LONG_NUMBER = re.compile(rb"[0-9]{16}|[eE][+-]?[0-9]{3}")


def _may_be_out_of_bounds(raw: bytes) -> bool:
    """False when ``check_json_value`` cannot refuse what ``raw`` parsed to, so the walk is skipped.

    Depth needs an opening bracket per level; a NUL or a lone surrogate in a string of valid
    UTF-8 JSON needs a \\u escape; NaN and Infinity are written as such; a number beyond the
    bounds needs many digits. Each test errs on the side of walking (strings count too).
    """
    return (
        raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH
        or b"\\u" in raw
        or b"NaN" in raw
        or b"Infinity" in raw
        or _LONG_NUMBER.search(raw) is not None
    )


def _body_limit() -> int:
    limit = BODY_LIMITS.get(request.endpoint or "", DEFAULT_LIMIT)
    return int(current_app.config[limit]) if isinstance(limit, str) else limit


def read_json_body(limit: int, *, required: bool = False) -> Any:
    """Read the request's body, at most ``limit`` bytes (else PayloadTooLarge), and parse it
    as ``parse_bounded_json`` does.
    """
    # Flask 3.1: a per-request limit, applied by Werkzeug to the declared length and to a
    # chunked stream. A stream is cut at the limit without an error, so one byte more is
    # read: a body that fills it is over the limit.
    request.max_content_length = limit + 1
    try:
        raw: bytes | None = request.get_data(cache=True)
    except RequestEntityTooLarge:  # the declared Content-Length is over the limit
        raw = None
    if raw is None or len(raw) > limit:
        raise PayloadTooLarge(f"the body has more than {limit} bytes", field="(body)")
    g.api_json = parse_bounded_json(raw, required=required)  # the view may take it from here
    return g.api_json


def _check_api_body() -> None:
    if request.method == "POST" and request.path.startswith("/api/") and request.endpoint not in READ_BY_VIEW:
        read_json_body(_body_limit())


def _check_body_size() -> None:
    """Refuse a body over ``MAX_FORM_BYTES`` outside ``/api/`` before any view reads it.

    A declared length is compared unread, also where no view would read the body. Werkzeug
    reads a chunked body up to the limit and stops there without an error, so a form parsed
    from one was silently cut short: it is read here (within the limit, cached for the
    view), and a byte left on the server's stream after it makes the request a 413.
    """
    if request.path.startswith("/api/"):  # each API endpoint has its own limit
        return
    limit = int(current_app.config["MAX_FORM_BYTES"])
    too_large = PayloadTooLarge(f"the body has more than {limit} bytes", field="(body)")
    if request.content_length is not None:
        if request.content_length > limit:
            raise too_large
        return
    if "wsgi.input_terminated" not in request.environ:  # no length, no chunks: Werkzeug reads nothing
        return
    request.get_data(cache=True)
    try:
        more = request.environ["wsgi.input"].read(1)
    except OSError as error:  # a broken chunk, or the client went away
        raise ClientDisconnected() from error
    if more:
        raise too_large


def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """Werkzeug's 413 (raised while a body was read) as uxlab's error, saying which limit it passed."""
    limit, length = request.max_content_length, request.content_length
    if length is not None and limit is not None and length <= limit:  # the form parser's own bounds
        message = (
            f"a form field has more than {request.max_form_memory_size} bytes, "
            f"or the form more than {request.max_form_parts} parts"
        )
    else:
        message = f"the body has more than {limit} bytes"
    return handle_uxlab_error(PayloadTooLarge(message, field="(body)"))


def init_app(app: Flask) -> None:
    """Bound every body's size; check every API body before its view runs (in it, for ``READ_BY_VIEW``)."""
    # Werkzeug applies it to every read of the body (form, JSON, data), so the hooks that
    # parse a form before ours runs are bounded too; the API sets its own limits per request.
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_FORM_BYTES"])
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    # Registered before the CSRF check parses a form (uxlab.web.security.init_app): a
    # chunked one cut at the limit would otherwise be parsed, and answered by its missing
    # token's 400, not a 413.
    app.before_request(_check_body_size)
    app.before_request(_check_api_body)

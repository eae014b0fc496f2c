"""Tracker event bodies -> typed, validated objects; recorded URLs stripped of secrets.

This is the one place the events API body is checked: a bad body raises BadRequest whose
message and ``field`` name the JSON path (``events[2].t``), a body over the size limit
PayloadTooLarge. Keys the server does not know are ignored, so an older server accepts a
newer snippet's events.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeGuard
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from uxlab.errors import BadRequest, PayloadTooLarge
from uxlab.scenarios.schema import Criterion
from uxlab.scenarios.site import Site

EVENT_TYPES = ("pageview", "click", "done", "give_up", "answer", "timeout")
MAX_EVENTS_PER_BATCH = 200
MAX_URL_CHARS = 2048
MAX_TEXT_CHARS = 200
MAX_ANSWER_CHARS = 500
MAX_SELECTORS = 20
# A query parameter's name in a url criterion's glob or regex: "?q=" or "&page=".
QUERY_KEY = re.compile(r"[?&]([A-Za-z0-9_.\-\[\]]+)=")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

# Query parameters whose values are never recorded: a key is dropped when one of its
# words (split at _ - . and case changes) is in SENSITIVE_WORDS, or when its value looks
# like an email address.
_SENSITIVE = """token access refresh jwt auth authorization bearer session sess sid sessionid email mail
password passwd pwd pass pin otp code key apikey secret signature sig hash ssn credential credentials
cookie csrf xsrf nonce state ticket"""
SENSITIVE_WORDS = frozenset(_SENSITIVE.split())
_WORD_SPLIT = re.compile(r"[_\-.\[\]]+|(?<=[a-z])(?=[A-Z])")
_EMAIL_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class EventIn:
    """One tracker event as the server trusts it after validation."""

    id: str
    type: str
    t_ms: float
    url: str = ""
    selectors: tuple[str, ...] = ()
    tag: str = ""
    text: str = ""
    answer: str = ""


@dataclass(frozen=True)
class EventBatch:
    """A request's events; ``sent_ms``: when the tracker sent them, in ms since Start on its clock."""

    token: str
    events: tuple[EventIn, ...]
    sent_ms: float | None = None


def read_body(raw: bytes, max_bytes: int, parsed: Any = None) -> EventBatch:
    """Parse a raw request body (JSON, any content type) into an EventBatch.

    ``parsed``: the body as JSON already parsed from ``raw`` (``uxlab.web.request_bodies``), if any.
    """
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"the body has more than {max_bytes} bytes", field="(body)")
    data = parsed
    if data is None:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise BadRequest(f"the body is not JSON: {error}", field="(body)") from error
    if not isinstance(data, dict):
        raise BadRequest(f"expected a JSON object, got {_kind(data)}", field="(body)")
    token = data.get("token")
    if not isinstance(token, str) or not token:
        raise BadRequest(f"token: expected a non-empty string, got {_kind(token)}", field="token")
    sent_ms = data.get("sent")
    if sent_ms is not None and not _is_ms(sent_ms):
        raise BadRequest(
            f"sent: expected milliseconds since Start (a number >= 0), got {_kind(sent_ms)}", field="sent"
        )
    return EventBatch(token=token, events=parse_events(data.get("events")), sent_ms=sent_ms)


def _is_ms(value: Any) -> TypeGuard[float]:
    return (
        not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value) and value >= 0
    )


def parse_events(raw: Any) -> tuple[EventIn, ...]:
    """Validate a JSON list of events (EventIn objects pass through unchanged)."""
    if not isinstance(raw, list):
        raise BadRequest(f"events: expected a list, got {_kind(raw)}", field="events")
    if len(raw) > MAX_EVENTS_PER_BATCH:
        raise BadRequest(f"events: more than {MAX_EVENTS_PER_BATCH} events in one request", field="events")
    return tuple(
        item if isinstance(item, EventIn) else _event(item, f"events[{i}]") for i, item in enumerate(raw)
    )


def _fail(path: str, message: str) -> BadRequest:
    return BadRequest(f"{path}: {message}", field=path)


def _event(item: Any, path: str) -> EventIn:
    if not isinstance(item, Mapping):
        raise _fail(path, f"expected an object, got {_kind(item)}")
    client_id = _string(item, "id", path, 64, required=True)
    if not CLIENT_ID_RE.match(client_id):
        raise BadRequest(
            f"{path}.id: expected 1-64 of A-Z a-z 0-9 _ . : -, got {client_id!r}", field=f"{path}.id"
        )
    kind = _string(item, "type", path, 20, required=True)
    if kind not in EVENT_TYPES:
        raise BadRequest(
            f"{path}.type: expected one of {', '.join(EVENT_TYPES)}, got {kind!r}", field=f"{path}.type"
        )
    t_ms = item.get("t")
    if not _is_ms(t_ms):
        raise BadRequest(
            f"{path}.t: expected milliseconds since Start (a number >= 0), got {_kind(t_ms)}",
            field=f"{path}.t",
        )
    selectors = item.get("selectors", [])
    if not isinstance(selectors, list) or len(selectors) > MAX_SELECTORS:
        raise BadRequest(
            f"{path}.selectors: expected a list of at most {MAX_SELECTORS} strings", field=f"{path}.selectors"
        )
    for i, selector in enumerate(selectors):
        if not isinstance(selector, str) or len(selector) > MAX_TEXT_CHARS:
            raise BadRequest(
                f"{path}.selectors[{i}]: expected a selector string", field=f"{path}.selectors[{i}]"
            )
    return EventIn(
        id=client_id,
        type=kind,
        t_ms=float(t_ms),
        url=_url(item, path, required=kind == "pageview"),
        selectors=tuple(selectors),
        tag=_string(item, "tag", path, 20),
        text=_string(item, "text", path, MAX_TEXT_CHARS),
        answer=_string(item, "answer", path, MAX_ANSWER_CHARS, required=kind == "answer"),
    )


def _string(item: Mapping[str, Any], key: str, path: str, max_chars: int, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        need = "a non-empty string" if required else "a string"
        raise _fail(f"{path}.{key}", f"expected {need}, got {_kind(value)}")
    if len(value) > max_chars:
        raise _fail(f"{path}.{key}", f"longer than {max_chars} characters")
    return value


def _url(item: Mapping[str, Any], path: str, *, required: bool) -> str:
    url = _string(item, "url", path, MAX_URL_CHARS, required=required)
    if not url:
        return url
    # Query filtering, strip_url and judging split and rebuild every URL after this: the URL
    # and its stored form must split, and split the same once rebuilt ("http:////[x" rebuilds
    # as "http://[x"; without its user info "[::1]", "http://[::1]@a]/" has the host "a]").
    try:
        rebuilt = all(urlsplit(urlunsplit(p := urlsplit(u))) == p for u in (url, strip_url(url)))
    except ValueError as error:  # an unclosed "[", a full-width "#" that NFKC makes a "#" ...
        raise _fail(f"{path}.url", f"not a URL this server can read: {error}") from error
    if not rebuilt:
        raise _fail(f"{path}.url", "not a URL this server can read: it changes when rebuilt")
    # The tracker sends the page's location.href; a path on the site ("/help", judged as
    # before) is taken too. Anything else (javascript:, data:) was stored in the attempt's
    # path as if the participant had visited it.
    parts = urlsplit(url)
    on_site = url.startswith("/") and not url.startswith("//") and "\\" not in url
    if not on_site and (parts.scheme not in ("http", "https") or not parts.hostname):
        if parts.scheme in ("http", "https"):
            got = "a URL without its host"
        else:  # a scheme is letters, digits, + - . only: safe to repeat
            got = f"a {parts.scheme}: URL" if parts.scheme else "a URL without its scheme"
        raise _fail(f"{path}.url", f"expected the page's absolute http(s) URL (or its path, /...); got {got}")
    return url


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {
        bool: "a boolean",
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    return names.get(type(value), type(value).__name__)


def is_sensitive(key: str, value: str = "") -> bool:
    """True when a query parameter must not be recorded (by its key's words or an email value)."""
    words = {w.lower() for w in _WORD_SPLIT.split(key) if w}
    return (
        bool(words & SENSITIVE_WORDS) or key.lower() in SENSITIVE_WORDS or bool(_EMAIL_VALUE.fullmatch(value))
    )


def strip_url(url: str) -> str:
    """Return ``url`` without the fragment, user info and sensitive query parameters."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_sensitive(k, v)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def without_query_values(
    events: tuple[EventIn, ...], criterion: Criterion, site: Site
) -> tuple[EventIn, ...]:
    """Drop the query values a study does not keep (``site.keep_query``), before anything stores them.

    What participants type into a site's search box reaches the URL; privacy by default
    keeps only the parameters the study names, and those its task's url criterion names
    (``success: {url: "/search?q=router"}`` keeps ``q``), so that judging still works.
    """
    named = QUERY_KEY.findall(criterion.pattern) if criterion.kind == "url" else []
    return tuple(replace(e, url=site.kept_query_only(e.url, named)) if e.url else e for e in events)

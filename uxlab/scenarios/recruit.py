"""The ``recruit:`` section: completion redirect and code, captured link parameters, quota, close date.

``completion_url`` may hold ``{participant}`` (the session's public id), ``{code}`` (the
completion code: ``completion_code`` when given, as Prolific wants one per study, else
one drawn per participant) and ``{name}`` for each captured link parameter. ``quota``
counts finished participants, in total and per device class; ``close_at`` is a UTC date
or time after which no one new starts.
"""

from __future__ import annotations

import contextlib
import re
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

from uxlab.scenarios.questions import QuestionSpec, parse_questions, questions_from_dict
from uxlab.scenarios.reader import Reader
from uxlab.scenarios.stored import Fields

RECRUIT_KEYS = ("completion_url", "completion_code", "capture", "quota", "close_at", "screener")
QUOTA_KEYS = ("total", "per_device")
DEVICES = ("desktop", "phone", "tablet")  # uxlab.participants.browsers.device_class
PARAM_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_CAPTURED = 10
PARAM_MAX_CHARS = 200  # a captured value is cut to this
URL_FIELDS = ("participant", "code")
RESERVED_PARAMS = (*URL_FIELDS, "slug")  # slug: the study link's own name


@dataclass(frozen=True)
class RecruitSpec:
    """How participants arrive and leave: see the module docstring."""

    completion_url: str = ""
    completion_code: str = ""
    capture: tuple[str, ...] = ()
    quota_total: int | None = None
    quota_per_device: tuple[tuple[str, int], ...] = ()
    close_at: datetime | None = None
    screener: tuple[QuestionSpec, ...] = ()

    def quota_of(self, device: str) -> int | None:
        """The number of finished participants allowed on ``device`` (None: no device quota)."""
        return dict(self.quota_per_device).get(device)

    def is_closed(self, now: datetime) -> bool:
        return self.close_at is not None and now >= self.close_at

    def completion_target(self, participant: str, code: str, params: dict[str, str]) -> str:
        """``completion_url`` with its placeholders filled (each value URL-quoted)."""
        values = {name: params.get(name, "") for name in self.capture}
        values.update(participant=participant, code=code)
        return self.completion_url.format(**{k: quote(v, safe="") for k, v in values.items()})

    def to_dict(self) -> dict[str, Any]:
        quota: dict[str, Any] = {"total": self.quota_total, "per_device": dict(self.quota_per_device) or None}
        return {
            "completion_url": self.completion_url,
            "completion_code": self.completion_code,
            "capture": list(self.capture) or None,
            "quota": {k: v for k, v in quota.items() if v is not None} or None,
            "close_at": self.close_at.isoformat() if self.close_at else None,
            "screener": [q.to_dict() for q in self.screener] or None,
        }

    @classmethod
    def from_dict(cls, m: Fields) -> RecruitSpec:
        quota = m.mapping("quota", QUOTA_KEYS)
        per_device = quota.mapping("per_device", DEVICES)
        close_at = m.optional_text("close_at")
        return cls(
            completion_url=m.optional_text("completion_url") or "",
            completion_code=m.optional_text("completion_code") or "",
            capture=m.texts("capture"),
            quota_total=quota.whole("total") if quota.has("total") else None,
            quota_per_device=tuple((d, per_device.whole(d)) for d in DEVICES if per_device.has(d)),
            close_at=datetime.fromisoformat(close_at) if close_at else None,
            screener=questions_from_dict(m, "screener", screener=True),
        )


def parse_recruit(r: Reader, node: yaml.Node) -> RecruitSpec:
    """Read the ``recruit:`` mapping; each field on its own, so one problem hides no other."""
    return r.each(lambda: _recruit(r, r.mapping(node, "recruit", RECRUIT_KEYS)))


def _recruit(r: Reader, keys: dict[str, yaml.Node]) -> RecruitSpec:
    def optional(key: str, parse: Any, default: Any) -> Any:
        return default if r.is_null(keys.get(key)) else r.attempt(lambda: parse(keys[key]), default)

    capture = optional("capture", lambda n: _capture(r, n), ())
    total, per_device = optional("quota", lambda n: _quota(r, n), (None, ()))
    code = optional("completion_code", lambda n: _code(r, n), "")
    return RecruitSpec(
        completion_url=optional("completion_url", lambda n: _completion_url(r, n, capture), ""),
        completion_code=code,
        capture=capture,
        quota_total=total,
        quota_per_device=per_device,
        close_at=optional("close_at", lambda n: _close_at(r, n), None),
        screener=optional("screener", lambda n: parse_questions(r, n, "recruit.screener", screener=True), ()),
    )


def _capture(r: Reader, node: yaml.Node) -> tuple[str, ...]:
    field = "recruit.capture"
    names: list[str] = []

    def one(item: yaml.Node, sub: str) -> str:
        name = r.text(item, sub, "a link parameter name")
        if not PARAM_RE.match(name) or name in RESERVED_PARAMS:
            why = "a name uxlab uses itself" if name in RESERVED_PARAMS else "not a parameter name"
            r.fail(item, sub, f"{name!r} is {why} (expected letters, digits and '_')")
        if name in names:
            r.fail(item, sub, f"{name!r} is listed twice (expected each once)")
        names.append(name)
        return name

    r.items(node, field, "link parameter names", one)
    if len(names) > MAX_CAPTURED:
        r.fail(node, field, f"lists {len(names)} names (expected at most {MAX_CAPTURED})")
    return tuple(names)


def _completion_url(r: Reader, node: yaml.Node, capture: tuple[str, ...]) -> str:
    field = "recruit.completion_url"
    url = r.text(node, field, "an http(s) URL").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        r.fail(node, field, f"{url!r} is not an absolute http(s) URL")
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(url) if name is not None]
    except ValueError as error:
        r.fail(node, field, f"{error} (write a literal brace as {{{{ or }}}})")
    known = (*URL_FIELDS, *capture)
    for name in names:
        if name not in known:
            r.fail(node, field, f"unknown placeholder {{{name}}} (expected one of: {', '.join(known)})")
    return url


def _code(r: Reader, node: yaml.Node) -> str:
    value = r.value(node, "recruit.completion_code")
    code = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(code, str) or not CODE_RE.match(code):
        r.fail(
            node, "recruit.completion_code", "expected a code of letters, digits, '-' and '_' (at most 40)"
        )
    return code


def _quota(r: Reader, node: yaml.Node) -> tuple[int | None, tuple[tuple[str, int], ...]]:
    keys = r.mapping(node, "recruit.quota", QUOTA_KEYS)
    total = None
    if not r.is_null(keys.get("total")):
        total = int(
            r.number(keys["total"], "recruit.quota.total", minimum=1, integer=True, unit="participants")
        )
    per_device: list[tuple[str, int]] = []
    if not r.is_null(keys.get("per_device")):
        devices = r.mapping(keys["per_device"], "recruit.quota.per_device", DEVICES)
        for device in DEVICES:
            if device in devices:
                sub = f"recruit.quota.per_device.{device}"
                per_device.append((device, int(r.number(devices[device], sub, minimum=0, integer=True))))
    if total is None and not per_device:
        r.fail(node, "recruit.quota", "is empty (expected total, per_device or both)")
    return total, tuple(per_device)


def _close_at(r: Reader, node: yaml.Node) -> datetime:
    value = r.date(node, "recruit.close_at")
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # not a time: refused below, naming the forms
            value = datetime.fromisoformat(value.strip())
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        r.fail(
            node, "recruit.close_at", "expected a date (2027-01-31) or a time (2027-01-31T18:00:00Z) in UTC"
        )
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-23:59 is past year 9999 in UTC
        r.fail(
            node, "recruit.close_at", "is outside years 1 to 9999 in UTC (expected a date such as 2027-01-31)"
        )

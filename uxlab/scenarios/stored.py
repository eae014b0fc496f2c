"""Checked reading of a scenario's stored form: the plain JSON data ``Scenario.to_dict`` writes.

A stored version was validated as a file when it was loaded, so reading it back checks
its shape only: mappings with known keys, the required ones present, text where text
belongs, numbers, true/false, names from the format's lists. Anything else raises
ScenarioError naming the field (``tasks[2].success.url``), as a file's errors do.
Older uxlab versions wrote empty optional fields as ``""`` or ``None``; ``without_empty``
drops them, so they read as left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from uxlab.errors import ScenarioError

_MISSING: Any = object()


def without_empty(value: Any) -> Any:
    """Drop mapping keys whose value is ``""`` or None, at every depth (optional fields left out)."""
    if isinstance(value, dict):
        return {k: without_empty(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    names: dict[type, str] = {str: "text", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


class Fields:
    """One mapping of the stored form; each getter checks its value and names the field on failure."""

    def __init__(
        self, data: Any, field: str, path: str, allowed: Sequence[str] | None, required: Sequence[str] = ()
    ) -> None:
        """Check ``data``: a mapping of text keys, ``allowed`` ones only (any if None), ``required`` there."""
        self.field, self.path = field, path
        expected = "names" if allowed is None else ", ".join(allowed)
        if not isinstance(data, dict):
            self.fail("", f"expected a mapping of {expected}, got {_kind(data)}")
        for key in data:
            if not isinstance(key, str) or (allowed is not None and key not in allowed):
                self.fail(str(key), f"unknown key (expected {expected})")
        for key in required:
            if key not in data:
                self.fail(key, "missing")
        self.data: dict[str, Any] = data

    def name(self, key: str) -> str:
        """The field path of ``key`` in this mapping (``key`` may be ``[i]`` or ``''``)."""
        if not key:
            return self.field or "(document)"
        joiner = "" if key.startswith("[") or not self.field else "."
        return f"{self.field}{joiner}{key}"

    def fail(self, key: str, message: str) -> NoReturn:
        raise ScenarioError(message, path=self.path, field=self.name(key))

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.fail(key, "missing")
        return default

    def text(self, key: str, default: str | None = None) -> str:
        """The text under ``key``; ``default`` when left out (required when None)."""
        value = self.raw(key, _MISSING if default is None else default)
        if not isinstance(value, str):
            self.fail(key, f"expected text, got {_kind(value)}")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def number(self, key: str, default: float | None = None) -> float:
        """The number under ``key``; ``default`` when left out (required when None)."""
        value = self.raw(key, _MISSING if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(key, f"expected a number, got {_kind(value)}")
        return float(value)

    def optional_number(self, key: str) -> float | None:
        return self.number(key) if key in self.data else None

    def whole(self, key: str, default: int | None = None) -> int:
        """The whole number under ``key``; ``default`` when left out (required when None)."""
        value = self.number(key, default)
        if value != int(value):
            self.fail(key, f"expected a whole number, got {_kind(self.data[key])}")
        return int(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_kind(value)}")
        return value

    def choice(self, key: str, options: Sequence[str], default: str | None = None) -> str:
        """One of ``options`` under ``key``; ``default`` when left out (required when None)."""
        if key not in self.data and default is not None:
            return default
        value = self.raw(key)
        if not isinstance(value, str) or value not in options:
            self.fail(key, f"got {_kind(value)} {value!r} (expected one of: {', '.join(options)})")
        return value

    def items(self, key: str) -> Iterator[tuple[str, Any]]:
        """The elements of a list (none when left out) with their field names ``key[i]``."""
        values = self.raw(key, [])
        if not isinstance(values, list):
            self.fail(key, f"expected a list, got {_kind(values)}")
        return ((f"{self.name(key)}[{i}]", value) for i, value in enumerate(values))

    def texts(self, key: str, options: Sequence[str] | None = None) -> tuple[str, ...]:
        out = []
        for field, value in self.items(key):
            if not isinstance(value, str) or (options is not None and value not in options):
                expected = f"one of: {', '.join(options)}" if options is not None else "text"
                raise ScenarioError(f"got {value!r} (expected {expected})", path=self.path, field=field)
            out.append(value)
        return tuple(out)

    def mapping(self, key: str, allowed: Sequence[str] | None, required: Sequence[str] = ()) -> Fields:
        """The mapping under ``key`` (an empty one when left out)."""
        return Fields(self.raw(key, {}), self.name(key), self.path, allowed, required)

    def within(self, field: str, data: Any, allowed: Sequence[str], required: Sequence[str] = ()) -> Fields:
        """A mapping found elsewhere in this one (a list element), named by its full ``field``."""
        return Fields(data, field, self.path, allowed, required)

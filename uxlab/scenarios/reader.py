"""Read a YAML document node by node, so every error can name its file, line and field.

``yaml.compose`` keeps each node's position (``start_mark.line``, 0-based); this module
turns nodes into checked Python values and raises ScenarioError with the line, the field
path (``tasks[2].success.url``) and what was expected.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import yaml
from yaml.constructor import SafeConstructor

from uxlab.errors import ScenarioError
from uxlab.scenarios.scalars import (
    TIMESTAMP_TAG,
    UNBUILDABLE,
    DatesAsText,
    first_control,
    first_unbuildable,
    refused_tag,
    unbuildable,
)

NULL_TAG = "tag:yaml.org,2002:null"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
T = TypeVar("T")


def describe(value: Any) -> str:
    """Name what the file holds, for 'got ...' in messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if isinstance(value, set):
        return "a set (!!set)"
    return "a value of another kind"


class Noted(ScenarioError):
    """A part of the file that cannot be read because of a problem already in ``Reader.problems``."""

    def __init__(self) -> None:
        super().__init__("(noted)")


class Keys(dict[str, yaml.Node]):
    """The keys of a mapping; a key that is missing or was refused raises Noted (it is noted already)."""

    def __missing__(self, key: str) -> yaml.Node:
        raise Noted()


class Reader:
    """Turns the nodes of one file into values; every failure names path, line and field."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[ScenarioError] = []
        self._constructor = DatesAsText()

    def attempt(self, parse: Callable[[], T], default: T) -> T:
        """Run one independent part of the file; on an error, note it and go on with ``default``."""
        try:
            return parse()
        except Noted:
            return default
        except ScenarioError as error:
            self.problems.append(error)
            return default

    def each(self, parse: Callable[[], T]) -> T:
        """Run a part made of parts read with ``attempt``: Noted if any of them had a problem."""
        before = len(self.problems)
        value = parse()
        if len(self.problems) > before:
            raise Noted()
        return value

    def raise_problems(self) -> None:
        """Raise the first problem noted (by line), carrying the others in ``more``."""
        if self.problems:
            first, *more = sorted(self.problems, key=lambda e: e.line or 0)
            first.more = tuple(more)
            raise first

    def error(self, node: yaml.Node | None, field: str, message: str) -> ScenarioError:
        line = node.start_mark.line + 1 if node is not None else None
        return ScenarioError(message, path=self.path, line=line, field=field or "(document)")

    def note(self, node: yaml.Node | None, field: str, message: str) -> None:
        """Record a problem and go on (the file is refused by ``raise_problems``)."""
        self.problems.append(self.error(node, field, message))

    def fail(self, node: yaml.Node | None, field: str, message: str) -> NoReturn:
        raise self.error(node, field, message)

    def value(self, node: yaml.Node, field: str = "(value)") -> Any:
        """Build the plain Python value of a node (scalars, lists, mappings)."""
        control = first_control(node)
        if control is not None:
            self.fail(control[0], field, control[1])
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            self._constructor = DatesAsText()  # a failed build leaves its nodes marked "being built"
            bad, why = refused_tag(error, node)
            self.fail(bad, field, why)
        except UNBUILDABLE:
            self._constructor = DatesAsText()
            unbuilt = first_unbuildable(node)
            if unbuilt is None:
                self.fail(node, field, "is not plain YAML data (expected text, numbers, lists and mappings)")
            self.fail(unbuilt[0], field, unbuildable(*unbuilt))

    def date(self, node: yaml.Node, field: str) -> Any:
        """A date or time as YAML writes it (2027-01-31, 2027-01-31T18:00:00Z); anything else as ``value``."""
        if isinstance(node, yaml.ScalarNode) and node.tag == TIMESTAMP_TAG:
            try:
                return SafeConstructor().construct_yaml_timestamp(node)
            except UNBUILDABLE as error:
                self.fail(node, field, unbuildable(node, error))
        return self.value(node, field)

    def _got(self, node: yaml.Node, field: str) -> str:
        """What a node holds, for 'got ...' (a list's items are not built: their problems are other ones)."""
        if node.tag == SEQ_TAG:
            return "a list"
        if node.tag == MAP_TAG:
            return "a mapping"
        return describe(self.value(node, field))  # a tagged list or mapping: the tag may be the problem

    def mapping(
        self,
        node: yaml.Node,
        field: str,
        allowed: Sequence[str] | None,
        required: Sequence[str] = (),
        expected: str = "",
    ) -> Keys:
        """Check a mapping: text keys once each, only ``allowed`` ones (any if None), ``required`` present.

        A bad or missing key is noted and left out, so the rest of the mapping is still read
        (reading a left-out key raises Noted).
        """
        what = expected or f"a mapping with {', '.join(allowed or ())}"
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, field, f"expected {what}, got {self._got(node, field)}")
        out = Keys()
        seen: set[object] = set()
        hinted: set[str] = set()
        for key_node, value_node in node.value:
            key = self.value(key_node, field)
            written = key if isinstance(key, str) else getattr(key_node, "value", "")
            written = written if isinstance(written, str) else ""  # a list or mapping as a key
            sub = f"{field}.{written}" if field and written else written or field
            if not isinstance(key, str):
                self.note(key_node, sub, f"keys must be text, got {describe(key)} (expected {what})")
            elif key in seen:
                self.note(key_node, sub, "duplicate key (each key may appear once)")
                out.pop(key, None)
            elif allowed is not None and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.note(key_node, sub, f"unknown key ({hint}expected one of: {', '.join(allowed)})")
                hinted.update(close)  # a misspelt required key: the hint says all there is to say
            else:
                out[key] = value_node
            seen.add(key if isinstance(key, str) else id(key_node))
        for key in required:
            if key not in out and (key in seen or key in hinted):
                continue  # refused above: a duplicate, or a misspelling that named it
            if key not in out or out[key].tag == NULL_TAG:
                sub = f"{field}.{key}" if field else key
                self.note(out.get(key, node), sub, f"missing (required in {field or 'the scenario'})")
                out.pop(key, None)
        return out

    def sequence(self, node: yaml.Node, field: str, expected: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, field, f"expected a list of {expected}, got {self._got(node, field)}")
        return list(node.value)

    def items(
        self, node: yaml.Node, field: str, expected: str, read: Callable[[yaml.Node, str], T]
    ) -> list[T]:
        """Read a list's items each on its own, ``read(item, "field[i]")``, so a bad item hides not the next.

        Raises Noted after the last item when any had a problem: a check of the whole list
        (empty, too long) would only repeat it.
        """
        nodes = self.sequence(node, field, expected)
        before = len(self.problems)
        out: list[T] = []
        for i, item in enumerate(nodes):
            try:
                out.append(read(item, f"{field}[{i}]"))
            except Noted:
                continue
            except ScenarioError as error:
                self.problems.append(error)
        if len(self.problems) > before:
            raise Noted()
        return out

    def text(self, node: yaml.Node, field: str, expected: str = "text", *, empty: bool = False) -> str:
        value = self.value(node, field) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
            got = self._got(node, field)
            quote = " (put it in quotes)" if isinstance(value, int | float | bool) else ""
            self.fail(node, field, f"expected {expected}, got {got}{quote}")
        if not empty and not value.strip():
            self.fail(node, field, f"is empty (expected {expected})")
        return value

    def choice(self, node: yaml.Node, field: str, options: Sequence[str]) -> str:
        value = self.value(node, field) if isinstance(node, yaml.ScalarNode) else None
        if value not in options:
            got = self._got(node, field)
            close = difflib.get_close_matches(value, options, n=1) if isinstance(value, str) else []
            hint = f"did you mean '{close[0]}'? " if close else ""
            self.fail(node, field, f"got {got} ({hint}expected one of: {', '.join(options)})")
        return str(value)

    def boolean(self, node: yaml.Node, field: str) -> bool:
        value = self.value(node, field)
        if not isinstance(value, bool):
            self.fail(node, field, f"expected true or false, got {describe(value)}")
        return value

    def number(
        self,
        node: yaml.Node,
        field: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        unit: str = "",
    ) -> float:
        value = self.value(node, field)
        kind = "a whole number" if integer else "a number"
        what = f"{kind}{f' of {unit}' if unit else ''}"
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(node, field, f"expected {what}, got {describe(value)}")
        if integer and value != int(value):
            self.fail(node, field, f"expected {what}, got {describe(value)}")
        if minimum is not None and value < minimum:
            self.fail(node, field, f"is {value}, below the minimum (expected {what} >= {minimum:g})")
        if maximum is not None and value > maximum:
            self.fail(node, field, f"is {value}, above the maximum (expected {what} <= {maximum:g})")
        return int(value) if integer else float(value)

    def is_null(self, node: yaml.Node | None) -> bool:
        return node is None or node.tag == NULL_TAG

"""YAML scalars -> Python values: dates kept as the text written, and plain words for a bad value.

PyYAML's safe constructor turns ``2026-02-29`` into a date (or a ValueError: 2026 has no
29 February) and ``!!int abc`` into a ValueError; none of that is a YAMLError, so the
reader catches ``UNBUILDABLE`` and says which scalar could not be built, and why. A
quoted scalar may hold control characters through escapes; ``first_control`` finds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml
from yaml.constructor import SafeConstructor

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# What the constructors raise on a scalar they cannot build: 2027-02-30 and `!!int abc`
# (ValueError), `!!int ''` (IndexError), `!!bool maybe` (KeyError), `!!timestamp yesterday`
# (AttributeError).
UNBUILDABLE = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError)
# Control characters a quoted scalar can still hold through escapes ("\0", "\e", "\x7f"): a
# NUL cannot be stored in PostgreSQL text (and the events API refuses one), the others are
# invisible on a page. Tab and line breaks are text; lone surrogates cannot be encoded.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
KINDS = {"int": "whole number", "float": "number", "bool": "true/false value", "timestamp": "date"}


class DatesAsText(SafeConstructor):
    """PyYAML's safe constructor, except that a date stays the text written, valid or not.

    In a title, a touchpoint, an option or a slug, ``2026-02-29`` means those characters,
    not the date YAML 1.1 makes of them. Only ``recruit.close_at`` wants a date, and reads
    it with ``Reader.date``.
    """


DatesAsText.add_constructor(TIMESTAMP_TAG, lambda _constructor, node: node.value)


def unbuildable(node: yaml.ScalarNode, error: Exception) -> str:
    """Say why a scalar is not what its tag says: ``not a valid date: 2027-02-30 (day is out of ...)``."""
    short = node.tag.rsplit(":", 1)[-1]
    kind = KINDS.get(short, f"!!{short} value")
    if short == "timestamp" and len(node.value.strip()) > len("2027-01-31"):
        kind = "date and time"
    # Python's date errors are plain words ("month must be in 1..12"); the others repeat the value.
    detail = f" ({error})" if short == "timestamp" and isinstance(error, ValueError) else ""
    return f"not a valid {kind}: {_shown(node.value)}{detail}"


def first_control(node: yaml.Node) -> tuple[yaml.ScalarNode, str] | None:
    """The first scalar in ``node`` holding a ``CONTROL`` character, and why it is refused."""
    for scalar in _scalars(node):
        found = CONTROL.search(scalar.value)
        if found:
            code = f"U+{ord(found.group()):04X}"
            why = f"contains the control character {code} (expected text without control characters)"
            return scalar, why
    return None


def refused_tag(error: yaml.constructor.ConstructorError, node: yaml.Node) -> tuple[yaml.Node, str]:
    """The node a tag could not build (``node`` or one inside it) and why, in words, not PyYAML's."""
    mark = error.problem_mark
    at = (mark.line, mark.column) if mark else None
    bad = next((n for n in _nodes(node) if (n.start_mark.line, n.start_mark.column) == at), node)
    problem = error.problem or ""
    unknown = re.match(r"could not determine a constructor for the tag '(.*)'", problem)
    mismatch = re.match(r"expected a \w+ node, but found (\w+)", problem)
    if unknown:
        why = f"unknown tag {_short(unknown.group(1))}"
    elif mismatch:
        found = {"scalar": "a single value", "sequence": "a list"}.get(mismatch.group(1), "a mapping")
        why = f"{_short(bad.tag)} does not fit {found}"
    elif problem == "found unhashable key":
        why = "a list or a mapping is used as a key"
    else:
        why = problem
    return bad, f"{why} (expected plain YAML without tags)"


def first_unbuildable(node: yaml.Node) -> tuple[yaml.ScalarNode, Exception] | None:
    """The first scalar in ``node`` (itself or inside it, in file order) that cannot be built."""
    for scalar in _scalars(node):
        try:
            DatesAsText().construct_object(scalar)
        except UNBUILDABLE as error:
            return scalar, error
    return None


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    return (n for n in _nodes(node) if isinstance(n, yaml.ScalarNode))


def _nodes(node: yaml.Node) -> Iterator[yaml.Node]:
    """``node`` and the nodes inside it, in file order, each once."""
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:  # an alias: the same node again, or a node inside itself
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, yaml.SequenceNode):
            pending.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            pending.extend(reversed([n for pair in current.value for n in pair]))


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!", 1)


def _shown(text: str) -> str:
    return text if text.isprintable() and 0 < len(text) <= 40 else repr(text[:37] + "..." * (len(text) > 40))

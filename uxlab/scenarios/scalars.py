"""YAML scalars -> Python values: dates kept as the text written, and plain words for a bad value.

PyYAML's safe constructor turns ``2026-02-29`` into a date (or a ValueError: 2026 has no
29 February) and ``!!int abc`` into a ValueError; none of that is a YAMLError, so the
reader catches ``UNBUILDABLE`` and says which scalar could not be built, and why.
"""

from __future__ import annotations

import yaml
from yaml.constructor import SafeConstructor

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# What the constructors raise on a scalar they cannot build: 2027-02-30 and `!!int abc`
# (ValueError), `!!int ''` (IndexError), `!!bool maybe` (KeyError), `!!timestamp yesterday`
# (AttributeError).
UNBUILDABLE = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError)
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


def first_unbuildable(node: yaml.Node) -> tuple[yaml.ScalarNode, Exception] | None:
    """The first scalar in ``node`` (itself or inside it, in file order) that cannot be built."""
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:  # an alias: the same node again, or a node inside itself
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            try:
                DatesAsText().construct_object(current)
            except UNBUILDABLE as error:
                return current, error
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            pending.extend(reversed([n for pair in current.value for n in pair]))
    return None


def _shown(text: str) -> str:
    return text if text.isprintable() and 0 < len(text) <= 40 else repr(text[:37] + "..." * (len(text) > 40))

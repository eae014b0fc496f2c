"""Hypothesis strategies for JSON values matching a JSON Schema (the subset our OpenAPI document uses).

Covers type (one or a list), const, enum, properties/required (optional keys drawn or
left out; ``additionalProperties`` ignored, none added), items/minItems/maxItems,
minLength/maxLength/pattern, minimum/maximum, anyOf/oneOf, ``format: date-time`` and
local ``$ref``s. hypothesis-jsonschema would do this, but its last release (0.23.1)
fails on the Hypothesis this project pins; what is here is enough to reach the
validation and storage code behind each endpoint with plausible bodies.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MAX_ITEMS = 4


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    resolved: dict[str, Any] = node
    return resolved


def _string(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if schema.get("format") == "date-time":
        return st.datetimes().map(lambda moment: moment.isoformat() + "Z")
    if "pattern" in schema:
        longest = schema.get("maxLength", 64)
        return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda text: len(text) <= longest)
    return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 30), 30))


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if integer:
        return st.integers(min_value=low, max_value=high)
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def _object(root: dict[str, Any], schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    optional = [key for key in properties if key not in required]
    present = [key for key in required if key in properties]
    fixed = st.fixed_dictionaries({key: for_schema(root, properties[key]) for key in present})
    chosen = st.lists(st.sampled_from(optional), unique=True) if optional else st.just([])

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        value = draw(fixed)
        for key in draw(chosen):
            value[key] = draw(for_schema(root, properties[key]))
        return value

    return build()


def _typed(root: dict[str, Any], schema: dict[str, Any], kind: str) -> st.SearchStrategy[Any]:
    if kind == "object":
        return _object(root, schema)
    if kind == "array":
        items = for_schema(root, schema.get("items", {}))
        low = schema.get("minItems", 0)
        high = max(low, min(schema.get("maxItems", MAX_ITEMS), MAX_ITEMS))
        return st.lists(items, min_size=low, max_size=high)
    if kind == "string":
        return _string(schema)
    if kind in ("number", "integer"):
        return _number(schema, kind == "integer")
    return st.booleans() if kind == "boolean" else st.none()


def for_schema(root: dict[str, Any], schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return a strategy for values matching ``schema``; ``root`` resolves its ``#/...`` refs."""
    if "$ref" in schema:
        return st.deferred(lambda: for_schema(root, _resolve(root, schema["$ref"])))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return st.one_of([for_schema(root, option) for option in schema[combinator]])
    kinds = schema.get("type", "object" if "properties" in schema else None)
    if kinds is None:
        return st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    if isinstance(kinds, list):
        return st.one_of([_typed(root, schema, kind) for kind in kinds])
    return _typed(root, schema, kinds)

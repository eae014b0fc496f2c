"""Every route of an app, from its URL map, with arguments filled in (a new route is covered as is)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import AnyConverter, IntegerConverter, Rule


def _argument(rule: Rule, name: str, known: Mapping[str, Any]) -> Any:
    if name in known:
        return known[name]
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, AnyConverter):
        return next(iter(converter.items))  # type: ignore[attr-defined]
    return "x"


def urls(
    app: Flask, method: str, known: Mapping[str, Any], *, needing: str | None = None
) -> Iterator[tuple[str, str]]:
    """Yield (endpoint, URL) for every route answering ``method``; ``known`` gives argument values.

    ``needing``: only the routes with that argument (``"slug"``: the routes of one study).
    """
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if method not in (rule.methods or ()) or (needing and needing not in rule.arguments):
            continue
        values = {name: _argument(rule, name, known) for name in rule.arguments}
        yield rule.endpoint, adapter.build(rule.endpoint, values)

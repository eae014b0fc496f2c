"""The ``site:`` section of a scenario file: base URL, further origins, kept query parameters, retention.

Each field is read on its own, and each item of its lists, so that one run reports every
problem of the section (``Reader.attempt``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

from uxlab.scenarios.reader import Reader
from uxlab.scenarios.rules import inside_site
from uxlab.scenarios.site import SITE_KEYS, Site

BASE_URL = "an absolute http(s) URL or a path beginning with '/'"


def parse_site(r: Reader, node: yaml.Node) -> Site:
    return r.each(lambda: _site(r, r.mapping(node, "site", SITE_KEYS, ("base_url",))))


def _site(r: Reader, keys: dict[str, yaml.Node]) -> Site:
    base_url = r.attempt(lambda: _base_url(r, keys["base_url"]), "/")
    no_names: tuple[str, ...] = ()
    origins = no_names
    if not r.is_null(keys.get("origins")):
        origins = r.attempt(lambda: _origins(r, keys["origins"]), no_names)
    days = None
    if not r.is_null(keys.get("retention_days")):
        field = "site.retention_days"
        days = r.attempt(
            lambda: int(r.number(keys["retention_days"], field, minimum=1, integer=True, unit="days")), None
        )
    keep = no_names
    if not r.is_null(keys.get("keep_query")):
        keep = r.attempt(lambda: _keep_query(r, keys["keep_query"]), no_names)
    return Site(base_url=base_url, origins=origins, keep_query=keep, retention_days=days)


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower-case; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _base_url(r: Reader, node: yaml.Node) -> str:
    field = "site.base_url"
    base_url = r.text(node, field, BASE_URL).strip()
    if base_url.startswith("/"):
        if inside_site(base_url) is None or "?" in base_url or "#" in base_url:
            r.fail(node, field, f"{base_url!r} is not a plain path (expected {BASE_URL})")
    elif origin_of(base_url) is None or "?" in base_url or "#" in base_url:
        r.fail(node, field, f"{base_url!r} is not usable (expected {BASE_URL})")
    return base_url


def _origins(r: Reader, node: yaml.Node) -> tuple[str, ...]:
    def one(item: yaml.Node, field: str) -> str:
        text = r.text(item, field, "an origin like https://shop.example.com")
        origin = origin_of(text)
        if origin is None or origin != text.rstrip("/").lower():
            r.fail(item, field, f"{text!r} is not an origin (expected scheme://host[:port])")
        return origin

    return tuple(r.items(node, "site.origins", "origins", one))


def _keep_query(r: Reader, node: yaml.Node) -> tuple[str, ...]:
    def one(item: yaml.Node, field: str) -> str:
        name = r.text(item, field, "a query parameter name like page")
        if not name or any(c in name for c in "=&?# "):
            r.fail(item, field, f"{name!r} is not a query parameter name")
        return name

    return tuple(r.items(node, "site.keep_query", "query parameter names", one))

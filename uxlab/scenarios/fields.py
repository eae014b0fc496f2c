"""Top-level fields of a scenario file other than the site and the tasks, checked one by one."""

from __future__ import annotations

import re

import yaml

from uxlab.scenarios.reader import Reader, describe
from uxlab.scenarios.schema import CES_VERSIONS, QUESTIONNAIRES

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")


def slug(r: Reader, node: yaml.Node) -> str:
    value = r.text(node, "slug", "a slug of a-z, 0-9 and '-'")
    if not SLUG_RE.match(value):
        r.fail(node, "slug", f"{value!r} is not a slug (expected a-z, 0-9 and '-', at most 100)")
    return value


def product_name(
    r: Reader, keys: dict[str, yaml.Node], root: yaml.Node, questionnaires: tuple[str, ...]
) -> str:
    if not r.is_null(keys.get("product_name")):
        return r.text(keys["product_name"], "product_name", "the product's name")
    if {"nps", "csat", "ces"} & set(questionnaires):
        node = keys.get("product_name", keys.get("questionnaires", root))
        r.fail(node, "product_name", "missing (required when questionnaires include nps, csat or ces)")
    return ""


def ces_version(r: Reader, node: yaml.Node | None) -> str:
    if node is None or r.is_null(node):
        return "2.0"
    raw = r.value(node, "ces_version")
    ces_version = f"{raw:.1f}" if isinstance(raw, float) and not isinstance(raw, bool) else str(raw)
    if ces_version not in CES_VERSIONS:
        r.fail(node, "ces_version", f"got {describe(raw)} (expected one of: {', '.join(CES_VERSIONS)})")
    return ces_version


def variant_of(r: Reader, node: yaml.Node | None, slug: str) -> str | None:
    if node is None or r.is_null(node):
        return None
    name = r.text(node, "variant_of", "the slug of the study this one is a variant of")
    if not SLUG_RE.match(name) or name == slug:
        why = "this study's own slug" if name == slug else "not a slug"
        r.fail(node, "variant_of", f"{name!r} is {why} (expected another study's slug)")
    return name


def optional_bool(r: Reader, keys: dict[str, yaml.Node], key: str) -> bool:
    return False if r.is_null(keys.get(key)) else r.boolean(keys[key], key)


def questionnaires(r: Reader, node: yaml.Node | None) -> tuple[str, ...]:
    if r.is_null(node):
        return ()
    assert node is not None
    names: list[str] = []

    def one(item: yaml.Node, field: str) -> str:
        name = r.choice(item, field, QUESTIONNAIRES)
        if name in names:
            r.fail(item, field, f"{name} is listed twice (expected each once)")
        names.append(name)
        return name

    r.items(node, "questionnaires", f"questionnaire names ({', '.join(QUESTIONNAIRES)})", one)
    return tuple(names)

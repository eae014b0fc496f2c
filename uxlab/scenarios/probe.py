"""The ``probe:`` section of a scenario file: runs, profiles, pages and budgets."""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from uxlab.scenarios.probing import (
    AGGREGATES,
    BUDGET_KEYS,
    BUDGET_LEVELS,
    BUDGET_METRICS,
    BUILTIN_PROFILES,
    DEFAULT_PROFILES,
    DEFAULT_RUNS,
    PROBE_KEYS,
    PROFILE_KEYS,
    Budget,
    ProbePage,
    ProbeSpec,
    Profile,
)
from uxlab.scenarios.reader import Reader

PROFILE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SitePath = Callable[[Reader, yaml.Node, str], str]


def parse_probe(r: Reader, node: yaml.Node, site_path: SitePath) -> ProbeSpec:
    """Read ``probe:``; ``site_path`` checks a page path lies inside the site."""
    keys = r.mapping(node, "probe", PROBE_KEYS)
    runs = DEFAULT_RUNS
    if not r.is_null(keys.get("runs")):
        runs = int(r.number(keys["runs"], "probe.runs", minimum=1, maximum=15, integer=True, unit="runs"))
        if runs % 2 == 0:
            r.fail(
                keys["runs"], "probe.runs", f"is {runs} (expected an odd number, so one run is the median)"
            )
    defs = _profile_defs(r, keys.get("profile_defs"))
    names: tuple[str, ...] = DEFAULT_PROFILES
    if not r.is_null(keys.get("profiles")):
        known = (*BUILTIN_PROFILES, *(p.name for p in defs))
        found: list[str] = []
        for i, item in enumerate(r.sequence(keys["profiles"], "probe.profiles", "profile names")):
            name = r.choice(item, f"probe.profiles[{i}]", known)
            if name in found:
                r.fail(item, f"probe.profiles[{i}]", f"{name} is listed twice (expected each once)")
            found.append(name)
        if not found:
            r.fail(keys["profiles"], "probe.profiles", "is empty (expected at least one profile)")
        names = tuple(found)
    pages: list[ProbePage] = []
    if r.is_null(keys.get("pages")):
        pages.append(ProbePage("/"))
    else:
        for i, item in enumerate(r.sequence(keys["pages"], "probe.pages", "pages")):
            page = _page(r, item, f"probe.pages[{i}]", site_path)
            if any(p.path == page.path for p in pages):
                r.fail(
                    item, f"probe.pages[{i}].path", f"{page.path} is listed twice (expected each page once)"
                )
            pages.append(page)
    budgets = _budgets(r, keys.get("budgets"), "probe.budgets")
    return ProbeSpec(runs=runs, profiles=names, pages=tuple(pages), budgets=budgets, profile_defs=defs)


def _profile_defs(r: Reader, node: yaml.Node | None) -> tuple[Profile, ...]:
    if node is None or r.is_null(node):
        return ()
    out: list[Profile] = []
    for name, value in r.mapping(
        node, "probe.profile_defs", None, expected="a mapping of profile names"
    ).items():
        out.append(_profile(r, name, value, f"probe.profile_defs.{name}"))
    return tuple(out)


def _profile(r: Reader, name: str, node: yaml.Node, field: str) -> Profile:
    if name in BUILTIN_PROFILES or not PROFILE_NAME_RE.match(name):
        why = "is a built-in profile" if name in BUILTIN_PROFILES else "is not a name"
        r.fail(node, field, f"{name!r} {why} (expected a new name of a-z, 0-9, '-' and '_')")
    keys = r.mapping(node, field, PROFILE_KEYS, ("width", "height"))

    def num(
        key: str, unit: str, minimum: float, maximum: float, default: float, integer: bool = False
    ) -> float:
        if r.is_null(keys.get(key)):
            return default
        return r.number(
            keys[key], f"{field}.{key}", minimum=minimum, maximum=maximum, integer=integer, unit=unit
        )

    return Profile(
        width=int(num("width", "CSS pixels", 200, 4000, 0, True)),
        height=int(num("height", "CSS pixels", 200, 4000, 0, True)),
        cpu_slowdown=num("cpu_slowdown", "times", 1, 20, 1.0),
        rtt_ms=num("rtt_ms", "milliseconds", 0, 10000, 0.0),
        down_kbps=num("down_kbps", "kbit/s (0: no throttling)", 0, 1e7, 0.0),
        up_kbps=num("up_kbps", "kbit/s (0: no throttling)", 0, 1e7, 0.0),
        mobile=False if r.is_null(keys.get("mobile")) else r.boolean(keys["mobile"], f"{field}.mobile"),
        name=name,
    )


def _page(r: Reader, node: yaml.Node, field: str, site_path: SitePath) -> ProbePage:
    if isinstance(node, yaml.ScalarNode):
        return ProbePage(site_path(r, node, field))
    keys = r.mapping(node, field, ("path", "budgets"), ("path",))
    return ProbePage(
        site_path(r, keys["path"], f"{field}.path"), _budgets(r, keys.get("budgets"), f"{field}.budgets")
    )


def _budgets(r: Reader, node: yaml.Node | None, field: str) -> tuple[Budget, ...]:
    if node is None or r.is_null(node):
        return ()
    out: list[Budget] = []
    for i, item in enumerate(r.sequence(node, field, "budgets")):
        budget = _budget(r, item, f"{field}[{i}]")
        if any(b.metric == budget.metric for b in out):
            r.fail(item, f"{field}[{i}].metric", f"{budget.metric} has two budgets (expected one per metric)")
        out.append(budget)
    return tuple(out)


def _budget(r: Reader, node: yaml.Node, field: str) -> Budget:
    keys = r.mapping(node, field, BUDGET_KEYS, ("metric",))
    metric = r.choice(keys["metric"], f"{field}.metric", BUDGET_METRICS)
    upper = 1.0 if metric == "score" else None
    limits = {}
    for key in ("max", "min"):
        if not r.is_null(keys.get(key)):
            limits[key] = r.number(keys[key], f"{field}.{key}", minimum=0, maximum=upper, unit=_unit(metric))
    if not limits:
        r.fail(node, f"{field}.max", "missing (expected max and/or min)")
    if "max" in limits and "min" in limits and limits["min"] > limits["max"]:
        r.fail(keys["min"], f"{field}.min", f"{limits['min']:g} is above max {limits['max']:g}")
    level = (
        "error" if r.is_null(keys.get("level")) else r.choice(keys["level"], f"{field}.level", BUDGET_LEVELS)
    )
    aggregate = "median"
    if not r.is_null(keys.get("aggregate")):
        aggregate = r.choice(keys["aggregate"], f"{field}.aggregate", AGGREGATES)
    return Budget(metric, limits.get("max"), limits.get("min"), level, aggregate)


def _unit(metric: str) -> str:
    if metric.endswith("_ms"):
        return "milliseconds"
    if metric == "transfer_bytes":
        return "bytes"
    return {"score": "score 0..1", "cls": "layout shift score", "requests": "requests"}[metric]

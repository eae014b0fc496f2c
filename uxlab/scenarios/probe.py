"""The ``probe:`` section of a scenario file: runs, profiles, pages and budgets."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

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
    """Read ``probe:``; ``site_path`` checks a page path lies inside the site.

    Each field, list item and budget is read on its own, so one run reports every problem.
    """
    return r.each(lambda: _probe(r, r.mapping(node, "probe", PROBE_KEYS), site_path))


def _probe(r: Reader, keys: dict[str, yaml.Node], site_path: SitePath) -> ProbeSpec:
    runs = DEFAULT_RUNS
    if not r.is_null(keys.get("runs")):
        runs = r.attempt(lambda: _runs(r, keys["runs"]), DEFAULT_RUNS)
    defs: tuple[Profile, ...] = ()
    named: tuple[str, ...] | None = ()  # the names profile_defs gives, a refused profile's too
    if not r.is_null(keys.get("profile_defs")):
        expected = "a mapping of profile names"
        written = r.attempt(
            lambda: r.mapping(keys["profile_defs"], "probe.profile_defs", None, expected=expected), None
        )
        named = None if written is None else tuple(written)
        defs = _profile_defs(r, written or {})
    names: tuple[str, ...] = DEFAULT_PROFILES
    if not r.is_null(keys.get("profiles")):
        names = r.attempt(lambda: _profiles(r, keys["profiles"], named), DEFAULT_PROFILES)
    pages: tuple[ProbePage, ...] = (ProbePage("/"),)
    if not r.is_null(keys.get("pages")):
        pages = r.attempt(lambda: _pages(r, keys["pages"], site_path), pages)
    no_budgets: tuple[Budget, ...] = ()
    budgets = r.attempt(lambda: _budgets(r, keys.get("budgets"), "probe.budgets"), no_budgets)
    return ProbeSpec(runs=runs, profiles=names, pages=pages, budgets=budgets, profile_defs=defs)


def _runs(r: Reader, node: yaml.Node) -> int:
    runs = int(r.number(node, "probe.runs", minimum=1, maximum=15, integer=True, unit="runs"))
    if runs % 2 == 0:
        r.fail(node, "probe.runs", f"is {runs} (expected an odd number, so one run is the median)")
    return runs


def _profiles(r: Reader, node: yaml.Node, named: tuple[str, ...] | None) -> tuple[str, ...]:
    """The profile names; with ``named`` None (profile_defs unreadable) any name is taken as defined."""
    found: list[str] = []

    def one(item: yaml.Node, field: str) -> str:
        if named is None:
            name = r.text(item, field, "a profile name")
        else:
            name = r.choice(item, field, (*BUILTIN_PROFILES, *named))
        if name in found:
            r.fail(item, field, f"{name} is listed twice (expected each once)")
        found.append(name)
        return name

    r.items(node, "probe.profiles", "profile names", one)
    if not found:
        r.fail(node, "probe.profiles", "is empty (expected at least one profile)")
    return tuple(found)


def _profile_defs(r: Reader, written: dict[str, yaml.Node]) -> tuple[Profile, ...]:
    """The profiles that could be read (``parse_probe`` refuses the section when any could not)."""
    read = [
        r.attempt(partial(_profile, r, name, node, f"probe.profile_defs.{name}"), None)
        for name, node in written.items()
    ]
    return tuple(profile for profile in read if profile is not None)


def _profile(r: Reader, name: str, node: yaml.Node, field: str) -> Profile:
    if name in BUILTIN_PROFILES or not PROFILE_NAME_RE.match(name):
        why = "is a built-in profile" if name in BUILTIN_PROFILES else "is not a name"
        r.fail(node, field, f"{name!r} {why} (expected a new name of a-z, 0-9, '-' and '_')")
    return r.each(
        lambda: _profile_fields(r, name, r.mapping(node, field, PROFILE_KEYS, ("width", "height")), field)
    )


def _profile_fields(r: Reader, name: str, keys: dict[str, yaml.Node], field: str) -> Profile:
    def num(
        key: str, unit: str, minimum: float, maximum: float, default: float, integer: bool = False
    ) -> float:
        if r.is_null(keys.get(key)):
            return default
        sub = f"{field}.{key}"
        return r.attempt(
            lambda: r.number(keys[key], sub, minimum=minimum, maximum=maximum, integer=integer, unit=unit),
            default,
        )

    def flag(key: str) -> bool:
        if r.is_null(keys.get(key)):
            return False
        return r.attempt(lambda: r.boolean(keys[key], f"{field}.{key}"), False)

    return Profile(
        width=int(num("width", "CSS pixels", 200, 4000, 0, True)),
        height=int(num("height", "CSS pixels", 200, 4000, 0, True)),
        cpu_slowdown=num("cpu_slowdown", "times", 1, 20, 1.0),
        rtt_ms=num("rtt_ms", "milliseconds", 0, 10000, 0.0),
        down_kbps=num("down_kbps", "kbit/s (0: no throttling)", 0, 1e7, 0.0),
        up_kbps=num("up_kbps", "kbit/s (0: no throttling)", 0, 1e7, 0.0),
        mobile=flag("mobile"),
        name=name,
    )


def _pages(r: Reader, node: yaml.Node, site_path: SitePath) -> tuple[ProbePage, ...]:
    pages: list[ProbePage] = []

    def one(item: yaml.Node, field: str) -> ProbePage:
        page = _page(r, item, field, site_path)
        if any(p.path == page.path for p in pages):
            r.fail(item, f"{field}.path", f"{page.path} is listed twice (expected each page once)")
        pages.append(page)
        return page

    r.items(node, "probe.pages", "pages", one)
    return tuple(pages)


def _page(r: Reader, node: yaml.Node, field: str, site_path: SitePath) -> ProbePage:
    if isinstance(node, yaml.ScalarNode):
        return ProbePage(site_path(r, node, field))
    return r.each(
        lambda: _page_fields(r, r.mapping(node, field, ("path", "budgets"), ("path",)), field, site_path)
    )


def _page_fields(r: Reader, keys: dict[str, yaml.Node], field: str, site_path: SitePath) -> ProbePage:
    path = r.attempt(lambda: site_path(r, keys["path"], f"{field}.path"), "/")
    no_budgets: tuple[Budget, ...] = ()
    budgets = r.attempt(lambda: _budgets(r, keys.get("budgets"), f"{field}.budgets"), no_budgets)
    return ProbePage(path, budgets)


def _budgets(r: Reader, node: yaml.Node | None, field: str) -> tuple[Budget, ...]:
    if node is None or r.is_null(node):
        return ()
    out: list[Budget] = []

    def one(item: yaml.Node, sub: str) -> Budget:
        budget = _budget(r, item, sub)
        if any(b.metric == budget.metric for b in out):
            r.fail(item, f"{sub}.metric", f"{budget.metric} has two budgets (expected one per metric)")
        out.append(budget)
        return budget

    r.items(node, field, "budgets", one)
    return tuple(out)


def _budget(r: Reader, node: yaml.Node, field: str) -> Budget:
    return r.each(lambda: _budget_fields(r, node, r.mapping(node, field, BUDGET_KEYS, ("metric",)), field))


def _budget_fields(r: Reader, node: yaml.Node, keys: dict[str, yaml.Node], field: str) -> Budget:
    """Each field on its own; with the metric unreadable, max and min are checked without its unit."""
    metric = r.attempt(lambda: r.choice(keys["metric"], f"{field}.metric", BUDGET_METRICS), "")
    upper = 1.0 if metric == "score" else None
    limits = {}
    for key in ("max", "min"):
        if not r.is_null(keys.get(key)):
            read = partial(
                r.number, keys[key], f"{field}.{key}", minimum=0, maximum=upper, unit=_unit(metric)
            )
            limits[key] = r.attempt(read, None)
    if not limits:
        r.note(node, f"{field}.max", "missing (expected max and/or min)")
    low, high = limits.get("min"), limits.get("max")
    if low is not None and high is not None and low > high:
        r.note(keys["min"], f"{field}.min", f"{low:g} is above max {high:g}")
    level = "error"
    if not r.is_null(keys.get("level")):
        level = r.attempt(lambda: r.choice(keys["level"], f"{field}.level", BUDGET_LEVELS), level)
    aggregate = "median"
    if not r.is_null(keys.get("aggregate")):
        aggregate = r.attempt(
            lambda: r.choice(keys["aggregate"], f"{field}.aggregate", AGGREGATES), aggregate
        )
    return Budget(metric, high, low, level, aggregate)


def _unit(metric: str) -> str:
    """The unit a metric's limits are in ("" when the metric is not known)."""
    if metric.endswith("_ms"):
        return "milliseconds"
    if metric == "transfer_bytes":
        return "bytes"
    return {"score": "score 0..1", "cls": "layout shift score", "requests": "requests"}.get(metric, "")

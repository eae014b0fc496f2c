"""The probe report: one typed contract for the client, the upload endpoint and the reports.

``uxlab probe`` writes :func:`to_json`; the server reads an upload with :func:`from_json`,
which validates it against ``docs/schemas/probe-report-v1.schema.json`` (shipped as
``uxlab/schemas``) and refuses what the schema cannot express (NaN, nesting deeper than
``MAX_DEPTH``). :func:`stored_budgets` reads reports stored before validation existed,
skipping what does not match. Pure: no Flask, database or browser (``jsonschema`` is
imported only when a report is validated).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from uxlab.errors import BadRequest

SCHEMA_VERSION = "uxlab-probe/1"
SCHEMA_FILE = "probe-report-v1.schema.json"
# fmt: off
METRICS = ("ttfb_ms", "fcp_ms", "lcp_ms", "si_ms", "cls", "tbt_ms", "dcl_ms", "load_ms",
           "requests", "transfer_bytes")
# fmt: on
MAX_DEPTH = 12  # a valid report nests 6 levels (report > pages > page > runs > run > metrics)
# Decimals kept per metric: a tenth of a millisecond is below any timer's honesty, CLS is
# reported by Chrome with 4 significant digits, counts are whole, the score has Lighthouse's 2.
PRECISION = {**{m: 1 for m in METRICS if m.endswith("_ms")}, "cls": 4, "requests": 0, "transfer_bytes": 0}
SCORE_PRECISION = 2

MetricValues = Mapping[str, float | None]


def round_metric(metric: str, value: float | None) -> float | None:
    """Return ``value`` rounded to the metric's precision (``PRECISION``; 3 decimals if unlisted)."""
    if value is None:
        return None
    return float(round(value, PRECISION.get(metric, 3)))


@dataclass(frozen=True)
class Run:
    """One page load: metrics (ms, CLS unitless, bytes), HTTP status, uncaught page errors."""

    metrics: MetricValues
    status: int
    errors: tuple[str, ...] = ()
    wall_s: float = 0.0
    score: float | None = None


@dataclass(frozen=True)
class BudgetResult:
    """A budget judged over a page's runs: the aggregated value and whether it passed."""

    metric: str
    aggregate: str
    level: str
    max: float | None
    min: float | None
    value: float | None
    passed: bool

    def limit(self) -> float | None:
        """The budget's line on a chart: its maximum, else its minimum."""
        return self.max if self.max is not None else self.min


@dataclass(frozen=True)
class PageResult:
    """A page in one profile: its runs, the representative run's metrics and score, budgets."""

    path: str
    url: str
    profile: str
    form_factor: str
    runs: tuple[Run, ...]
    representative_run: int
    metrics: MetricValues
    score: float | None
    ratings: Mapping[str, str]
    budgets: tuple[BudgetResult, ...] = ()


@dataclass(frozen=True)
class Step:
    """One step of a task path."""

    action: str
    target: str
    passed: bool
    duration_ms: float


@dataclass(frozen=True)
class TaskResult:
    """A task's ideal path walked in one profile; ``failed_step`` is 1-based."""

    id: str
    profile: str
    passed: bool
    error: str | None
    steps: tuple[Step, ...]
    duration_ms: float
    failed_step: int | None = None
    screenshot: str | None = None


@dataclass(frozen=True)
class Build:
    """The build a report measured: commit, branch and time (ISO 8601, UTC)."""

    commit: str | None = None
    branch: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Summary:
    """Counts of failures and the exit code (1: an error budget or a task path failed)."""

    pages: int
    budgets_failed_error: int
    budgets_failed_warn: int
    tasks_failed: int
    exit_code: int


@dataclass(frozen=True)
class ProbeReport:
    """What ``uxlab probe --json`` writes and ``POST /api/v1/probes`` accepts."""

    study: str | None
    started_at: str
    duration_s: float
    runs: int
    concurrency: int
    notes: tuple[str, ...]
    pages: tuple[PageResult, ...]
    tasks: tuple[TaskResult, ...]
    summary: Summary
    build: Build | None = None
    schema: str = field(default=SCHEMA_VERSION)


def to_json(report: ProbeReport) -> dict[str, Any]:
    """Return the report as JSON-ready data (the shape the schema describes)."""
    data = dataclasses.asdict(report)
    if report.build is None:
        del data["build"]
    elif report.build.time is None:
        del data["build"]["time"]
    for task in data["tasks"]:
        if task["screenshot"] is None:
            del task["screenshot"]
    return data


def dumps(report: ProbeReport) -> str:
    """Return the report as indented JSON text."""
    return json.dumps(to_json(report), indent=2) + "\n"


def from_json(data: Any) -> ProbeReport:
    """Validate ``data`` against the published schema and return it as a typed report.

    BadRequest names the first problem and its JSON path (``field``, e.g. ``pages[0].runs``).
    """
    _check_shape(data)
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object (a uxlab probe --json report)")
    if data.get("schema") != SCHEMA_VERSION:  # the version decides what the rest must look like
        raise BadRequest(f"schema must be {SCHEMA_VERSION!r}", field="schema")
    error = _first_error(data, None)
    if error is not None:
        raise error
    report: ProbeReport = _build(ProbeReport, data)
    return report


def _check_shape(data: Any) -> None:
    """Refuse what JSON Schema cannot: nesting deeper than MAX_DEPTH, non-finite numbers."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadRequest(f"nested deeper than {MAX_DEPTH} levels", field=where or None)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                path = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else str(key)
                stack.append((item, depth + 1, path))
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadRequest("numbers must be finite", field=where or None)


@cache
def schema() -> dict[str, Any]:
    """Return the published JSON schema of the report."""
    text = resources.files("uxlab").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(definition: str | None) -> Any:
    import jsonschema  # only the server validates: the probe client starts faster without it

    root = schema()
    target = root if definition is None else {**root, "$ref": f"#/$defs/{definition}"}
    if definition is not None:
        target = {k: v for k, v in target.items() if k not in ("required", "properties", "type")}
    return jsonschema.Draft202012Validator(target)


def _first_error(data: Any, definition: str | None) -> BadRequest | None:
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator(definition).iter_errors(data))
    if error is None:
        return None
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
    return BadRequest(f"{path or 'report'}: {message}", field=path or None)


def _build(cls: Any, data: dict[str, Any]) -> Any:
    """Build dataclass ``cls`` from validated JSON data, converting by the field types."""
    hints = get_type_hints(cls)
    # A key the schema lets a report leave out (``study``) is None here, default or not.
    missing = dataclasses.MISSING
    return cls(
        **{
            f.name: _convert(hints[f.name], data.get(f.name))
            for f in fields(cls)
            if f.name in data or (f.default is missing and f.default_factory is missing)
        }
    )


def _convert(hint: Any, value: Any) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if value is None:
        return None
    if dataclasses.is_dataclass(hint):
        return _build(hint, value)
    if origin is tuple:
        return tuple(_convert(args[0], item) for item in value)
    if origin in (Union, UnionType):
        return _convert(next(a for a in args if a is not type(None)), value)
    if origin is Mapping:
        return {key: _convert(args[1], item) for key, item in value.items()}
    return float(value) if hint is float else value


def stored_budgets(stored: Any) -> dict[str, tuple[BudgetResult, ...]]:
    """Return the budgets of each page path in a stored report (the first entry of a path wins).

    Reports stored before uploads were validated may hold anything: entries that do not
    match the schema's budget definition are left out rather than trusted.
    """
    pages = stored.get("pages") if isinstance(stored, dict) else None
    out: dict[str, tuple[BudgetResult, ...]] = {}
    for page in pages if isinstance(pages, list) else []:
        path = page.get("path") if isinstance(page, dict) else None
        if isinstance(path, str) and path not in out:
            budgets = page.get("budgets")
            entries = budgets if isinstance(budgets, list) else []
            out[path] = tuple(_build(BudgetResult, b) for b in entries if _is_budget(b))
    return out


def _is_budget(data: Any) -> bool:
    try:
        _check_shape(data)
    except BadRequest:
        return False
    return _first_error(data, "budget") is None

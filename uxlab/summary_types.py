"""The CX summary's data: frozen dataclasses, their JSON form, the filters that made them.

``CXSummary.to_dict()`` follows the JSON Schema in ``docs/schema/cx-summary-v1.json``
(``SCHEMA_VERSION``); change both together and bump the version on incompatible changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from uxlab.errors import BadRequest
from uxlab.metrics.results import Estimate

SCHEMA_VERSION = "uxlab-cx-summary/1"
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
DEVICE_CLASSES = ("desktop", "phone", "tablet")
STATUSES = ("good", "watch", "poor", "no-data")
TIME_SAMPLE = 200


@dataclass(frozen=True)
class Filters:
    """Which results a summary covers: device class, session start dates (inclusive), version number."""

    device: str | None = None
    since: date | None = None
    until: date | None = None
    version: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Parse query parameters ``device``, ``since``, ``until`` (YYYY-MM-DD), ``version``; empty = any."""
        device = (args.get("device") or "").strip() or None
        if device is not None and device not in DEVICE_CLASSES:
            raise BadRequest(f"device must be one of {', '.join(DEVICE_CLASSES)}", field="device")
        dates = {}
        for name in ("since", "until"):
            raw = (args.get(name) or "").strip()
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                raise BadRequest(f"{name} must be a date like 2026-11-25", field=name) from None
        if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
            raise BadRequest("since must not be after until", field="since")
        raw_version = (args.get("version") or "").strip()
        if raw_version and not (raw_version.isdigit() and 0 < int(raw_version) < 1_000_000):
            raise BadRequest("version must be a study version number", field="version")
        return cls(device, dates["since"], dates["until"], int(raw_version) if raw_version else None)

    def to_args(self) -> dict[str, str]:
        """The filters as query parameters (only those set)."""
        out = {"device": self.device, "since": self.since, "until": self.until, "version": self.version}
        return {k: str(v) for k, v in out.items() if v is not None}

    def without_version(self) -> Filters:
        return replace(self, version=None)


@dataclass(frozen=True)
class Figure:
    """A headline figure: value with interval and n; ``unit`` says how to read the value."""

    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    unit: str
    method: str = ""
    note: str = ""

    @classmethod
    def of(cls, key: str, label: str, unit: str, estimate: Estimate | None, note: str = "") -> Figure:
        """A figure from a metrics Estimate (None: no data yet)."""
        if estimate is None:
            return cls(key, label, None, None, None, 0, unit, "", note or "no data")
        return cls(
            key,
            label,
            estimate.estimate,
            estimate.low,
            estimate.high,
            estimate.n,
            unit,
            estimate.method,
            note,
        )


@dataclass(frozen=True)
class TaskRow:
    """One task's figures (tasks of different versions with the same id are pooled)."""

    key: str
    prompt: str
    stage: str
    touchpoint: str
    target_time_s: float | None
    attempts: int
    successes: int
    direct: int
    give_ups: int
    timeouts: int
    failures: int
    success: Estimate | None
    direct_share: Estimate | None
    indirect_share: Estimate | None
    time_s: Estimate | None
    seq: Estimate | None
    sum_pct: float | None
    sum_left_out: dict[str, str]
    failure_pages: tuple[tuple[str, int], ...]
    times_s: tuple[float, ...]  # successful times; at most TIME_SAMPLE evenly spaced quantiles
    page_status: str
    status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Touchpoint:
    """A touchpoint of a journey stage: its tasks and their rolled-up status."""

    name: str
    tasks: tuple[str, ...]
    status: str
    success: Estimate | None
    seq: Estimate | None
    page_status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Stage:
    """A journey stage: pooled figures of its tasks, its touchpoints and a status."""

    stage: str
    tasks: tuple[str, ...]
    touchpoints: tuple[Touchpoint, ...]
    success: Estimate | None
    seq: Estimate | None
    status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PageSpeed:
    """A probed page and profile: p75 of each Core Web Vital over the runs, and whether it passes."""

    page: str
    profile: str
    runs: int
    p75: dict[str, float]
    ratings: dict[str, str]
    passes: bool
    status: str
    history: tuple[tuple[str, float | None], ...] = ()  # (build label, score) of recent uploads
    score_budget: float | None = None


@dataclass(frozen=True)
class Day:
    """Participation on one day (UTC): sessions started and finished."""

    day: str
    started: int
    finished: int


@dataclass(frozen=True)
class Comment:
    """A participant's free-text answer (shown to researchers; on share links only when included)."""

    day: str
    version: int
    text: str


@dataclass(frozen=True)
class Finding:
    """One entry of the ranked findings: what, about which subject, and how bad (0..1)."""

    kind: str
    subject: str
    text: str
    severity: float


@dataclass(frozen=True)
class CXSummary:
    """Everything the dashboard, journey map and exports show about one study."""

    slug: str
    title: str
    filters: Filters
    versions: tuple[int, ...]
    generated_at: datetime
    metrics_version: str
    participants: int
    finished: int
    attempts: int
    headline: tuple[Figure, ...]
    sus_grade: str | None
    sus_percentile: float | None
    nps_counts: dict[str, int]
    ces_version: str | None
    tasks: tuple[TaskRow, ...]
    stages: tuple[Stage, ...]
    pages: tuple[PageSpeed, ...]
    participation: tuple[Day, ...]
    findings: tuple[Finding, ...]
    comments: tuple[Comment, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def without_free_text(self) -> CXSummary:
        """The same summary with participants' free-text answers left out."""
        return replace(self, comments=(), notes=(*self.notes, "Free-text answers are not shared."))

    def figure(self, key: str) -> Figure:
        """The headline figure ``key`` (task_success, time_on_task_s, seq, sus, ...)."""
        return next(f for f in self.headline if f.key == key)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-able data (schema ``SCHEMA_VERSION``; NaN becomes null)."""
        data = _clean(asdict(self))
        data["filters"] = {
            "device": self.filters.device,
            "since": self.filters.since.isoformat() if self.filters.since else None,
            "until": self.filters.until.isoformat() if self.filters.until else None,
            "version": self.filters.version,
        }
        data["generated_at"] = self.generated_at.isoformat()
        for task in data["tasks"]:
            task["failure_pages"] = [{"page": p, "count": c} for p, c in task["failure_pages"]]
        for page in data["pages"]:
            page["history"] = [{"build": b, "score": v} for b, v in page["history"]]
        return {"schema": SCHEMA_VERSION, **data}


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value

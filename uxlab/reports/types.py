"""The CX summary's data: frozen dataclasses and their JSON form (the filters: ``reports.filters``).

``CXSummary.to_dict()`` follows the JSON Schema ``docs/schemas/cx-summary-v2.schema.json``
(``SCHEMA_VERSION``; written by ``reports.figure_dicts``), ``to_dict(version=1)`` the old
``docs/schema/cx-summary-v1.json``; change schema and code together and bump the version
on incompatible changes. Every figure is in the vocabulary of ``uxlab.metrics.results``
(value, low, high, n, unit of ``metrics.units.UNITS``, method of ``metrics.registry``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from uxlab.metrics import units
from uxlab.metrics.results import Estimate, TestResult, v1_estimate_dict
from uxlab.reports import figure_dicts
from uxlab.reports.figure_dicts import NO_DATA_METHODS, QUESTIONNAIRE_FIGURES, clean
from uxlab.reports.filters import Filters

SCHEMA_VERSION = "uxlab-cx-summary/2"
SCHEMA_V1 = "uxlab-cx-summary/1"
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
STATUSES = ("good", "watch", "poor", "no-data")
TIME_SAMPLE = 200


@dataclass(frozen=True)
class Figure:
    """A headline figure: value with interval and n; ``unit`` (a key of ``units.UNITS``) says how to read it.

    ``method`` is the registry key of the metric that made it, also when there is no data
    (``NO_DATA_METHODS``); ``note`` holds the estimate's own note (e.g. a widened NPS interval).
    """

    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    unit: str
    method: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        units.unit(self.unit)

    @classmethod
    def of(cls, key: str, label: str, unit: str, estimate: Estimate | None, note: str = "") -> Figure:
        """A figure from a metrics Estimate (None: no data yet); the estimate's unit wins over ``unit``."""
        if estimate is None:
            return cls(key, label, None, None, None, 0, unit, NO_DATA_METHODS.get(key, ""), note or "no data")
        notes = "; ".join(part for part in (note, estimate.note) if part)
        return cls(
            key,
            label,
            estimate.value,
            estimate.low,
            estimate.high,
            estimate.n,
            estimate.unit,
            estimate.method,
            notes,
        )


@dataclass(frozen=True, kw_only=True)
class TaskRow:
    """One task's figures (tasks of different versions with the same id are pooled); keywords only."""

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
    seq_vs_average: TestResult | None = None  # mean SEQ against 5.5 (one-sample t)


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


@dataclass(frozen=True, kw_only=True)
class CXSummary:
    """Everything the dashboard, journey map and exports show about one study; keywords only."""

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
    questionnaires: tuple[str, ...] | None = None  # those the newest version asks (None: unknown)
    # sus_learnability, sus_usability, umux_lite_sus_equivalent, ces_favourable (None: no answers)
    questionnaire_details: dict[str, Estimate | None] = field(default_factory=dict)
    excluded: int = 0  # the study's excluded participants (left out unless filters.with_excluded)

    def asks(self, questionnaire: str) -> bool:
        """Whether the study asks ``questionnaire`` (task figures and unknown lists: always)."""
        return (
            self.questionnaires is None
            or questionnaire in self.questionnaires
            or (questionnaire not in QUESTIONNAIRE_FIGURES)
        )

    def without_free_text(self) -> CXSummary:
        """The same summary with participants' free-text answers left out."""
        return replace(self, comments=(), notes=(*self.notes, "Free-text answers are not shared."))

    def figure(self, key: str) -> Figure:
        """The headline figure ``key`` (task_success, time_on_task_s, seq, sus, ...)."""
        return next(f for f in self.headline if f.key == key)

    def to_dict(self, version: int = 2) -> dict[str, Any]:
        """The summary as JSON-able data in schema ``SCHEMA_VERSION`` (or 1: ``SCHEMA_V1``); NaN is null."""
        if version == 2:
            return figure_dicts.summary_v2(self)
        data = clean(asdict(self, dict_factory=v1_estimate_dict))
        for new in ("questionnaires", "questionnaire_details", "excluded"):
            data.pop(new)
        data["filters"] = {
            "device": self.filters.device,
            "since": self.filters.since.isoformat() if self.filters.since else None,
            "until": self.filters.until.isoformat() if self.filters.until else None,
            "version": self.filters.version,
            "language": self.filters.language,
            "finished": self.filters.finished,
            "link": ":".join(self.filters.link) if self.filters.link else None,
        }
        data["generated_at"] = self.generated_at.isoformat()
        for task in data["tasks"]:
            task.pop("seq_vs_average")
            task["failure_pages"] = [{"page": p, "count": c} for p, c in task["failure_pages"]]
        for page in data["pages"]:
            page["history"] = [{"build": b, "score": v} for b, v in page["history"]]
        return {"schema": SCHEMA_V1, **data}

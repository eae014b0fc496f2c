"""The JSON form of report figures: one vocabulary for the CX summary and the comparison.

Every figure is written as ``{"value", "low", "high", "n", "unit", "method", "note"}``
(``FIGURE_FIELDS``, the vocabulary of ``uxlab.metrics.results``): ``unit`` a key of
``metrics.units.UNITS``, ``method`` a name of ``metrics.registry``, ``value`` null when there is
no data. Writes schema ``uxlab-cx-summary/2`` (``docs/schemas/cx-summary-v2.schema.json``);
``comparison.Comparison.to_dict`` writes ``uxlab-comparison/1`` with the same figures.

This module reads the summary's dataclasses by attribute and does not import them, so that
``types`` can call it.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from uxlab.metrics import registry, units
from uxlab.metrics.questionnaires import SEQ_AVERAGE
from uxlab.metrics.rates import AVERAGE_COMPLETION_RATE, best_point_estimate, versus_benchmark
from uxlab.metrics.sus import sus_percentile

FIGURE_FIELDS = ("value", "low", "high", "n", "unit", "method", "note")

NO_DATA_METHODS = {
    "task_success": "completion_rate",
    "time_on_task_s": "time_on_task_s",
    "seq": "seq_mean",
    "sus": "sus_summary",
    "umux_lite": "umux_lite",
    "nps": "nps",
    "csat": "csat",
    "ces": "ces",
    "sum": "single_usability_metric",
    "cwv_pass_rate": "completion_rate",
}
"""The metric each headline figure comes from, for the figures without data."""

QUESTIONNAIRE_FIGURES = ("sus", "umux_lite", "nps", "csat", "ces")
"""Headline figures that exist only when the study asks their questionnaire."""

# Names of schema 2 where schema 1 used another one (the per-task and headline names now agree).
HEADLINE_KEYS = {"time_on_task_s": "time_on_task"}


def clean(value: Any) -> Any:
    """JSON-able data: NaN and infinity become null, dates ISO text, tuples lists."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def figure(
    value: float | None,
    unit: str,
    method: str,
    n: int = 0,
    low: float | None = None,
    high: float | None = None,
    note: str = "",
) -> dict[str, Any]:
    """One figure in the vocabulary (unit and method checked against their tables)."""
    registry.get(method)
    return clean(
        {"value": value, "low": low, "high": high, "n": n, "unit": units.unit(unit), "method": method,
         "note": note}
    )  # fmt: skip


def estimate(est: Any, note: str = "") -> dict[str, Any] | None:
    """An ``Estimate`` (or a result with its vocabulary) as a figure; None stays None."""
    if est is None:
        return None
    notes = "; ".join(part for part in (note, est.note) if part)
    out = figure(est.value, est.unit, est.method, est.n, est.low, est.high, notes)
    confidence = getattr(est, "confidence", None)
    return out if confidence is None else {**out, "confidence": confidence}


def test(result: Any, **extra: Any) -> dict[str, Any] | None:
    """A ``TestResult``: the test's name, statistic, p-value and its effect as a figure."""
    if result is None:
        return None
    return {
        "name": result.test,
        "method": registry.get(result.method).name,
        "statistic": result.statistic,
        "p_value": result.p_value,
        "df": result.df,
        "alternative": result.alternative,
        **extra,
        "effect": estimate(result.effect),
        "note": result.note,
    }


def headline_figure(fig: Any) -> dict[str, Any]:
    """A summary's headline ``Figure``: its key and label, then the vocabulary."""
    method = fig.method or NO_DATA_METHODS[fig.key]
    body = figure(fig.value, fig.unit, method, fig.n, fig.low, fig.high, fig.note)
    return {"key": HEADLINE_KEYS.get(fig.key, fig.key), "label": fig.label, **body}


def _task(row: Any) -> dict[str, Any]:
    left_out = "; ".join(f"{name} left out ({why})" for name, why in row.sum_left_out.items())
    total: dict[str, Any] | None = None
    best: dict[str, Any] | None = None
    benchmark: dict[str, Any] | None = None
    if row.attempts:
        point = best_point_estimate(row.successes, row.attempts)
        best = figure(point.value, point.unit, point.method, point.n, note=f"rule: {point.rule}")
        benchmark = test(versus_benchmark(row.successes, row.attempts), benchmark=AVERAGE_COMPLETION_RATE)
    if row.sum_pct is not None:
        total = figure(row.sum_pct, "percent", "single_usability_metric", row.attempts, note=left_out)
    return {
        "key": row.key,
        "prompt": row.prompt,
        "stage": row.stage,
        "touchpoint": row.touchpoint,
        "target_time_s": row.target_time_s,
        **{name: getattr(row, name) for name in ("attempts", "successes", "direct", "give_ups")},
        "timeouts": row.timeouts,
        "failures": row.failures,
        "task_success": estimate(row.success),
        "best_point_estimate": best,
        "versus_benchmark": benchmark,
        "direct_share": estimate(row.direct_share),
        "indirect_share": estimate(row.indirect_share),
        "time_on_task": estimate(row.time_s),
        "seq": estimate(row.seq),
        "seq_vs_average": test(row.seq_vs_average, benchmark=SEQ_AVERAGE),
        "sum": total,
        "failure_pages": [{"page": p, "count": c} for p, c in row.failure_pages],
        "times_s": list(row.times_s),
        "page_status": row.page_status,
        "status": row.status,
        "reasons": list(row.reasons),
    }


def _rolled_up(item: Any, **extra: Any) -> dict[str, Any]:
    data = {k: v for k, v in vars(item).items() if k not in ("success", "seq", "touchpoints")}
    return {**data, **extra, "task_success": estimate(item.success), "seq": estimate(item.seq)}


def _page(page: Any) -> dict[str, Any]:
    p75 = {
        name: figure(value, "milliseconds" if name.endswith("_ms") else "layout_shift", "cwv_p75", page.runs)
        for name, value in page.p75.items()
    }
    history = [
        {
            "build": build,
            "score": None if score is None else figure(score, "score_0_1", "performance_score", 1),
        }
        for build, score in page.history
    ]
    return {
        **{k: getattr(page, k) for k in ("page", "profile", "runs")},
        "p75": p75,
        **{k: getattr(page, k) for k in ("ratings", "passes", "status")},
        "history": history,
        "score_budget": page.score_budget,
    }


def _sus_details(summary: Any) -> dict[str, Any]:
    """Grade and percentile rank of the mean SUS; the rank's interval maps the score's (the table rises)."""
    sus = next(f for f in summary.headline if f.key == "sus")
    if sus.value is None or summary.sus_percentile is None:
        return {"grade": None, "percentile": None}
    rank = [None if v is None else sus_percentile(v) for v in (sus.low, sus.high)]
    note = "percentile rank of the mean SUS against Sauro (2011); interval: that of the mean, mapped"
    percentile = figure(
        summary.sus_percentile, "percentile_rank", "sus_percentile", sus.n, rank[0], rank[1], note
    )
    return {"grade": summary.sus_grade, "percentile": percentile}


def summary_v2(summary: Any) -> dict[str, Any]:
    """A ``CXSummary`` in schema ``uxlab-cx-summary/2``."""
    f = summary.filters
    return clean(
        {
            "schema": "uxlab-cx-summary/2",
            **{k: getattr(summary, k) for k in ("slug", "title")},
            "filters": {
                **{k: getattr(f, k) for k in ("device", "since", "until", "version", "language")},
                "finished": f.finished,
                "link": ":".join(f.link) if f.link else None,
                "outcome": f.outcome,
                "task": f.task,
                "excluded": f.with_excluded,
            },
            "excluded": summary.excluded,
            "versions": summary.versions,
            "generated_at": summary.generated_at,
            **{k: getattr(summary, k) for k in ("metrics_version", "participants", "finished", "attempts")},
            "questionnaires": summary.questionnaires,
            "headline": [headline_figure(fig) for fig in summary.headline],
            "sus": _sus_details(summary),
            "questionnaire_details": {k: estimate(v) for k, v in summary.questionnaire_details.items()},
            "nps_counts": summary.nps_counts,
            "ces_version": summary.ces_version,
            "tasks": [_task(row) for row in summary.tasks],
            "stages": [
                _rolled_up(s, touchpoints=[_rolled_up(t) for t in s.touchpoints]) for s in summary.stages
            ],
            "pages": [_page(p) for p in summary.pages],
            "participation": [asdict(d) for d in summary.participation],
            "findings": [asdict(x) for x in summary.findings],
            "comments": [asdict(c) for c in summary.comments],
            "notes": summary.notes,
        }
    )

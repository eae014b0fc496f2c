"""Lighthouse-compatible scores: per-metric log-normal scores and the performance score.

Identical to Lighthouse 13 for the same metric values. Sources, in Lighthouse 13:
``shared/statistics.js`` (getLogNormalScore with its Abramowitz-Stegun 7.1.26 erf and
range clamps), ``shared/util.js`` (computeLogNormalScore: +0.05 x (s - 0.9) boost above
0.9, then floor to 2 decimals), ``core/audits/audit.js`` (audit scores rounded to 2
decimals with Math.round), ``core/scoring.js`` (weighted arithmetic mean, Math.round to 2
decimals), control points in ``core/audits/metrics/*.js``, weights in
``core/config/default-config.js``. Metric keys are uxlab's names: ``fcp_ms``, ``si_ms``
(Speed Index), ``lcp_ms``, ``tbt_ms``, ``cls``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.results import JsonResult

# Lighthouse 13 control points (p10, median) per form factor.
LIGHTHOUSE_CONTROL_POINTS: dict[str, dict[str, tuple[float, float]]] = {
    "mobile": {
        "fcp_ms": (1800.0, 3000.0),
        "si_ms": (3387.0, 5800.0),
        "lcp_ms": (2500.0, 4000.0),
        "tbt_ms": (200.0, 600.0),
        "cls": (0.1, 0.25),
    },
    "desktop": {
        "fcp_ms": (934.0, 1600.0),
        "si_ms": (1311.0, 2300.0),
        "lcp_ms": (1200.0, 2400.0),
        "tbt_ms": (150.0, 350.0),
        "cls": (0.1, 0.25),
    },
}
# In Lighthouse's auditRefs order, so the weighted sum adds up in the same float order.
LIGHTHOUSE_WEIGHTS: dict[str, float] = {"fcp_ms": 10, "lcp_ms": 25, "tbt_ms": 30, "cls": 25, "si_ms": 10}

# The exact doubles Lighthouse clamps each score range to (shared/statistics.js).
_MIN_PASSING_SCORE = 0.90000000000000002220446049250313080847263336181640625
_MAX_AVERAGE_SCORE = 0.899999999999999911182158029987476766109466552734375
_MIN_AVERAGE_SCORE = 0.5
_MAX_FAILING_SCORE = 0.499999999999999944488848768742172978818416595458984375
_INVERSE_ERFC_ONE_FIFTH = 0.9061938024368232
_MIN_VALUE = 5e-324  # JavaScript Number.MIN_VALUE

METRIC_NAMES = {"fcp_ms": "FCP", "si_ms": "Speed Index", "lcp_ms": "LCP", "tbt_ms": "TBT", "cls": "CLS"}


def js_round(value: float) -> float:
    """Round half up like JavaScript's Math.round (Python's round() rounds half to even)."""
    return float(math.floor(value + 0.5))


def _lighthouse_erf(x: float) -> float:
    """Abramowitz & Stegun 7.1.26, exactly as Lighthouse's statistics.js computes it."""
    sign = float(np.sign(x))
    x = abs(x)
    a1, a2, a3, a4, a5 = 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429
    t = 1 / (1 + 0.3275911 * x)
    y = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))))
    return sign * (1 - y * math.exp(-x * x))


def log_normal_score(p10: float, median: float, value: float) -> float:
    """Return Lighthouse's unrounded log-normal score of ``value`` (getLogNormalScore).

    score = (1 - erf(ln(v/median) x 0.9061938024368232 / ln(median/p10))) / 2, v <= 0 -> 1,
    clamped to [0.9, 1] at or below p10, [0.5, 0.9) up to the median, [0, 0.5) above.
    """
    if not 0 < p10 < median:
        raise MetricInputError("control points need 0 < p10 < median")
    value = inputs.number(value, "value")
    if value <= 0:
        return 1.0
    x_log_ratio = math.log(max(_MIN_VALUE, value / median))
    p10_log_ratio = -math.log(max(_MIN_VALUE, p10 / median))
    complementary = (1 - _lighthouse_erf(x_log_ratio * _INVERSE_ERFC_ONE_FIFTH / p10_log_ratio)) / 2
    if value <= p10:
        return max(_MIN_PASSING_SCORE, min(1.0, complementary))
    if value <= median:
        return max(_MIN_AVERAGE_SCORE, min(_MAX_AVERAGE_SCORE, complementary))
    return max(0.0, min(_MAX_FAILING_SCORE, complementary))


def lighthouse_metric_score(metric: str, value: float, form_factor: str = "desktop") -> float:
    """Return the metric audit's score as Lighthouse 13 reports it (two decimals).

    Util.computeLogNormalScore: s > 0.9 gets s + 0.05 (s - 0.9), then floor(100 s)/100;
    Audit._normalizeAuditScore then applies Math.round(100 s)/100.
    """
    try:
        p10, median = LIGHTHOUSE_CONTROL_POINTS[form_factor][metric]
    except KeyError as error:
        raise MetricInputError(f"no Lighthouse scoring for {metric!r} on {form_factor!r}") from error
    score = log_normal_score(p10, median, inputs.number(value, metric))
    if score > 0.9:
        score += 0.05 * (score - 0.9)
    score = math.floor(score * 100) / 100
    return js_round(score * 100) / 100


@dataclass(frozen=True, kw_only=True)
class PerformanceScore(JsonResult):
    """The Lighthouse-compatible performance score 0..1 and what it was made of.

    ``value`` is the score (``score``, its name before the vocabulary), ``n`` the number of
    metrics scored; ``renormalized`` is True, and ``note`` says which metric was missing,
    when a weighted metric (e.g. Speed Index) was not measured.
    """

    value: float
    n: int
    metric_scores: dict[str, float]
    weights: dict[str, float]
    renormalized: bool
    low: None = None
    high: None = None
    unit: str = "score_0_1"
    method: str = "performance_score"
    note: str = ""

    @property
    def score(self) -> float:
        """The performance score (the name before ``value``)."""
        return self.value


def performance_score(values: Mapping[str, float | None], form_factor: str = "desktop") -> PerformanceScore:
    """Return the performance category score: weighted mean of metric scores, 2 decimals.

    ``values`` maps Lighthouse's metrics by their uxlab names (``fcp_ms``, ``si_ms``,
    ``lcp_ms``, ``tbt_ms``, ``cls``) to their values; any other key raises
    MetricInputError. ReportScoring.arithmeticMean: sum(score x weight) / sum(weight),
    Math.round to 2 decimals. Metrics missing from ``values`` (or None) are left out and
    the remaining weights renormalize (Lighthouse would report no score; uxlab says so in
    the result's ``note``).
    """
    unknown = sorted(str(key) for key in values if key not in LIGHTHOUSE_WEIGHTS)
    if unknown:
        raise MetricInputError(
            f"performance_score: unknown metric {', '.join(map(repr, unknown))}; Lighthouse's metrics "
            f"are {', '.join(LIGHTHOUSE_WEIGHTS)}",
            field="values",
        )
    if form_factor not in LIGHTHOUSE_CONTROL_POINTS:
        raise MetricInputError(
            f"form_factor must be {' or '.join(LIGHTHOUSE_CONTROL_POINTS)}, got {form_factor!r}",
            field="form_factor",
        )
    scores: dict[str, float] = {}
    weights: dict[str, float] = {}
    for metric, weight in LIGHTHOUSE_WEIGHTS.items():
        value = values.get(metric)
        if value is None:
            continue
        scores[metric] = lighthouse_metric_score(metric, value, form_factor)
        weights[metric] = weight
    total = sum(weights.values())
    if total == 0:
        raise MetricInputError("no weighted metric to score")
    mean = sum(scores[m] * weights[m] for m in scores) / total
    missing = [METRIC_NAMES[m] for m in LIGHTHOUSE_WEIGHTS if m not in weights]
    note = ""
    if missing:
        note = (
            f"{', '.join(missing)} not measured: the other weights renormalized to {total:g}"
            " (Lighthouse would report no score)"
        )
    return PerformanceScore(
        value=js_round(mean * 100) / 100,
        n=len(scores),
        metric_scores=scores,
        weights=weights,
        renormalized=bool(missing),
        note=note,
    )

"""Page-speed metrics: Core Web Vitals ratings, Lighthouse-compatible scores, CLS, TBT, runs.

Pure functions on numbers and numpy arrays (no browser, no Flask). Milliseconds everywhere
except CLS (unitless). Sources:

- Core Web Vitals thresholds: web.dev "Defining the Core Web Vitals metrics thresholds"
  (LCP 2500/4000 ms, INP 200/500 ms, CLS 0.1/0.25) and the FCP (1800/3000 ms) and TTFB
  (800/1800 ms) articles; field assessment at the 75th percentile per device class.
- Lighthouse 13 scoring: ``shared/statistics.js`` (getLogNormalScore with its
  Abramowitz-Stegun 7.1.26 erf and range clamps), ``shared/util.js``
  (computeLogNormalScore: +0.05 x (s - 0.9) boost above 0.9, then floor to 2 decimals),
  ``core/audits/audit.js`` (audit scores rounded to 2 decimals with Math.round),
  ``core/scoring.js`` (weighted arithmetic mean, Math.round to 2 decimals), control points
  in ``core/audits/metrics/*.js``, weights in ``core/config/default-config.js``.
- Representative run: Lighthouse ``core/lib/median-run.js`` (Euclidean distance to the
  medians), here with FCP and LCP instead of FCP and TTI as METRICS.md specifies.
- CLS session windows: web.dev "Evolving the CLS metric" (gap < 1 s, window <= 5 s).
- TBT: web.dev "Total Blocking Time" (the part of each long task over 50 ms).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from uxlab.errors import MetricInputError

# Rating thresholds (good <= t1 < needs-improvement <= t2 < poor).
CWV_THRESHOLDS: dict[str, tuple[float, float]] = {
    "lcp_ms": (2500.0, 4000.0),
    "inp_ms": (200.0, 500.0),
    "cls": (0.1, 0.25),
    "fcp_ms": (1800.0, 3000.0),
    "ttfb_ms": (800.0, 1800.0),
}

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

AGGREGATES = ("median", "optimistic", "pessimistic")
HIGHER_IS_BETTER = frozenset({"score"})


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
    if not math.isfinite(value):
        raise MetricInputError(f"{metric} must be a finite number")
    score = log_normal_score(p10, median, value)
    if score > 0.9:
        score += 0.05 * (score - 0.9)
    score = math.floor(score * 100) / 100
    return js_round(score * 100) / 100


@dataclass(frozen=True)
class PerformanceScore:
    """The Lighthouse-compatible performance score and what it was made of."""

    score: float
    metric_scores: dict[str, float]
    weights: dict[str, float]
    renormalized: bool  # True when a weighted metric (e.g. Speed Index) was not measured


def performance_score(values: Mapping[str, float | None], form_factor: str = "desktop") -> PerformanceScore:
    """Return the performance category score: weighted mean of metric scores, 2 decimals.

    ReportScoring.arithmeticMean: sum(score x weight) / sum(weight), Math.round to 2
    decimals. Metrics missing from ``values`` (or None) are left out and the remaining
    weights renormalize (Lighthouse would report no score; uxlab says it renormalized).
    """
    scores: dict[str, float] = {}
    weights: dict[str, float] = {}
    for metric, weight in LIGHTHOUSE_WEIGHTS.items():
        value = values.get(metric)
        if value is None:
            continue
        scores[metric] = lighthouse_metric_score(metric, float(value), form_factor)
        weights[metric] = weight
    total = sum(weights.values())
    if total == 0:
        raise MetricInputError("no weighted metric to score")
    mean = sum(scores[m] * weights[m] for m in scores) / total
    return PerformanceScore(
        score=js_round(mean * 100) / 100,
        metric_scores=scores,
        weights=weights,
        renormalized=len(weights) < len(LIGHTHOUSE_WEIGHTS),
    )


def cwv_rating(metric: str, value: float) -> str:
    """Return "good", "needs-improvement" or "poor" (good <= t1 < ni <= t2 < poor)."""
    if metric not in CWV_THRESHOLDS:
        raise MetricInputError(f"no Core Web Vitals threshold for {metric!r}")
    good, poor = CWV_THRESHOLDS[metric]
    if value <= good:
        return "good"
    return "needs-improvement" if value <= poor else "poor"


@dataclass(frozen=True)
class Assessment:
    """A field assessment of one metric for one device class."""

    metric: str
    device_class: str
    n: int
    p75: float
    rating: str


def assess_p75(metric: str, values_by_device: Mapping[str, Sequence[float]]) -> list[Assessment]:
    """Return the 75th-percentile value and its rating per device class.

    The percentile is numpy's default (linear interpolation between closest ranks); device
    classes without values are skipped.
    """
    out = []
    for device, values in values_by_device.items():
        arr = np.asarray(values, dtype=float)
        if arr.size == 0:
            continue
        if not np.all(np.isfinite(arr)):
            raise MetricInputError(f"{metric} values for {device} must be finite")
        p75 = float(np.percentile(arr, 75))
        out.append(Assessment(metric, device, int(arr.size), p75, cwv_rating(metric, p75)))
    return out


def cls_from_shifts(
    start_ms: Sequence[float],
    values: Sequence[float],
    had_recent_input: Sequence[bool] | None = None,
    gap_ms: float = 1000.0,
    window_ms: float = 5000.0,
) -> float:
    """Return CLS: the largest session window's sum of layout-shift values.

    A window continues while each shift is less than ``gap_ms`` after the previous one and
    less than ``window_ms`` after the window's first; shifts with recent input are ignored.
    """
    starts = np.asarray(start_ms, dtype=float)
    vals = np.asarray(values, dtype=float)
    if starts.shape != vals.shape:
        raise MetricInputError("start_ms and values must have the same length")
    if had_recent_input is not None:
        keep = ~np.asarray(had_recent_input, dtype=bool)
        starts, vals = starts[keep], vals[keep]
    order = np.argsort(starts, kind="stable")
    best = current = 0.0
    first = last = -math.inf
    for start, value in zip(starts[order], vals[order], strict=True):
        if start - last < gap_ms and start - first < window_ms:
            current += value
        else:
            current, first = value, start
        last = start
        best = max(best, current)
    return float(best)


def tbt_from_long_tasks(
    start_ms: Sequence[float], duration_ms: Sequence[float], fcp_ms: float, end_ms: float
) -> float:
    """Return TBT: sum over tasks of (duration - 50 ms), tasks clipped to [fcp_ms, end_ms]."""
    starts = np.asarray(start_ms, dtype=float)
    ends = starts + np.asarray(duration_ms, dtype=float)
    clipped = np.clip(ends, fcp_ms, end_ms) - np.clip(starts, fcp_ms, end_ms)
    return float(np.sum(np.maximum(clipped - 50.0, 0.0)))


def representative_run(fcp_ms: Sequence[float], lcp_ms: Sequence[float]) -> int:
    """Return the index of the run closest to the median FCP and median LCP.

    Squared Euclidean distance to (median FCP, median LCP); ties go to the smaller LCP,
    then to the earlier run (Lighthouse median-run.js, with LCP in place of TTI).
    """
    fcp = np.asarray(fcp_ms, dtype=float)
    lcp = np.asarray(lcp_ms, dtype=float)
    if fcp.size == 0 or fcp.shape != lcp.shape:
        raise MetricInputError("need the same, non-zero number of FCP and LCP values")
    distance = (fcp - np.median(fcp)) ** 2 + (lcp - np.median(lcp)) ** 2
    return int(np.lexsort((np.arange(fcp.size), lcp, distance))[0])


def aggregate(values: Sequence[float], method: str = "median", metric: str = "") -> float:
    """Aggregate one metric across runs: median, optimistic (best run) or pessimistic (worst).

    Best is the lowest value, except for metrics where higher is better (``score``).
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise MetricInputError(f"no values to aggregate for {metric or 'metric'}")
    if method == "median":
        return float(np.median(arr))
    if method not in AGGREGATES:
        raise MetricInputError(f"aggregate must be one of {', '.join(AGGREGATES)}", field="aggregate")
    best_is_max = metric in HIGHER_IS_BETTER
    take_max = best_is_max if method == "optimistic" else not best_is_max
    return float(arr.max() if take_max else arr.min())

"""Page-speed metrics: Core Web Vitals ratings, CLS, TBT, representative runs, budgets.

Pure functions on numbers and numpy arrays (no browser, no Flask). Milliseconds everywhere
except CLS (unitless). Sources:

- Core Web Vitals thresholds: web.dev "Defining the Core Web Vitals metrics thresholds"
  (LCP 2500/4000 ms, INP 200/500 ms, CLS 0.1/0.25) and the FCP (1800/3000 ms) and TTFB
  (800/1800 ms) articles; field assessment at the 75th percentile per device class.
- Lighthouse 13 scoring: ``lighthouse.py`` (its names are importable from here too).
- Representative run: Lighthouse ``core/lib/median-run.js`` (Euclidean distance to the
  medians), here with FCP and LCP instead of FCP and TTI as docs/METRICS.md specifies.
- CLS session windows: web.dev "Evolving the CLS metric" (gap < 1 s, window <= 5 s).
- TBT: web.dev "Total Blocking Time" (the part of each long task over 50 ms).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.lighthouse import (
    LIGHTHOUSE_CONTROL_POINTS,
    LIGHTHOUSE_WEIGHTS,
    PerformanceScore,
    js_round,
    lighthouse_metric_score,
    log_normal_score,
    performance_score,
)
from uxlab.metrics.results import JsonResult

__all__ = [
    "AGGREGATES",
    "CWV_THRESHOLDS",
    "HIGHER_IS_BETTER",
    "LIGHTHOUSE_CONTROL_POINTS",
    "LIGHTHOUSE_WEIGHTS",
    "Assessment",
    "PerformanceScore",
    "aggregate",
    "assess_p75",
    "cls_from_shifts",
    "cwv_rating",
    "js_round",
    "lighthouse_metric_score",
    "log_normal_score",
    "metric_unit",
    "performance_score",
    "representative_run",
    "tbt_from_long_tasks",
]

# Rating thresholds (good <= t1 < needs-improvement <= t2 < poor).
CWV_THRESHOLDS: dict[str, tuple[float, float]] = {
    "lcp_ms": (2500.0, 4000.0),
    "inp_ms": (200.0, 500.0),
    "cls": (0.1, 0.25),
    "fcp_ms": (1800.0, 3000.0),
    "ttfb_ms": (800.0, 1800.0),
}

AGGREGATES = ("median", "optimistic", "pessimistic")
HIGHER_IS_BETTER = frozenset({"score"})


def metric_unit(metric: str) -> str:
    """The unit (``units.UNITS`` key) of a page-speed metric: ``*_ms`` in ms, CLS unitless, score 0..1."""
    if metric == "cls":
        return "layout_shift"
    return "score_0_1" if metric == "score" else "milliseconds"


def cwv_rating(metric: str, value: float) -> str:
    """Return "good", "needs-improvement" or "poor" (good <= t1 < ni <= t2 < poor).

    NaN or infinite values and metrics without a threshold raise MetricInputError.
    """
    if metric not in CWV_THRESHOLDS:
        raise MetricInputError(
            f"no Core Web Vitals threshold for {metric!r} (known: {', '.join(CWV_THRESHOLDS)})",
            field="metric",
        )
    value = inputs.number(value, metric)
    good, poor = CWV_THRESHOLDS[metric]
    if value <= good:
        return "good"
    return "needs-improvement" if value <= poor else "poor"


@dataclass(frozen=True, kw_only=True)
class Assessment(JsonResult):
    """A field assessment of one metric for one device class.

    ``value`` is the 75th percentile (``p75``, its name before the vocabulary) in the
    metric's unit, ``n`` the number of page loads, ``rating`` its Core Web Vitals rating.
    """

    metric: str
    device_class: str
    value: float
    n: int
    unit: str
    rating: str
    low: None = None
    high: None = None
    method: str = "cwv_p75"
    note: str = ""

    @property
    def p75(self) -> float:
        """The 75th-percentile value (the name before ``value``)."""
        return self.value


def assess_p75(metric: str, values_by_device: Mapping[str, Sequence[float]]) -> list[Assessment]:
    """Return the 75th-percentile value and its rating per device class.

    The percentile is numpy's default (linear interpolation between closest ranks); device
    classes without values are skipped.
    """
    if metric not in CWV_THRESHOLDS:
        cwv_rating(metric, 0.0)  # raises, naming the known metrics
    out = []
    for device, values in values_by_device.items():
        arr = inputs.values(values, field=f"{metric} ({device})", min_n=0)
        if arr.size == 0:
            continue
        p75 = float(np.percentile(arr, 75))
        out.append(
            Assessment(
                metric=metric,
                device_class=device,
                value=p75,
                n=int(arr.size),
                unit=metric_unit(metric),
                rating=cwv_rating(metric, p75),
            )
        )
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
    starts = inputs.values(start_ms, field="start_ms", min_n=0)
    vals = inputs.values(values, field="values", low=0, min_n=0)
    inputs.number(gap_ms, "gap_ms", low=0)
    inputs.number(window_ms, "window_ms", low=0)
    if starts.shape != vals.shape:
        raise MetricInputError("start_ms and values must have the same length", field="values")
    if had_recent_input is not None:
        keep = ~np.asarray(had_recent_input, dtype=bool)
        if keep.shape != starts.shape:
            raise MetricInputError("had_recent_input must have one flag per shift", field="had_recent_input")
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
    *,
    starts_ms: Sequence[float],
    durations_ms: Sequence[float] | None = None,
    ends_ms: Sequence[float] | None = None,
    fcp_ms: float,
    window_end_ms: float,
) -> float:
    """Return TBT: sum over long tasks of (duration - 50 ms), tasks clipped to [fcp_ms, window_end_ms].

    Keywords only, all in milliseconds on the page's clock: each task's start and either its
    ``durations_ms`` (as a PerformanceObserver ``longtask`` entry gives them) or its
    ``ends_ms``, exactly one of the two. Negative durations, ends before starts, NaN and a
    window ending before FCP raise MetricInputError.
    """
    if (durations_ms is None) == (ends_ms is None):
        raise MetricInputError(
            "give the long tasks' durations_ms or their ends_ms (one of them)", field="durations_ms"
        )
    starts = inputs.values(starts_ms, field="starts_ms", min_n=0)
    if durations_ms is not None:
        ends = starts + _same_length(
            inputs.values(durations_ms, field="durations_ms", low=0, min_n=0), starts
        )
    else:
        ends = _same_length(inputs.values(ends_ms or (), field="ends_ms", min_n=0), starts)
        if np.any(ends < starts):
            raise MetricInputError("ends_ms: a task ends before it starts", field="ends_ms")
    fcp = inputs.number(fcp_ms, "fcp_ms")
    end = inputs.number(window_end_ms, "window_end_ms")
    if end < fcp:
        raise MetricInputError("window_end_ms is before fcp_ms", field="window_end_ms")
    clipped = np.clip(ends, fcp, end) - np.clip(starts, fcp, end)
    return float(np.sum(np.maximum(clipped - 50.0, 0.0)))


def _same_length(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if arr.shape != starts.shape:
        raise MetricInputError("need one start per long task", field="starts_ms")
    return arr


def representative_run(fcp_ms: Sequence[float], lcp_ms: Sequence[float]) -> int:
    """Return the index of the run closest to the median FCP and median LCP.

    Squared Euclidean distance to (median FCP, median LCP); ties go to the smaller LCP,
    then to the earlier run (Lighthouse median-run.js, with LCP in place of TTI).
    """
    fcp = inputs.values(fcp_ms, field="fcp_ms", min_n=0)
    lcp = inputs.values(lcp_ms, field="lcp_ms", min_n=0)
    if fcp.size == 0 or fcp.shape != lcp.shape:
        raise MetricInputError("need the same, non-zero number of FCP and LCP values")
    distance = (fcp - np.median(fcp)) ** 2 + (lcp - np.median(lcp)) ** 2
    return int(np.lexsort((np.arange(fcp.size), lcp, distance))[0])


def aggregate(values: Sequence[float], method: str = "median", metric: str = "") -> float:
    """Aggregate one metric across runs: median, optimistic (best run) or pessimistic (worst).

    Best is the lowest value, except for metrics where higher is better (``score``).
    """
    if method not in AGGREGATES:
        raise MetricInputError(f"aggregate must be one of {', '.join(AGGREGATES)}", field="aggregate")
    arr = inputs.values(values, field=metric or "values", min_n=0)
    if arr.size == 0:
        raise MetricInputError(f"no values to aggregate for {metric or 'metric'}")
    if method == "median":
        return float(np.median(arr))
    best_is_max = metric in HIGHER_IS_BETTER
    take_max = best_is_max if method == "optimistic" else not best_is_max
    return float(arr.max() if take_max else arr.min())

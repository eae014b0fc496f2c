"""Mean with a Student-t interval, shared by the rating-scale metrics."""

from __future__ import annotations

import math

import numpy as np

from uxlab.metrics import inputs
from uxlab.metrics.results import Estimate

NO_INTERVAL = "no interval: one value has no spread"


def mean_t(
    arr: np.ndarray, confidence: float, low: float, high: float, *, unit: str, method: str, note: str = ""
) -> Estimate:
    """Arithmetic mean with the t-interval mean +- t(n-1) s / sqrt(n), clipped to [low, high].

    One value has no spread, so no interval (low/high None, said in ``note``); identical
    values give a zero-width interval. ``unit`` and ``method`` (a registry key) label the
    result. Source: Sauro & Lewis (2016) ch. 3, "Confidence interval for rating scales and
    other continuous data".
    """
    n = int(arr.size)
    mean = float(arr.mean())
    if n < 2:
        inputs.confidence_level(confidence)
        note = f"{note}; {NO_INTERVAL}" if note else NO_INTERVAL
        return Estimate(
            value=mean, low=None, high=None, n=n, unit=unit, method=method, note=note, confidence=confidence
        )
    half = inputs.t_critical(confidence, n - 1) * float(arr.std(ddof=1)) / math.sqrt(n)
    return Estimate(
        value=mean,
        low=inputs.clip(mean - half, low, high),
        high=inputs.clip(mean + half, low, high),
        n=n,
        unit=unit,
        method=method,
        note=note,
        confidence=confidence,
    )

"""Mean with a Student-t interval, shared by the rating-scale metrics."""

from __future__ import annotations

import math

import numpy as np

from uxlab.metrics import inputs
from uxlab.metrics.results import Estimate


def mean_t(arr: np.ndarray, confidence: float, low: float, high: float) -> Estimate:
    """Arithmetic mean with the t-interval mean +- t(n-1) s / sqrt(n), clipped to [low, high].

    One value has no spread, so no interval (low/high None); identical values give a
    zero-width interval. Source: Sauro & Lewis (2016) ch. 3, "Confidence interval for
    rating scales and other continuous data".
    """
    n = int(arr.size)
    mean = float(arr.mean())
    if n < 2:
        inputs.confidence_level(confidence)
        return Estimate(mean, None, None, n, "t (no interval: n=1)", confidence)
    half = inputs.t_critical(confidence, n - 1) * float(arr.std(ddof=1)) / math.sqrt(n)
    return Estimate(
        mean, inputs.clip(mean - half, low, high), inputs.clip(mean + half, low, high), n, "t", confidence
    )

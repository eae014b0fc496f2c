"""Input checks shared by the metric functions; every failure raises MetricInputError.

Validate once, at the top of each public function; the arithmetic after that trusts the
arrays. Confidence levels are two-sided; critical values come from scipy, never 1.96.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from uxlab.errors import MetricInputError


def values(
    data: Iterable[float] | np.ndarray,
    *,
    field: str,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    min_n: int = 1,
) -> np.ndarray:
    """Return ``data`` as a 1-D float array after checking it.

    Raises MetricInputError when it is not numeric, has fewer than ``min_n`` values, holds
    NaN or infinity, leaves [low, high], or (``integer``) holds non-whole ratings.
    """
    try:
        arr = np.asarray(list(data) if not isinstance(data, np.ndarray) else data, dtype=float)
    except (TypeError, ValueError) as error:
        raise MetricInputError(f"{field}: values must be numbers ({error})", field=field) from None
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.size < min_n:
        need = "at least one value" if min_n == 1 else f"at least {min_n} values"
        raise MetricInputError(f"{field}: needs {need}, got {arr.size}", field=field)
    if not np.all(np.isfinite(arr)):
        raise MetricInputError(f"{field}: contains NaN or infinity", field=field)
    if arr.size == 0:
        return arr
    if low is not None and arr.min() < low:
        raise MetricInputError(f"{field}: {arr.min():g} is below the scale minimum {low:g}", field=field)
    if high is not None and arr.max() > high:
        raise MetricInputError(f"{field}: {arr.max():g} is above the scale maximum {high:g}", field=field)
    if integer and not np.all(arr == np.round(arr)):
        raise MetricInputError(f"{field}: ratings must be whole scale points", field=field)
    return arr


def number(value: Any, field: str, low: float | None = None) -> float:
    """Return one finite number (not NaN, not infinite, not below ``low``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise MetricInputError(f"{field}: must be a number, got {value!r}", field=field)
    (checked,) = values([float(value)], field=field, low=low)
    return float(checked)


def times_s(data: Iterable[float] | np.ndarray, *, field: str = "time_s", min_n: int = 1) -> np.ndarray:
    """Return task times in seconds; they must be finite and positive (log scale needs > 0)."""
    arr = values(data, field=field, min_n=min_n)
    if arr.min() < 0:
        raise MetricInputError(f"{field}: negative time {arr.min():g} s", field=field)
    if arr.min() == 0:
        raise MetricInputError(f"{field}: a time of 0 s cannot be log-transformed", field=field)
    return arr


def count(value: Any, *, field: str) -> int:
    """Return a non-negative whole count."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise MetricInputError(f"{field}: must be a whole number, got {value!r}", field=field)
    if value < 0:
        raise MetricInputError(f"{field}: must not be negative, got {value}", field=field)
    return int(value)


def successes_attempts(successes: Any, attempts: Any) -> tuple[int, int]:
    """Return (x, n) checked: whole, n >= 1, 0 <= x <= n."""
    x = count(successes, field="successes")
    n = count(attempts, field="attempts")
    if n == 0:
        raise MetricInputError("attempts: needs at least one attempt", field="attempts")
    if x > n:
        raise MetricInputError(f"successes ({x}) greater than attempts ({n})", field="successes")
    return x, n


def confidence_level(confidence: float) -> float:
    """Return a two-sided confidence level strictly between 0 and 1."""
    if not isinstance(confidence, int | float) or not np.isfinite(confidence) or not 0 < confidence < 1:
        raise MetricInputError(f"confidence must be between 0 and 1, got {confidence!r}", field="confidence")
    return float(confidence)


def z_critical(confidence: float) -> float:
    """Two-sided normal critical value, e.g. 1.959964 for 0.95 (exact, from scipy)."""
    from scipy import stats  # here, not at the top: pagespeed (the probe client) needs no scipy

    return float(stats.norm.ppf(0.5 + confidence_level(confidence) / 2))


def t_critical(confidence: float, df: float) -> float:
    """Two-sided Student-t critical value for ``df`` degrees of freedom."""
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence_level(confidence) / 2, df))


def alternative(value: str) -> str:
    """Return a valid test alternative."""
    if value not in ("two-sided", "greater", "less"):
        raise MetricInputError(
            f"alternative must be two-sided, greater or less, got {value!r}", field="alternative"
        )
    return value


def clip(value: float, low: float, high: float) -> float:
    """Clip a bound to the scale's range."""
    return float(min(max(value, low), high))

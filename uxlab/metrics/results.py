"""Result types of the metric functions: small frozen dataclasses, ready for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class JsonResult:
    """Base of the metrics' result dataclasses: ``to_dict`` gives their fields, JSON-able."""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-able dict (nested results as dicts)."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Estimate(JsonResult):
    """A point estimate with its interval.

    ``low``/``high`` are None when no interval exists (one observation: no spread).
    ``confidence`` is the two-sided level of the interval, ``method`` names how it was made.
    """

    estimate: float
    low: float | None
    high: float | None
    n: int
    method: str
    confidence: float = 0.95


@dataclass(frozen=True)
class PointEstimate(JsonResult):
    """A single value and the rule that produced it (e.g. the best completion-rate estimate)."""

    value: float
    method: str


@dataclass(frozen=True)
class TestResult(JsonResult):
    """A significance test: statistic, p-value and, where there is one, the effect estimate.

    ``alternative`` is "two-sided", "greater" or "less"; ``df`` the degrees of freedom of
    t-tests; ``effect`` the estimated difference or ratio with its interval.
    """

    statistic: float
    p_value: float
    method: str
    alternative: str = "two-sided"
    df: float | None = None
    effect: Estimate | None = None

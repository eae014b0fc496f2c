"""Result types of the metric functions: small frozen dataclasses, ready for JSON.

One vocabulary for every result: ``value``, ``low``, ``high`` (the interval; None when
there is none), ``n`` (what n counts is the registry's ``n_counts`` of the method),
``unit`` (a key of ``units.UNITS``), ``method`` (the registry key of the metric that made
the figure, ``registry.get(method)`` gives its source) and ``note`` (empty unless the
figure deviates from its method's default, e.g. an NPS interval widened to hold the raw
NPS). ``Estimate`` is a figure; results made of several figures (``SusSummary``,
``NpsResult``, ``TestResult`` ...) expose the vocabulary of their main figure, named in
their docstring. ``to_dict()`` writes the vocabulary first, then the type's own fields.

The names used before this vocabulary stay readable: ``Estimate.estimate`` (= ``value``),
``PerformanceScore.score``, ``Assessment.p75``, ``SingleUsability.score_pct``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from uxlab.metrics import units

VOCABULARY = ("value", "low", "high", "n", "unit", "method", "note")
"""The fields every result exposes, in the order ``to_dict()`` writes them."""


class JsonResult:
    """Base of the metrics' result dataclasses: ``to_dict`` gives their fields, JSON-able."""

    def to_dict(self) -> dict[str, Any]:
        """Return the vocabulary and the fields as a JSON-able dict (nested results as dicts)."""
        return {**{name: getattr(self, name) for name in VOCABULARY}, **asdict(self)}  # type: ignore[call-overload]


@dataclass(frozen=True, kw_only=True)
class Estimate(JsonResult):
    """A point estimate with its interval.

    ``low``/``high`` are None when no interval exists (one observation: no spread).
    ``confidence`` is the two-sided level of the interval.
    """

    value: float
    low: float | None
    high: float | None
    n: int
    unit: str
    method: str
    note: str = ""
    confidence: float = 0.95

    def __post_init__(self) -> None:
        units.unit(self.unit)

    @property
    def estimate(self) -> float:
        """The point estimate (the name before ``value``)."""
        return self.value


class FigureOf(JsonResult):
    """A result built around one figure, ``main``: value, interval, n and unit are its."""

    @property
    def main(self) -> Estimate:
        raise NotImplementedError

    @property
    def value(self) -> float:
        return self.main.value

    @property
    def low(self) -> float | None:
        return self.main.low

    @property
    def high(self) -> float | None:
        return self.main.high

    @property
    def n(self) -> int:
        return self.main.n

    @property
    def unit(self) -> str:
        return self.main.unit


class Composite(FigureOf):
    """A result made of several figures: its whole vocabulary is that of ``main``."""

    @property
    def method(self) -> str:
        return self.main.method

    @property
    def note(self) -> str:
        return self.main.note


@dataclass(frozen=True, kw_only=True)
class PointEstimate(JsonResult):
    """A single value without an interval and the rule that produced it.

    E.g. the best completion-rate estimate: ``rule`` is "wilson", "mle" or "laplace".
    """

    value: float
    n: int
    unit: str
    method: str
    rule: str
    low: None = None
    high: None = None
    note: str = ""

    def __post_init__(self) -> None:
        units.unit(self.unit)


@dataclass(frozen=True, kw_only=True)
class TestResult(FigureOf):
    """A significance test: statistic, p-value and the effect it tests.

    Main figure: ``effect`` (the difference, ratio or rate with its interval). ``method``
    is the registry key of the test, ``test`` its name (e.g. "Welch t on ln(time)");
    ``alternative`` is "two-sided", "greater" or "less"; ``df`` the degrees of freedom of
    t-tests.
    """

    statistic: float
    p_value: float
    method: str
    test: str
    effect: Estimate
    alternative: str = "two-sided"
    df: float | None = None
    note: str = ""

    @property
    def main(self) -> Estimate:
        return self.effect


def v1_estimate_dict(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``dataclasses.asdict`` dict_factory writing Estimates in the cx-summary/1 shape.

    Schema ``uxlab-cx-summary/1`` names the point estimate ``estimate`` and has no ``unit``
    or ``note``; every other dataclass is written unchanged.
    """
    data = dict(pairs)
    if data.keys() == _ESTIMATE_FIELDS:
        keep = ("low", "high", "n", "method", "confidence")
        return {"estimate": data["value"], **{k: data[k] for k in keep}}
    return data


_ESTIMATE_FIELDS = {"value", "low", "high", "n", "unit", "method", "note", "confidence"}

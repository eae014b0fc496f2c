"""How report pages write figures: units, intervals, statuses (Jinja filters of the reports blueprint)."""

from __future__ import annotations

from collections.abc import Callable

from uxlab.metrics.results import Estimate
from uxlab.summary_types import Figure

NO_DATA = "no data"
STATUS_TEXT = {"good": "Good", "watch": "Watch", "poor": "Poor", "no-data": "No data"}


def value(number: float | None, unit: str) -> str:
    """A number in its unit: shares as %, seconds with "s", NPS signed, ratings with one decimal."""
    if number is None:
        return NO_DATA
    if unit.startswith("share"):
        return f"{number:.0%}"
    if unit == "s":
        return f"{number:.1f} s"
    if unit.startswith("score -100"):
        return f"{number:+.0f}"
    if unit.startswith("percent"):
        return f"{number:.0f}%"
    return f"{number:.1f}"


def interval(low: float | None, high: float | None, unit: str, confidence: float = 0.95) -> str:
    """ "95% CI 40% to 80%", or "" when there is no interval."""
    if low is None or high is None:
        return ""
    return f"{confidence:.0%} CI {value(low, unit)} to {value(high, unit)}"


def figure(fig: Figure) -> str:
    """A headline figure's value."""
    return value(fig.value, fig.unit)


def figure_interval(fig: Figure) -> str:
    """A headline figure's interval ("" when none)."""
    return interval(fig.low, fig.high, fig.unit)


def estimate(est: Estimate | None, unit: str) -> str:
    """An estimate with its interval and n, for table cells: "80% (95% CI 49% to 94%)"."""
    if est is None:
        return NO_DATA
    text = value(est.estimate, unit)
    span = interval(est.low, est.high, unit, est.confidence)
    return f"{text} ({span})" if span else text


def status(name: str) -> str:
    """A status as words."""
    return STATUS_TEXT.get(name, name)


FILTERS: dict[str, Callable[..., str]] = {
    "fmt_value": value,
    "fmt_interval": interval,
    "fmt_figure": figure,
    "fmt_figure_interval": figure_interval,
    "fmt_estimate": estimate,
    "fmt_status": status,
}

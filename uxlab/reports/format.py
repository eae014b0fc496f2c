"""How report pages write figures: units, intervals, statuses (Jinja filters of the reports blueprint)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

from uxlab.metrics.rates import best_point_estimate
from uxlab.metrics.results import Estimate
from uxlab.reports.types import Figure

NO_DATA = "no data"
STATUS_TEXT = {"good": "Good", "watch": "Watch", "poor": "Poor", "no-data": "No data"}


def fixed(number: float, places: int = 0, *, signed: bool = False) -> str:
    """``number`` to ``places`` decimals, halves rounded away from zero as a spreadsheet does
    (Python's ``f"{0.125 * 100:.0f}"`` is "12"; 12.5% reads as 13% everywhere else). The
    number is taken at 12 significant digits first: 14.499999999999998 (0.145 * 100) is 14.5.
    """
    if not math.isfinite(number):
        return f"{number:+.{places}f}" if signed else f"{number:.{places}f}"
    exact = Decimal(f"{number:.12g}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{exact:f}"
    if text.startswith("-") and not exact:  # -0.4 rounds to "-0"
        text = text[1:]
    return f"+{text}" if signed and not text.startswith("-") else text


def value(number: float | None, unit: str) -> str:
    """A number in its unit (a key of ``metrics.units.UNITS``): shares as %, seconds with "s", NPS signed.

    Ratings and scores get one decimal; differences are signed (shares in percentage points).
    """
    if number is None:
        return NO_DATA
    if unit == "share_difference":
        return f"{fixed(number * 100, signed=True)} points"
    if unit.startswith("share"):
        return f"{fixed(number * 100)}%"
    if unit in ("s", "seconds"):
        return f"{fixed(number, 1)} s"
    if unit in ("nps", "nps_difference") or unit.startswith("score -100"):
        return fixed(number, signed=True)
    if unit == "percentile_rank":
        return f"{fixed(number)}th percentile"
    if unit.startswith("percent"):
        return f"{fixed(number)}%"
    if unit == "ratio":
        return f"{fixed(number, 2)}×"
    if unit == "rating_difference":
        return fixed(number, 1, signed=True)
    return fixed(number, 1)


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


def p_value(p: float | None) -> str:
    """A p-value to three decimals, "< 0.001" below that (never a misleading "0.000")."""
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


# The convention behind a figure, said beside it (docs/METRICS.md: a report says which it used).
CENTRES = {"geometric_mean_time_s": "geometric mean", "median_time_s": "median"}
BEST_RULES = {"wilson": "Wilson", "laplace": "LaPlace"}


def centre(method: str | None) -> str:
    """The centre a time figure's ``method`` names ("geometric mean", "median"), else ""."""
    return CENTRES.get(method or "", "")


def best_estimate(successes: int, attempts: int) -> str:
    """The best point estimate of a success rate where it differs from the raw rate
    (Lewis & Sauro 2006: Wilson under 50%, LaPlace over 90%): "best estimate 86% (LaPlace)"."""
    if attempts <= 0:
        return ""
    point = best_point_estimate(successes, attempts)
    rule = BEST_RULES.get(point.rule)
    return f"best estimate {value(point.value, 'share')} ({rule})" if rule else ""


def path_breaks(path: str) -> Markup:
    """A URL path that may wrap only after "/", "?", "&" or "=", never inside a word."""
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[/?&=])", path))


FILTERS: dict[str, Callable[..., str]] = {
    "fmt_value": value,
    "fmt_interval": interval,
    "fmt_figure": figure,
    "fmt_figure_interval": figure_interval,
    "fmt_estimate": estimate,
    "fmt_status": status,
    "path_breaks": path_breaks,
    "fmt_p": p_value,
    "fmt_centre": centre,
    "fmt_best": best_estimate,
}

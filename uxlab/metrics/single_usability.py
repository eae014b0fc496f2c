"""Single Usability Metric (SUM) per task (Sauro & Kindlund 2005, CHI).

Each component is standardized to a probability and reported as a percentage:
completion = the completion rate; time = Phi((spec - mean) / s) over successful times,
spec = the task's target time; satisfaction = Phi((mean SEQ - 5.5) / s); errors
(optional) = 1 - errors / (opportunities x attempts). uxlab averages the percentages with
equal weights, as the later MeasuringU scorecards do, not the z-scores of the original
paper. A component that cannot be computed is left out and named with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.questionnaires import SEQ_AVERAGE
from uxlab.metrics.results import JsonResult

COMPONENTS = ("completion", "time", "satisfaction", "errors")


AVERAGED = "mean of component percentages, as the MeasuringU scorecards (the 2005 paper averages z-scores)"


@dataclass(frozen=True, kw_only=True)
class SingleUsability(JsonResult):
    """SUM as a percentage 0..100, the component percentages used, and those left out (with why).

    ``value`` is the SUM (``score_pct``, its name before the vocabulary); no interval;
    ``n`` counts the task's attempts; ``note`` says how it was averaged and what was left out.
    """

    value: float
    n: int
    components: dict[str, float] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    low: None = None
    high: None = None
    unit: str = "percent"
    method: str = "single_usability_metric"
    note: str = AVERAGED

    @property
    def score_pct(self) -> float:
        """The SUM in percent (the name before ``value``)."""
        return self.value


def _standardized(arr: np.ndarray, z_of_mean: Any) -> tuple[float | None, str]:
    if arr.size < 2:
        return None, "needs at least two values"
    sd = float(arr.std(ddof=1))
    if sd == 0.0:
        return None, "all values are equal (no spread to standardize by)"
    return float(stats.norm.cdf(z_of_mean(float(arr.mean()), sd))), ""


def single_usability_metric(
    successes: int,
    attempts: int,
    success_times_s: Iterable[float] | np.ndarray | None = None,
    target_time_s: float | None = None,
    seq_ratings: Iterable[float] | np.ndarray | None = None,
    errors: int | None = None,
    error_opportunities: int | None = None,
) -> SingleUsability:
    """SUM of one task from its counts, successful times (s), SEQ ratings and errors."""
    x, n = inputs.successes_attempts(successes, attempts)
    parts: dict[str, float] = {"completion": 100.0 * x / n}
    left_out: dict[str, str] = {}

    times = None if success_times_s is None else inputs.values(success_times_s, field="time_s", min_n=0)
    if times is not None and times.size and times.min() < 0:
        inputs.times_s(times)
    if target_time_s is None:
        left_out["time"] = "no target time for the task"
    elif times is None or times.size == 0:
        left_out["time"] = "no successful times"
    else:
        spec = inputs.values([target_time_s], field="target_time_s", low=0)[0]
        value, why = _standardized(times, lambda mean, sd: (spec - mean) / sd)
        _put(parts, left_out, "time", value, why)

    seq = None if seq_ratings is None else inputs.values(seq_ratings, field="seq", low=1, high=7, min_n=0)
    if seq is None or seq.size == 0:
        left_out["satisfaction"] = "no SEQ ratings"
    else:
        value, why = _standardized(seq, lambda mean, sd: (mean - SEQ_AVERAGE) / sd)
        _put(parts, left_out, "satisfaction", value, why)

    if errors is None or error_opportunities is None:
        left_out["errors"] = "errors not recorded"
    else:
        e = inputs.count(errors, field="errors")
        o = inputs.count(error_opportunities, field="error_opportunities")
        if o == 0:
            left_out["errors"] = "no error opportunities defined"
        else:
            if e > o * n:
                raise MetricInputError(
                    f"errors ({e}) exceed opportunities x attempts ({o * n})", field="errors"
                )
            parts["errors"] = 100.0 * (1.0 - e / (o * n))

    note = AVERAGED
    if left_out:
        note += "; left out: " + ", ".join(f"{name} ({why})" for name, why in left_out.items())
    return SingleUsability(
        value=float(np.mean(list(parts.values()))), n=n, components=parts, left_out=left_out, note=note
    )


def _put(parts: dict[str, float], left_out: dict[str, str], name: str, value: float | None, why: str) -> None:
    if value is None:
        left_out[name] = why
    else:
        parts[name] = 100.0 * value

"""Statistics of researchers' own questions: shares of an option, means of a rating.

Sources: Sauro & Lewis, *Quantifying the User Experience* 2nd ed. (2016), ch. 3 (the
adjusted-Wald interval for a proportion; the t interval for rating scales); Agresti &
Coull (1998).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.intervals import mean_t
from uxlab.metrics.rates import share
from uxlab.metrics.results import Estimate


def choice_share(chosen: int, respondents: int, confidence: float = 0.95) -> Estimate:
    """Share of the respondents who chose an option, x/n, with the adjusted-Wald interval.

    A multiple-choice question gives each option its own share of the same respondents
    (the shares may add up to more than 1). Source: Sauro & Lewis (2016) ch. 3.
    """
    x, n = inputs.successes_attempts(chosen, respondents)
    return share(x, n, confidence, method="choice_share")


def rating_mean(values: Iterable[float], low: int, high: int, confidence: float = 0.95) -> Estimate:
    """Mean of ratings on a ``low``..``high`` scale, with the t interval mean +- t(n-1) s / sqrt(n).

    The interval is clipped to the scale. Source: Sauro & Lewis (2016) ch. 3, "Confidence
    interval for rating scales and other continuous data".
    """
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0:
        raise MetricInputError("ratings: needs at least one rating", field="ratings")
    if not np.all((arr >= low) & (arr <= high)):
        raise MetricInputError(f"ratings: outside the scale {low}..{high}", field="ratings")
    return mean_t(arr, confidence, float(low), float(high), unit="rating", method="rating_mean")

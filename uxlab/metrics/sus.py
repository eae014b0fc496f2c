"""System Usability Scale (Brooke 1996): scores, mean, curved grade, percentile rank.

Scoring: ten items 1..5; odd items r - 1, even items 5 - r; sum x 2.5 -> 0..100 (a score,
not a percentage). Sub-scores (Lewis & Sauro 2009, "The factor structure of the System
Usability Scale"): learnability = items 4 and 10 (sum x 12.5), usability = the other
eight (sum x 3.125), both 0..100.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.intervals import mean_t
from uxlab.metrics.results import Estimate, JsonResult

ITEMS = 10
LEARNABILITY_ITEMS = (4, 10)

GRADES: tuple[tuple[float, str], ...] = (
    (84.1, "A+"),
    (80.8, "A"),
    (78.9, "A-"),
    (77.2, "B+"),
    (74.1, "B"),
    (72.6, "B-"),
    (71.1, "C+"),
    (65.0, "C"),
    (62.7, "C-"),
    (51.7, "D"),
)
"""Sauro-Lewis curved grading scale (Sauro & Lewis 2016, Table 8.5): lowest score of each grade."""

PERCENTILE_TABLE: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (51.7, 15.0),
    (62.7, 35.0),
    (65.0, 41.0),
    (68.0, 50.0),
    (71.1, 60.0),
    (72.6, 65.0),
    (74.1, 70.0),
    (77.2, 80.0),
    (78.9, 85.0),
    (80.8, 90.0),
    (84.1, 96.0),
    (100.0, 100.0),
)
"""SUS score -> percentile rank, interpolated linearly between these points.

Source: Sauro's SUS percentile table as published with the curved grading scale
(Sauro & Lewis 2016, Table 8.5: the lowest percentile of each grade's range) and
68 = the 50th percentile (Sauro 2011, *A Practical Guide to the System Usability Scale*;
MeasuringU, "5 ways to interpret a SUS score", 2018). Between 0 and 51.7 the table has no
points, so ranks there are a straight line to 0.
"""


def _responses(responses: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    try:
        arr = np.asarray(responses, dtype=float)
    except (TypeError, ValueError) as error:
        raise MetricInputError(f"sus: responses must be rows of 10 numbers ({error})", field="sus") from None
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise MetricInputError("sus: needs at least one respondent", field="sus")
    if arr.shape[1] != ITEMS:
        raise MetricInputError(f"sus: needs exactly 10 items per respondent, got {arr.shape[1]}", field="sus")
    inputs.values(arr.reshape(-1), field="sus", low=1, high=5, integer=True)
    return arr


def _item_points(arr: np.ndarray) -> np.ndarray:
    points = arr - 1.0
    points[:, 1::2] = 5.0 - arr[:, 1::2]
    return points


def sus_scores(responses: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """SUS score 0..100 per respondent from an (m, 10) array of item ratings 1..5."""
    return _item_points(_responses(responses)).sum(axis=1) * 2.5


def sus_subscores(responses: Sequence[Sequence[float]] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(learnability, usability) 0..100 per respondent (Lewis & Sauro 2009)."""
    points = _item_points(_responses(responses))
    learn_cols = [i - 1 for i in LEARNABILITY_ITEMS]
    use_cols = [i for i in range(ITEMS) if i not in learn_cols]
    return points[:, learn_cols].sum(axis=1) * 12.5, points[:, use_cols].sum(axis=1) * 3.125


def sus_grade(score: float) -> str:
    """Letter grade of a SUS score on the Sauro-Lewis curved scale (A+ >= 84.1 ... F < 51.7)."""
    (value,) = inputs.values([score], field="sus_score", low=0, high=100)
    for lowest, grade in GRADES:
        if value >= lowest:
            return grade
    return "F"


def sus_percentile(score: float) -> float:
    """Percentile rank 0..100 of a SUS score, interpolated in PERCENTILE_TABLE (68 -> 50)."""
    (value,) = inputs.values([score], field="sus_score", low=0, high=100)
    xs, ys = zip(*PERCENTILE_TABLE, strict=True)
    return float(np.interp(value, xs, ys))


@dataclass(frozen=True)
class SusSummary(JsonResult):
    """SUS mean with interval, its grade and percentile, and the two sub-scores."""

    score: Estimate
    grade: str
    percentile: float
    learnability: Estimate
    usability: Estimate


def sus_summary(responses: Sequence[Sequence[float]] | np.ndarray, confidence: float = 0.95) -> SusSummary:
    """Mean SUS with t-interval (clipped to 0..100), grade and percentile of the mean, sub-scores."""
    scores = sus_scores(responses)
    learn, use = sus_subscores(responses)
    mean = mean_t(scores, confidence, 0.0, 100.0)
    return SusSummary(
        mean,
        sus_grade(mean.estimate),
        sus_percentile(mean.estimate),
        mean_t(learn, confidence, 0.0, 100.0),
        mean_t(use, confidence, 0.0, 100.0),
    )

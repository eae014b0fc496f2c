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
from uxlab.metrics.results import Composite, Estimate

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
    (5.0, 0.3),
    (10.0, 0.4),
    (15.0, 0.7),
    (20.0, 1.0),
    (25.0, 1.5),
    (30.0, 2.0),
    (35.0, 4.0),
    (40.0, 6.0),
    (45.0, 8.0),
    (50.0, 13.0),
    (55.0, 19.0),
    (60.0, 29.0),
    (65.0, 41.0),
    (66.0, 44.0),
    (67.0, 47.0),
    (68.0, 50.0),
    (69.0, 53.0),
    (70.0, 56.0),
    (71.0, 60.0),
    (72.0, 63.0),
    (73.0, 67.0),
    (74.0, 70.0),
    (75.0, 73.0),
    (76.0, 77.0),
    (77.0, 80.0),
    (78.0, 83.0),
    (79.0, 86.0),
    (80.0, 88.0),
    (85.0, 97.0),
    (90.0, 99.8),
    (95.0, 99.9999),
    (100.0, 100.0),
)
"""Raw SUS score -> percentile rank 0..100, interpolated linearly between these points.

Source: Sauro (2011), *A Practical Guide to the System Usability Scale*, the table of
percentile ranks for raw SUS scores (every score from 65 to 80, every fifth score
outside); reproduced in Sauro & Lewis, *Quantifying
the User Experience* 2nd ed. (2016), ch. 8. MeasuringU, "5 ways to interpret a SUS score"
(Sauro 2018), restates points of it: 52 -> 15th, 68 -> 50th, 74 -> 70th, 75 -> 73rd.
The curved grades (``GRADES``, Table 8.5) were cut from the same distribution, so their
lowest scores fall within a rank or so of their published percentile ranges (51.7 -> 15.0,
74.1 -> 70.3, 80.8 -> 89.4 for the 90th).
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
    """Percentile rank of a SUS score, 0..100 (unit ``percentile_rank``), from PERCENTILE_TABLE.

    Linear between the table's points: 52 -> 15.4 (published: 15th), 68 -> 50, 75 -> 73.
    A rank against Sauro's reference database is written 0..100 as published ("the 73rd
    percentile"); it is not a share of this study's respondents (those are 0..1).
    """
    (value,) = inputs.values([score], field="sus_score", low=0, high=100)
    xs, ys = zip(*PERCENTILE_TABLE, strict=True)
    return float(np.interp(value, xs, ys))


@dataclass(frozen=True, kw_only=True)
class SusSummary(Composite):
    """SUS mean with interval, its grade and percentile rank (0..100), and the two sub-scores.

    Main figure: ``score``. ``grade`` and ``percentile`` are those of the mean score.
    """

    score: Estimate
    grade: str
    percentile: float
    learnability: Estimate
    usability: Estimate

    @property
    def main(self) -> Estimate:
        return self.score


def sus_summary(responses: Sequence[Sequence[float]] | np.ndarray, confidence: float = 0.95) -> SusSummary:
    """Mean SUS with t-interval (clipped to 0..100), grade and percentile of the mean, sub-scores."""
    scores = sus_scores(responses)
    learn, use = sus_subscores(responses)
    mean = mean_t(scores, confidence, 0.0, 100.0, unit="score_0_100", method="sus_summary")
    return SusSummary(
        score=mean,
        grade=sus_grade(mean.value),
        percentile=sus_percentile(mean.value),
        learnability=mean_t(learn, confidence, 0.0, 100.0, unit="score_0_100", method="sus_subscores"),
        usability=mean_t(use, confidence, 0.0, 100.0, unit="score_0_100", method="sus_subscores"),
    )

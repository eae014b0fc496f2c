"""The units of uxlab's figures: one table, so every result says how to read its value.

Every result of ``uxlab.metrics`` carries ``unit``, a key of ``UNITS``; the registry names
the unit(s) each metric reports in, and the README's metric section lists both tables.
The rule between the two ways of writing a proportion: a share of this study's attempts
or respondents is ``share`` (0..1, 0.8 = 80 %); a figure the literature defines on
0..100 is ``percent`` (the Single Usability Metric) or ``percentile_rank`` (a rank
against a published reference database, not a share of anything in the study).
Questionnaire scores on 0..100 (SUS, UMUX-Lite) are ``score_0_100``: not percentages.
"""

from __future__ import annotations

from dataclasses import dataclass

from uxlab.errors import MetricInputError


@dataclass(frozen=True)
class Unit:
    """One unit: its key, the range its values can take (None: open) and how to read it."""

    key: str
    low: float | None
    high: float | None
    meaning: str


UNITS: dict[str, Unit] = {
    u.key: u
    for u in (
        Unit("share", 0.0, 1.0, "proportion of attempts or respondents, 0..1 (0.8 = 80 %)"),
        Unit("percent", 0.0, 100.0, "percentage 0..100 (the Single Usability Metric)"),
        Unit("percentile_rank", 0.0, 100.0, "rank 0..100 against a published reference database"),
        Unit("score_0_100", 0.0, 100.0, "questionnaire score 0..100, not a percentage (SUS, UMUX-Lite)"),
        Unit("score_0_1", 0.0, 1.0, "Lighthouse score 0..1 (0.9 and above is good)"),
        Unit("nps", -100.0, 100.0, "Net Promoter Score: % promoters - % detractors, -100..100"),
        Unit("rating_1_7", 1.0, 7.0, "mean of a 7-point rating (SEQ, CES 2.0): higher is easier"),
        Unit("rating_1_5", 1.0, 5.0, "mean of a 5-point rating (CES 1.0: lower is less effort)"),
        Unit("rating", None, None, "mean of a custom question's rating, on that question's own scale"),
        Unit("seconds", 0.0, None, "time in seconds"),
        Unit("milliseconds", 0.0, None, "time in milliseconds"),
        Unit("layout_shift", 0.0, None, "layout-shift score (CLS), unitless"),
        Unit("count", 0.0, None, "whole number of participants, runs or items"),
        Unit("index", 0.0, None, "0-based position in the input"),
        Unit("share_difference", -1.0, 1.0, "difference of two shares, A - B, -1..1"),
        Unit("rating_difference", None, None, "difference of two means, A - B, in scale points"),
        Unit("nps_difference", -200.0, 200.0, "difference of two NPS, A - B, in NPS points"),
        Unit("ratio", 0.0, None, "ratio of two geometric means, A / B (1 = no difference)"),
        Unit("p_value", 0.0, 1.0, "probability of a difference at least this large by chance"),
        Unit("grade", None, None, "letter grade A+ .. F (not a number)"),
        Unit("cwv_rating", None, None, '"good", "needs-improvement" or "poor" (not a number)'),
    )
}


def unit(key: str) -> str:
    """Return ``key`` when it names a unit of ``UNITS``, else raise MetricInputError."""
    if key not in UNITS:
        raise MetricInputError(f"unit: {key!r} is not one of {', '.join(UNITS)}", field="unit")
    return key


def markdown_table() -> str:
    """The README's unit table for ``UNITS``."""
    lines = ["| unit | range | meaning |", "|---|---|---|"]
    for u in UNITS.values():
        lines.append(f"| `{u.key}` | {_span(u.low, u.high)} | {u.meaning} |")
    return "\n".join(lines)


def _span(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–" if low is None else f">= {low:g}"
    return f"{low:g} .. {high:g}"

"""Satisfaction and loyalty questionnaires: SEQ, UMUX-Lite, NPS, CSAT, CES.

SUS lives in ``sus.py``. Sources are named per function; the general method is Sauro &
Lewis, *Quantifying the User Experience* 2nd ed. (2016), ch. 3, 4 and 8.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.intervals import mean_t
from uxlab.metrics.rates import share
from uxlab.metrics.results import Composite, Estimate, TestResult

SEQ_AVERAGE = 5.5
"""Historical average SEQ (Sauro 2012, MeasuringU "10 things to know about the SEQ")."""

Ratings = Iterable[float] | np.ndarray

SUS_REGRESSION = "regression 0.65 x UMUX-Lite + 22.9 (Lewis, Utesch & Maher 2013)"
NPS_WIDENED = (
    "interval widened to include the raw NPS: with 1-4 unanimous respondents the"
    " adjusted-Wald interval (Rocks 2016) leaves it out"
)


def seq_mean(ratings: Ratings, confidence: float = 0.95) -> Estimate:
    """Mean Single Ease Question rating (1..7) with a t-interval clipped to [1, 7]."""
    arr = inputs.values(ratings, field="seq", low=1, high=7, integer=True)
    return mean_t(arr, confidence, 1.0, 7.0, unit="rating_1_7", method="seq_mean")


def one_sample_t(
    arr: np.ndarray, mu: float, alternative: str, *, method: str, effect: Estimate
) -> TestResult:
    """One-sample t-test of the mean against ``mu``; needs two different values."""
    inputs.alternative(alternative)
    if arr.size < 2 or float(arr.std(ddof=1)) == 0.0:
        raise MetricInputError(f"{method}: a t-test needs at least two different values", field=method)
    result = stats.ttest_1samp(arr, mu, alternative=alternative)
    return TestResult(
        statistic=float(result.statistic),
        p_value=float(result.pvalue),
        method=method,
        test="one-sample t",
        effect=effect,
        alternative=alternative,
        df=arr.size - 1.0,
    )


def seq_versus_average(
    ratings: Ratings, average: float = SEQ_AVERAGE, alternative: str = "two-sided"
) -> TestResult:
    """One-sample t-test of the mean SEQ against the historical average 5.5.

    t = (mean - 5.5) / (s / sqrt(n)), df = n - 1 (Sauro & Lewis 2016 ch. 4, "Comparing a
    satisfaction score to a benchmark"). All-equal ratings cannot be tested (no spread).
    The effect is the mean SEQ with its t-interval (as ``seq_mean``).
    """
    arr = inputs.values(ratings, field="seq", low=1, high=7, integer=True)
    effect = mean_t(arr, 0.95, 1.0, 7.0, unit="rating_1_7", method="seq_mean")
    return one_sample_t(arr, average, alternative, method="seq_vs_average", effect=effect)


@dataclass(frozen=True, kw_only=True)
class UmuxLite(Composite):
    """UMUX-Lite mean 0..100 and its regression onto the SUS scale (labelled as such).

    Main figure: ``score``; ``sus_equivalent`` says in its note that it is a regression.
    """

    score: Estimate
    sus_equivalent: Estimate

    @property
    def main(self) -> Estimate:
        return self.score


def umux_lite_scores(responses: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """UMUX-Lite 0..100 per respondent: ((i1 - 1) + (i2 - 1)) x 100 / 12, items 1..7.

    ``responses`` is rows of the two item ratings, or one flat pair for one respondent
    (as ``sus_scores`` takes one flat row of ten).
    """
    try:
        arr = np.asarray(responses, dtype=float)
    except (TypeError, ValueError) as error:
        raise MetricInputError(
            f"umux_lite: responses must be rows of 2 numbers ({error})", field="umux_lite"
        ) from None
    if arr.ndim == 1 and arr.size == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise MetricInputError("umux_lite: needs rows of exactly 2 items", field="umux_lite")
    flat = inputs.values(arr.reshape(-1), field="umux_lite", low=1, high=7, integer=True)
    pairs = flat.reshape(-1, 2)
    return (pairs.sum(axis=1) - 2.0) * 100.0 / 12.0


def umux_lite(responses: Sequence[Sequence[float]] | np.ndarray, confidence: float = 0.95) -> UmuxLite:
    """Mean UMUX-Lite with t-interval, and the SUS-scale regression 0.65 x score + 22.9.

    Regression: Lewis, Utesch & Maher (2013), "UMUX-LITE: when there's no time for the
    SUS" (CHI); applied to the mean and both bounds (it is linear and increasing).
    """
    score = mean_t(
        umux_lite_scores(responses), confidence, 0.0, 100.0, unit="score_0_100", method="umux_lite"
    )

    def regress(value: float | None) -> float | None:
        return None if value is None else 0.65 * value + 22.9

    sus = Estimate(
        value=0.65 * score.value + 22.9,
        low=regress(score.low),
        high=regress(score.high),
        n=score.n,
        unit="score_0_100",
        method="umux_lite",
        note=f"SUS equivalent: {SUS_REGRESSION}" + (f"; {score.note}" if score.note else ""),
        confidence=confidence,
    )
    return UmuxLite(score=score, sus_equivalent=sus)


@dataclass(frozen=True, kw_only=True)
class NpsResult(Composite):
    """Net Promoter Score (-100..100) with its interval, and the three group counts.

    Main figure: ``nps``.
    """

    nps: Estimate
    promoters: int
    passives: int
    detractors: int

    @property
    def main(self) -> Estimate:
        return self.nps


def nps_from_counts(promoters: int, passives: int, detractors: int, confidence: float = 0.95) -> NpsResult:
    """NPS = 100 (P - D) / n with the adjusted-Wald interval for NPS.

    n' = n + 3, p' = (P + 3/4) / n', d' = (D + 3/4) / n', var = p' + d' - (p' - d')^2,
    interval 100 ((p' - d') +- z sqrt(var / n')) clipped to [-100, 100]; the point
    estimate stays the raw NPS. Source: Rocks (2016), "Interval estimation for the 'Net
    Promoter Score'", The American Statistician 70(4); MeasuringU, "Confidence intervals
    for Net Promoter Scores" (Sauro & Lewis 2021). With unanimous answers from very few
    respondents (e.g. 1 promoter at 95%, up to 4 at 90%) the shrunken centre puts the raw
    NPS outside the adjusted interval; uxlab then widens that bound to the raw NPS and
    says so in the figure's ``note``.
    """
    p = inputs.count(promoters, field="promoters")
    a = inputs.count(passives, field="passives")
    d = inputs.count(detractors, field="detractors")
    n = p + a + d
    if n == 0:
        raise MetricInputError("nps: needs at least one rating", field="nps")
    z = inputs.z_critical(confidence)
    n_adj = n + 3
    p_adj, d_adj = (p + 0.75) / n_adj, (d + 0.75) / n_adj
    var = p_adj + d_adj - (p_adj - d_adj) ** 2
    half = z * math.sqrt(var / n_adj)
    centre = p_adj - d_adj
    raw = 100.0 * (p - d) / n
    low = inputs.clip(100.0 * (centre - half), -100.0, 100.0)
    high = inputs.clip(100.0 * (centre + half), -100.0, 100.0)
    note = ""
    if not low <= raw <= high:
        low, high, note = min(low, raw), max(high, raw), NPS_WIDENED
    estimate = Estimate(
        value=raw, low=low, high=high, n=n, unit="nps", method="nps", note=note, confidence=confidence
    )
    return NpsResult(nps=estimate, promoters=p, passives=a, detractors=d)


def nps(ratings: Ratings, confidence: float = 0.95) -> NpsResult:
    """NPS from 0..10 likelihood-to-recommend ratings: promoters 9-10, passives 7-8, detractors 0-6."""
    arr = inputs.values(ratings, field="nps", low=0, high=10, integer=True)
    promoters = int(np.count_nonzero(arr >= 9))
    detractors = int(np.count_nonzero(arr <= 6))
    return nps_from_counts(promoters, arr.size - promoters - detractors, detractors, confidence)


def csat(ratings: Ratings, confidence: float = 0.95) -> Estimate:
    """CSAT top-2-box: share of 1..5 ratings that are 4 or 5, with an adjusted-Wald interval.

    Not the mean (docs/METRICS.md). Interval as completion_rate (Sauro & Lewis 2016 ch. 3).
    """
    arr = inputs.values(ratings, field="csat", low=1, high=5, integer=True)
    return share(int(np.count_nonzero(arr >= 4)), int(arr.size), confidence, method="csat")


@dataclass(frozen=True, kw_only=True)
class CesResult(Composite):
    """Customer Effort Score: version, mean rating and the favourable share.

    Version "2.0" (1..7 agreement, higher is better): favourable = agree, 5..7.
    Version "1.0" (1..5 effort, lower is better): favourable = low effort, 1..2.
    Main figure: ``mean`` (unit ``rating_1_7`` or ``rating_1_5``).
    """

    version: str
    mean: Estimate
    favourable: Estimate
    favourable_label: str

    @property
    def main(self) -> Estimate:
        return self.mean


def ces(ratings: Ratings, version: str = "2.0", confidence: float = 0.95) -> CesResult:
    """CES mean with t-interval and the favourable share with an adjusted-Wald interval.

    CES 2.0 (CEB/Gartner 2013, "[Name] made it easy for me to handle my issue", 1..7):
    favourable = share agreeing (5-7). CES 1.0 (Dixon, Freeman & Toman 2010, HBR, effort
    1..5, lower is better): favourable = share reporting very low or low effort (1-2).
    """
    if version == "2.0":
        arr = inputs.values(ratings, field="ces", low=1, high=7, integer=True)
        good, label, top = int(np.count_nonzero(arr >= 5)), "agree (5-7)", 7.0
    elif version == "1.0":
        arr = inputs.values(ratings, field="ces", low=1, high=5, integer=True)
        good, label, top = int(np.count_nonzero(arr <= 2)), "low effort (1-2)", 5.0
    else:
        raise MetricInputError(f'ces: version must be "2.0" or "1.0", got {version!r}', field="ces_version")
    unit = "rating_1_7" if version == "2.0" else "rating_1_5"
    note = "" if version == "2.0" else "CES 1.0: lower is less effort"
    return CesResult(
        version=version,
        mean=mean_t(arr, confidence, 1.0, top, unit=unit, method="ces", note=note),
        favourable=share(good, int(arr.size), confidence, method="ces", note=f"share {label}"),
        favourable_label=label,
    )

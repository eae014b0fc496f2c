"""Comparing two designs (A/B, or two study versions): completion, times, ratings, sample sizes.

Source: Sauro & Lewis, *Quantifying the User Experience* 2nd ed. (2016), ch. 5 and 6,
unless a function names another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.results import Estimate, TestResult

Values = Iterable[float] | np.ndarray


def _p_normal(z: float, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.norm.sf(z))
    if alternative == "less":
        return float(stats.norm.cdf(z))
    return float(2 * stats.norm.sf(abs(z)))


def two_proportions(
    successes_a: int,
    attempts_a: int,
    successes_b: int,
    attempts_b: int,
    confidence: float = 0.95,
    alternative: str = "two-sided",
) -> TestResult:
    """N-1 two-proportion test of completion rates between subjects, Agresti-Caffo interval.

    z = (p1 - p2) / sqrt(P Q (1/n1 + 1/n2)) x sqrt((N - 1) / N), P = pooled rate, Q = 1 - P,
    N = n1 + n2 (Campbell 2007; Sauro & Lewis 2016 ch. 5). When every attempt in both
    groups has the same outcome there is nothing to tell apart: z = 0, p = 1. The effect
    is p1 - p2 with the Agresti-Caffo (2000) interval: add z^2/4 successes and z^2/2
    trials to each group, then Wald; clipped to [-1, 1].
    """
    x1, n1 = inputs.successes_attempts(successes_a, attempts_a)
    x2, n2 = inputs.successes_attempts(successes_b, attempts_b)
    inputs.alternative(alternative)
    p1, p2 = x1 / n1, x2 / n2
    big_n = n1 + n2
    pooled = (x1 + x2) / big_n
    pq = pooled * (1 - pooled)
    z = 0.0 if pq == 0 else (p1 - p2) / math.sqrt(pq * (1 / n1 + 1 / n2)) * math.sqrt((big_n - 1) / big_n)
    zc = inputs.z_critical(confidence)
    a1, a2 = (x1 + zc * zc / 4) / (n1 + zc * zc / 2), (x2 + zc * zc / 4) / (n2 + zc * zc / 2)
    se = math.sqrt(a1 * (1 - a1) / (n1 + zc * zc / 2) + a2 * (1 - a2) / (n2 + zc * zc / 2))
    effect = Estimate(
        value=p1 - p2,
        low=inputs.clip(a1 - a2 - zc * se, -1.0, 1.0),
        high=inputs.clip(a1 - a2 + zc * se, -1.0, 1.0),
        n=big_n,
        unit="share_difference",
        method="two_proportions",
        confidence=confidence,
    )
    return TestResult(
        statistic=z,
        p_value=1.0 if pq == 0 else _p_normal(z, alternative),
        method="two_proportions",
        test="N-1 two-proportion",
        effect=effect,
        alternative=alternative,
    )


def mcnemar_exact(success_a: Values, success_b: Values, confidence: float = 0.95) -> TestResult:
    """Exact McNemar test for the same participants on two designs (within subjects).

    Inputs are paired 0/1 outcomes. With discordant pairs b (A only) and c (B only),
    p = min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2) (Sauro & Lewis 2016 ch. 5).
    The effect pA - pB = (b - c) / N gets the adjusted-Wald interval for matched pairs
    (Agresti & Min 2005): add z^2/8 to each cell of the 2x2 table; clipped to [-1, 1].
    ``statistic`` is min(b, c).
    """
    a_arr = inputs.values(success_a, field="success_a", low=0, high=1, integer=True)
    b_arr = inputs.values(success_b, field="success_b", low=0, high=1, integer=True)
    if a_arr.size != b_arr.size:
        raise MetricInputError("success_a and success_b must pair up (same length)", field="success_b")
    n = int(a_arr.size)
    only_a = int(np.count_nonzero((a_arr == 1) & (b_arr == 0)))
    only_b = int(np.count_nonzero((a_arr == 0) & (b_arr == 1)))
    discordant = only_a + only_b
    p = 1.0 if discordant == 0 else min(1.0, 2 * float(stats.binom.cdf(min(only_a, only_b), discordant, 0.5)))
    z = inputs.z_critical(confidence)
    add = z * z / 8
    n_adj = n + 4 * add
    p12, p21 = (only_a + add) / n_adj, (only_b + add) / n_adj
    half = z * math.sqrt(max((p12 + p21) - (p21 - p12) ** 2, 0.0) / n_adj)
    effect = Estimate(
        value=(only_a - only_b) / n,
        low=inputs.clip(p12 - p21 - half, -1.0, 1.0),
        high=inputs.clip(p12 - p21 + half, -1.0, 1.0),
        n=n,
        unit="share_difference",
        method="mcnemar_exact",
        confidence=confidence,
    )
    return TestResult(
        statistic=float(min(only_a, only_b)),
        p_value=p,
        method="mcnemar_exact",
        test="exact McNemar",
        effect=effect,
    )


def _welch(a: np.ndarray, b: np.ndarray, field: str) -> tuple[float, float, float]:
    """Return (difference of means, standard error, Welch-Satterthwaite df)."""
    va, vb = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    if va + vb == 0.0:
        raise MetricInputError(f"{field}: both groups have no spread; a t-test needs variation", field=field)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    return float(a.mean() - b.mean()), math.sqrt(va + vb), df


def _p_t(t: float, df: float, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.t.sf(t, df))
    if alternative == "less":
        return float(stats.t.cdf(t, df))
    return float(2 * stats.t.sf(abs(t), df))


def compare_times_s(
    times_a_s: Values, times_b_s: Values, confidence: float = 0.95, alternative: str = "two-sided"
) -> TestResult:
    """Welch t-test on ln(time); effect = ratio of geometric means A/B with its interval.

    t = (mean ln A - mean ln B) / sqrt(s_a^2/n_a + s_b^2/n_b), Welch-Satterthwaite df; the
    ratio exp(difference) with interval exp(difference +- t(df) se) (Sauro & Lewis 2016
    ch. 5, "log-transforming task times").
    """
    inputs.alternative(alternative)
    a = np.log(inputs.times_s(times_a_s, field="times_a_s", min_n=2))
    b = np.log(inputs.times_s(times_b_s, field="times_b_s", min_n=2))
    diff, se, df = _welch(a, b, "time_s")
    half = inputs.t_critical(confidence, df) * se
    effect = Estimate(
        value=math.exp(diff),
        low=math.exp(diff - half),
        high=math.exp(diff + half),
        n=int(a.size + b.size),
        unit="ratio",
        method="compare_times_s",
        confidence=confidence,
    )
    t = diff / se
    return TestResult(
        statistic=t,
        p_value=_p_t(t, df, alternative),
        method="compare_times_s",
        test="Welch t on ln(time)",
        effect=effect,
        alternative=alternative,
        df=df,
    )


def compare_ratings(
    ratings_a: Values,
    ratings_b: Values,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    scale: tuple[float, float] | None = None,
) -> TestResult:
    """Welch t-test on raw ratings; effect = mean A - mean B with its t interval.

    ``scale`` = (lowest, highest) rating checks the inputs and clips the difference to
    +-(highest - lowest). Source: Sauro & Lewis (2016) ch. 5 (two-sample t-test, Welch).
    """
    inputs.alternative(alternative)
    low, high = scale if scale is not None else (None, None)
    if scale is not None and not (
        len(scale) == 2 and all(math.isfinite(v) for v in scale) and scale[0] < scale[1]
    ):
        raise MetricInputError(
            f"scale must be (lowest, highest) finite ratings, got {scale!r}", field="scale"
        )
    a = inputs.values(ratings_a, field="ratings_a", low=low, high=high, min_n=2)
    b = inputs.values(ratings_b, field="ratings_b", low=low, high=high, min_n=2)
    diff, se, df = _welch(a, b, "ratings")
    half = inputs.t_critical(confidence, df) * se
    span = math.inf if scale is None else float(scale[1] - scale[0])
    effect = Estimate(
        value=diff,
        low=inputs.clip(diff - half, -span, span),
        high=inputs.clip(diff + half, -span, span),
        n=int(a.size + b.size),
        unit="rating_difference",
        method="compare_ratings",
        confidence=confidence,
    )
    t = diff / se
    return TestResult(
        statistic=t,
        p_value=_p_t(t, df, alternative),
        method="compare_ratings",
        test="Welch t",
        effect=effect,
        alternative=alternative,
        df=df,
    )


def sample_size_completion(margin: float, expected_rate: float = 0.5, confidence: float = 0.95) -> int:
    """Participants needed to estimate a completion rate within +-margin (adjusted Wald).

    n = z^2 p (1 - p) / d^2 - z^2, rounded up, at least 1 (Sauro & Lewis 2016 ch. 6,
    "Sample size estimation for binomial confidence intervals").
    """
    if not isinstance(margin, int | float) or not 0 < margin < 1:
        raise MetricInputError(f"margin must be between 0 and 1, got {margin!r}", field="margin")
    if not isinstance(expected_rate, int | float) or not 0 <= expected_rate <= 1:
        raise MetricInputError("expected_rate must be between 0 and 1", field="expected_rate")
    z = inputs.z_critical(confidence)
    n = z * z * expected_rate * (1 - expected_rate) / margin**2 - z * z
    return max(1, math.ceil(n - 1e-9))


def sample_size_two_proportions(
    rate_a: float, rate_b: float, confidence: float = 0.95, power: float = 0.8
) -> int:
    """Participants per group to detect rate_a vs rate_b with a two-sided test.

    n = [z_(a/2) sqrt(2 P Q) + z_b sqrt(p1 q1 + p2 q2)]^2 / (p1 - p2)^2, P = mean rate,
    rounded up (Fleiss, Levin & Paik 2003, *Statistical Methods for Rates and
    Proportions* 3rd ed., ch. 4, the formula without continuity correction).
    """
    for name, value in (("rate_a", rate_a), ("rate_b", rate_b)):
        if not isinstance(value, int | float) or not 0 < value < 1:
            raise MetricInputError(f"{name} must be between 0 and 1 (exclusive)", field=name)
    if rate_a == rate_b:
        raise MetricInputError("rate_a and rate_b must differ", field="rate_b")
    if not isinstance(power, int | float) or not 0 < power < 1:
        raise MetricInputError("power must be between 0 and 1", field="power")
    za = inputs.z_critical(confidence)
    zb = float(stats.norm.ppf(power))
    mean = (rate_a + rate_b) / 2
    top = za * math.sqrt(2 * mean * (1 - mean)) + zb * math.sqrt(
        rate_a * (1 - rate_a) + rate_b * (1 - rate_b)
    )
    return math.ceil(top**2 / (rate_a - rate_b) ** 2 - 1e-9)


def compare_nps(
    ratings_a: Values, ratings_b: Values, confidence: float = 0.95, alternative: str = "two-sided"
) -> TestResult:
    """Two NPS (0..10 ratings) by the adjusted-Wald z-test; effect = NPS A - NPS B in NPS points.

    Each side: n' = n + 3, p' = (P + 3/4) / n', d' = (D + 3/4) / n', var = (p' + d' -
    (p' - d')^2) / n'; z = ((p'_a - d'_a) - (p'_b - d'_b)) / sqrt(var_a + var_b), interval
    100 (difference +- z_crit sqrt(var_a + var_b)) clipped to -200..200 (Rocks 2016;
    MeasuringU, Sauro & Lewis 2021, "How to statistically compare two Net Promoter Scores").
    The effect's value is the raw difference; its interval is widened to include it (and
    ``note`` says so) when few unanimous respondents put it outside, as ``nps`` does.
    """
    inputs.alternative(alternative)
    sides = []
    for name, ratings in (("ratings_a", ratings_a), ("ratings_b", ratings_b)):
        arr = inputs.values(ratings, field=name, low=0, high=10, integer=True)
        promoters, detractors = int(np.count_nonzero(arr >= 9)), int(np.count_nonzero(arr <= 6))
        n_adj = arr.size + 3
        p, d = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
        raw = 100.0 * (promoters - detractors) / arr.size
        sides.append((p - d, (p + d - (p - d) ** 2) / n_adj, raw, int(arr.size)))
    (ca, va, ra, na), (cb, vb, rb, nb) = sides
    se = math.sqrt(va + vb)
    half = inputs.z_critical(confidence) * se
    raw = ra - rb
    low = inputs.clip(100.0 * (ca - cb - half), -200.0, 200.0)
    high = inputs.clip(100.0 * (ca - cb + half), -200.0, 200.0)
    note = ""
    if not low <= raw <= high:
        low, high = min(low, raw), max(high, raw)
        note = "interval widened to include the raw difference (few unanimous respondents)"
    effect = Estimate(value=raw, low=low, high=high, n=na + nb, unit="nps_difference", method="compare_nps",
                      note=note, confidence=confidence)  # fmt: skip
    z = (ca - cb) / se
    return TestResult(
        statistic=z,
        p_value=_p_normal(z, alternative),
        method="compare_nps",
        test="adjusted-Wald z for two NPS",
        effect=effect,
        alternative=alternative,
        note=note,
    )

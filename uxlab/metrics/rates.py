"""Effectiveness: completion rates, best point estimates, benchmarks, direct success.

Sources: Sauro & Lewis, *Quantifying the User Experience* 2nd ed. (2016), ch. 3-4;
Agresti & Coull (1998); Lewis & Sauro (2006), "When 100% really isn't 100%", JUS 1(3).
Every attempt counts in the denominator (success, failure, give-up, timeout).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from uxlab.errors import MetricInputError
from uxlab.metrics import inputs
from uxlab.metrics.results import Composite, Estimate, PointEstimate, TestResult

AVERAGE_COMPLETION_RATE = 0.78
"""The average task completion rate across usability tests (Sauro & Lewis 2016, ch. 4)."""


def adjusted_wald_bounds(successes: float, n: float, z: float) -> tuple[float, float]:
    """Adjusted-Wald (Agresti-Coull) bounds, clipped to [0, 1].

    n' = n + z^2, p' = (x + z^2/2) / n', bounds p' +- z sqrt(p'(1-p')/n').
    Source: Agresti & Coull (1998); Sauro & Lewis (2016) ch. 3.
    """
    n_adj = n + z * z
    p_adj = (successes + z * z / 2) / n_adj
    half = z * math.sqrt(p_adj * (1 - p_adj) / n_adj)
    return inputs.clip(p_adj - half, 0.0, 1.0), inputs.clip(p_adj + half, 0.0, 1.0)


def completion_rate(successes: int, attempts: int, confidence: float = 0.95) -> Estimate:
    """Completion rate x/n with the adjusted-Wald interval at any confidence level.

    Estimate = x/n (the raw rate); interval = adjusted Wald (Agresti-Coull), clipped to
    [0, 1]. Source: Sauro & Lewis (2016) ch. 3; Sauro & Lewis (2005) HFES.
    """
    x, n = inputs.successes_attempts(successes, attempts)
    return share(x, n, confidence, method="completion_rate")


def share(x: int, n: int, confidence: float, *, method: str, note: str = "") -> Estimate:
    """x/n (checked counts) with the adjusted-Wald interval, labelled with ``method``."""
    low, high = adjusted_wald_bounds(x, n, inputs.z_critical(confidence))
    return Estimate(
        value=x / n, low=low, high=high, n=n, unit="share", method=method, note=note, confidence=confidence
    )


def best_point_estimate(successes: int, attempts: int) -> PointEstimate:
    """Best point estimate of a completion rate (Lewis & Sauro 2006).

    x/n < 0.5: Wilson (= adjusted-Wald centre p' at 95%); 0.5 <= x/n <= 0.9: maximum
    likelihood x/n; x/n > 0.9: LaPlace (x+1)/(n+2); ``rule`` names the one used. Compared
    in exact integer arithmetic so the boundaries 0.5 and 0.9 fall where the rule puts them.
    """
    x, n = inputs.successes_attempts(successes, attempts)
    if 2 * x < n:
        z = inputs.z_critical(0.95)
        value, rule = (x + z * z / 2) / (n + z * z), "wilson"
    elif 10 * x <= 9 * n:
        value, rule = x / n, "mle"
    else:
        value, rule = (x + 1) / (n + 2), "laplace"
    return PointEstimate(value=value, n=n, unit="share", method="best_point_estimate", rule=rule)


def versus_benchmark(
    successes: int,
    attempts: int,
    benchmark: float = AVERAGE_COMPLETION_RATE,
    alternative: str = "greater",
    confidence: float = 0.95,
) -> TestResult:
    """One-sided test of a completion rate against a benchmark rate.

    Fewer than 15 successes or 15 failures: exact binomial mid-p, e.g. for "greater"
    p = P(X > x) + P(X = x)/2 under Binomial(n, benchmark); otherwise the normal
    approximation z = (x/n - p0) / sqrt(p0 (1 - p0) / n). Source: Sauro & Lewis (2016)
    ch. 4 ("Comparing a completion rate to a benchmark"). ``alternative`` is "greater"
    (the rate exceeds the benchmark) or "less". ``test`` names the test used, ``statistic``
    is the success count for mid-p and z for the normal test; the effect is the rate with
    its adjusted-Wald interval.
    """
    x, n = inputs.successes_attempts(successes, attempts)
    if alternative not in ("greater", "less"):
        raise MetricInputError("alternative must be greater or less (one-sided)", field="alternative")
    if not isinstance(benchmark, int | float) or not 0 < benchmark < 1:
        raise MetricInputError(f"benchmark must be between 0 and 1, got {benchmark!r}", field="benchmark")
    effect = completion_rate(x, n, confidence)
    if x < 15 or n - x < 15:
        half_tie = 0.5 * float(stats.binom.pmf(x, n, benchmark))
        tail = (
            stats.binom.sf(x, n, benchmark)
            if alternative == "greater"
            else stats.binom.cdf(x - 1, n, benchmark)
        )
        return TestResult(
            statistic=float(x),
            p_value=float(tail) + half_tie,
            method="completion_vs_benchmark",
            test="mid-p exact binomial",
            effect=effect,
            alternative=alternative,
        )
    z = (x / n - benchmark) / math.sqrt(benchmark * (1 - benchmark) / n)
    p = stats.norm.sf(z) if alternative == "greater" else stats.norm.cdf(z)
    return TestResult(
        statistic=z,
        p_value=float(p),
        method="completion_vs_benchmark",
        test="normal approximation",
        effect=effect,
        alternative=alternative,
    )


@dataclass(frozen=True, kw_only=True)
class SuccessShares(Composite):
    """Direct and indirect successes as shares of all attempts, each with its interval.

    Main figure: ``direct``.
    """

    direct: Estimate
    indirect: Estimate

    @property
    def main(self) -> Estimate:
        return self.direct


def success_shares(direct: int, indirect: int, attempts: int, confidence: float = 0.95) -> SuccessShares:
    """Direct (along the ideal path, no detours) and indirect success shares of all attempts.

    Each share is x/n over all attempts with an adjusted-Wald interval; direct + indirect
    = all successes. Definition: docs/METRICS.md (direct = success along the task's ideal
    path without detours), as tree-testing tools report it (e.g. Optimal Workshop's
    Treejack); intervals as completion_rate.
    """
    d = inputs.count(direct, field="direct")
    i = inputs.count(indirect, field="indirect")
    _, n = inputs.successes_attempts(d + i, attempts)
    return SuccessShares(
        direct=share(d, n, confidence, method="success_shares"),
        indirect=share(i, n, confidence, method="success_shares"),
    )

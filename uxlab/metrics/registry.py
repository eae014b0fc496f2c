"""The metric registry: every metric uxlab reports, by name, with its unit, n and source.

``METRICS`` is a plain list so that other modules' metrics can be declared here too; the
README's metric section holds exactly ``markdown_table()`` (this registry) and
``units.markdown_table()`` (the unit vocabulary), and a test keeps them in step. Bump
``METRICS_VERSION`` whenever a formula, convention or unit changes, so stored reports can
say which definitions produced them.

Every result's ``method`` is a name of this registry and its ``unit`` one of the metric's
``units``; ``n_counts`` says what the result's ``n`` counts. To register another module's
metrics: import it below, append ``Metric(...)`` rows, regenerate the README section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uxlab.metrics import (
    compare,
    lighthouse,
    pagespeed,
    question_stats,
    questionnaires,
    rates,
    single_usability,
    speed_index,
    sus,
    times,
    units,
)

METRICS_VERSION = "1.2"
"""1.1: SUS percentile ranks from Sauro's full score table; the result vocabulary.
1.2: Speed Index in the performance score (no renormalization); custom questions' statistics."""


@dataclass(frozen=True)
class Metric:
    """One registered metric: its name, the function computing it, its unit(s) and source.

    ``units`` are keys of ``units.UNITS``, those of every figure the metric reports (more
    than one where the input decides, e.g. the CES version, or where a result holds a
    share beside a mean); ``n_counts`` says what a result's ``n`` counts ("" when the function
    returns a bare value without n).
    """

    name: str
    function: Callable[..., Any]
    units: tuple[str, ...]
    source: str
    n_counts: str = ""

    def __post_init__(self) -> None:
        for key in self.units:
            units.unit(key)

    @property
    def path(self) -> str:
        """Dotted path of the function, e.g. ``uxlab.metrics.rates.completion_rate``."""
        return f"{self.function.__module__}.{self.function.__qualname__}"


QUX = "Sauro & Lewis 2016 (QUX 2e)"

METRICS: list[Metric] = [
    # Effectiveness (rates.py)
    Metric(
        "completion_rate",
        rates.completion_rate,
        ("share",),
        f"Agresti & Coull 1998; {QUX} ch. 3",
        "attempts",
    ),
    Metric(
        "best_point_estimate",
        rates.best_point_estimate,
        ("share",),
        "Lewis & Sauro 2006, JUS 1(3)",
        "attempts",
    ),
    Metric(
        "completion_vs_benchmark",
        rates.versus_benchmark,
        ("share",),
        f"{QUX} ch. 4 (mid-p / normal; value = the rate, with p_value)",
        "attempts",
    ),
    Metric(
        "success_shares",
        rates.success_shares,
        ("share",),
        "docs/METRICS.md (direct = ideal path)",
        "attempts",
    ),
    # Efficiency (times.py)
    Metric(
        "geometric_mean_time_s",
        times.geometric_mean_time_s,
        ("seconds",),
        f"{QUX} ch. 3 (log-t interval)",
        "successful attempts",
    ),
    Metric(
        "median_time_s",
        times.median_time_s,
        ("seconds",),
        f"{QUX} ch. 3 (binomial-rank interval)",
        "successful attempts",
    ),
    Metric(
        "time_on_task_s",
        times.time_on_task_s,
        ("seconds",),
        "Sauro & Lewis 2010, CHI (n < 25 rule, n = `centre_n` when given; method names the centre)",
        "successful attempts",
    ),
    # SUS (sus.py)
    Metric("sus_score", sus.sus_scores, ("score_0_100",), "Brooke 1996", "respondents"),
    Metric(
        "sus_summary",
        sus.sus_summary,
        ("score_0_100",),
        f"Brooke 1996; Lewis & Sauro 2009; {QUX} ch. 8",
        "respondents",
    ),
    Metric("sus_subscores", sus.sus_subscores, ("score_0_100",), "Lewis & Sauro 2009", "respondents"),
    Metric("sus_grade", sus.sus_grade, ("grade",), f"{QUX} Table 8.5 (curved grading scale)"),
    Metric(
        "sus_percentile",
        sus.sus_percentile,
        ("percentile_rank",),
        f"Sauro 2011, score-to-percentile-rank table; {QUX} ch. 8",
    ),
    # Other questionnaires (questionnaires.py)
    Metric(
        "seq_mean",
        questionnaires.seq_mean,
        ("rating_1_7",),
        f"Sauro & Dumas 2009, CHI; {QUX} ch. 3",
        "ratings",
    ),
    Metric(
        "seq_vs_average",
        questionnaires.seq_versus_average,
        ("rating_1_7",),
        f"{QUX} ch. 4 (one-sample t; value = the mean, with p_value)",
        "ratings",
    ),
    Metric(
        "umux_lite",
        questionnaires.umux_lite,
        ("score_0_100",),
        "Lewis, Utesch & Maher 2013, CHI",
        "respondents",
    ),
    Metric(
        "nps",
        questionnaires.nps,
        ("nps",),
        "Reichheld 2003; Rocks 2016 (adjusted Wald)",
        "respondents",
    ),
    Metric(
        "csat",
        questionnaires.csat,
        ("share",),
        f"top-2-box; {QUX} ch. 3 (adjusted Wald)",
        "respondents",
    ),
    Metric(
        "ces",
        questionnaires.ces,
        ("rating_1_7", "rating_1_5", "share"),
        "Dixon et al. 2010 (1.0); CEB 2013 (2.0); share favourable",
        "respondents",
    ),
    # Researchers' own questions (question_stats.py)
    Metric("choice_share", question_stats.choice_share, ("share",), f"{QUX} ch. 3", "respondents"),
    Metric("rating_mean", question_stats.rating_mean, ("rating",), f"{QUX} ch. 3", "respondents"),
    # Single Usability Metric (single_usability.py)
    Metric(
        "single_usability_metric",
        single_usability.single_usability_metric,
        ("percent",),
        "Sauro & Kindlund 2005, CHI",
        "attempts at the task",
    ),
    # Comparisons (compare.py): value = the effect, with p_value
    Metric(
        "two_proportions",
        compare.two_proportions,
        ("share_difference",),
        f"Campbell 2007; {QUX} ch. 5",
        "attempts, both groups",
    ),
    Metric(
        "mcnemar_exact",
        compare.mcnemar_exact,
        ("share_difference",),
        f"{QUX} ch. 5; Agresti & Min 2005",
        "participants (pairs)",
    ),
    Metric(
        "compare_times_s",
        compare.compare_times_s,
        ("ratio",),
        f"{QUX} ch. 5 (Welch t on ln time)",
        "successful attempts, both groups",
    ),
    Metric(
        "compare_ratings",
        compare.compare_ratings,
        ("rating_difference",),
        f"{QUX} ch. 5 (Welch t)",
        "ratings, both groups",
    ),
    Metric(
        "compare_nps",
        compare.compare_nps,
        ("nps_difference",),
        "Rocks 2016; MeasuringU (Sauro & Lewis 2021), comparing two NPS",
        "respondents, both groups",
    ),
    Metric("sample_size_completion", compare.sample_size_completion, ("count",), f"{QUX} ch. 6"),
    Metric(
        "sample_size_two_proportions",
        compare.sample_size_two_proportions,
        ("count",),
        "Fleiss, Levin & Paik 2003, ch. 4 (per group)",
    ),
    # Page speed (pagespeed.py, lighthouse.py)
    Metric("cwv_rating", pagespeed.cwv_rating, ("cwv_rating",), "web.dev Core Web Vitals"),
    Metric(
        "cwv_p75",
        pagespeed.assess_p75,
        ("milliseconds", "layout_shift"),
        "web.dev (75th percentile per device)",
        "page loads of the device class",
    ),
    Metric("cls", pagespeed.cls_from_shifts, ("layout_shift",), "web.dev Evolving CLS (session windows)"),
    Metric(
        "speed_index_ms",
        speed_index.speed_index_ms,
        ("milliseconds",),
        "Lighthouse 13 / Speedline (fast mode)",
    ),
    Metric("tbt_ms", pagespeed.tbt_from_long_tasks, ("milliseconds",), "web.dev Total Blocking Time"),
    Metric(
        "lighthouse_metric_score",
        lighthouse.lighthouse_metric_score,
        ("score_0_1",),
        "Lighthouse 13 shared/statistics.js, shared/util.js",
    ),
    Metric(
        "performance_score",
        lighthouse.performance_score,
        ("score_0_1",),
        "Lighthouse 13 core/scoring.js",
        "metrics scored",
    ),
    Metric("representative_run", pagespeed.representative_run, ("index",), "Lighthouse 13 median-run.js"),
    Metric(
        "budget_aggregate",
        pagespeed.aggregate,
        ("milliseconds", "layout_shift", "score_0_1"),
        "Lighthouse CI assertions",
    ),
]


def by_name() -> dict[str, Metric]:
    """Return the registry as {name: Metric}; names must be unique."""
    table = {m.name: m for m in METRICS}
    if len(table) != len(METRICS):
        names = [m.name for m in METRICS]
        dupes = sorted({name for name in names if names.count(name) > 1})
        raise RuntimeError(f"duplicate metric names in the registry: {dupes}")
    return table


def get(name: str) -> Metric:
    """Return the registered metric called ``name`` (KeyError naming it when unknown)."""
    try:
        return by_name()[name]
    except KeyError:
        raise KeyError(f"no metric called {name!r}") from None


def markdown_table() -> str:
    """The README metric table for the current registry."""
    lines = ["| metric | unit | n counts | source | function |", "|---|---|---|---|---|"]
    for m in METRICS:
        unit = " or ".join(f"`{key}`" for key in m.units)
        lines.append(f"| `{m.name}` | {unit} | {m.n_counts or '–'} | {m.source} | `{m.path}` |")
    return "\n".join(lines)

"""The metric registry: every metric uxlab reports, by name, with its unit and source.

``METRICS`` is a plain list so that other modules' metrics can be declared here too; the
README's metric table (section ``metrics``) lists exactly these rows and a test keeps the
two in step. Bump ``METRICS_VERSION`` whenever a formula, convention or unit changes, so
stored reports can say which definitions produced them.

To register metrics of another module (e.g. ``uxlab.metrics.pagespeed``): import the
module below and append ``Metric(...)`` rows to ``METRICS`` in the marked block, then add
the same rows to the README table (``markdown_table()`` prints them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uxlab.metrics import (
    compare,
    pagespeed,
    questionnaires,
    rates,
    single_usability,
    summary_arrays,
    sus,
    times,
)

METRICS_VERSION = "1.0"


@dataclass(frozen=True)
class Metric:
    """One registered metric: its name, the function computing it, its unit and source."""

    name: str
    function: Callable[..., Any]
    unit: str
    source: str

    @property
    def path(self) -> str:
        """Dotted path of the function, e.g. ``uxlab.metrics.rates.completion_rate``."""
        return f"{self.function.__module__}.{self.function.__qualname__}"


QUX = "Sauro & Lewis 2016 (QUX 2e)"

METRICS: list[Metric] = [
    # Effectiveness (rates.py)
    Metric("completion_rate", rates.completion_rate, "proportion 0..1", f"Agresti & Coull 1998; {QUX} ch. 3"),
    Metric(
        "best_point_estimate", rates.best_point_estimate, "proportion 0..1", "Lewis & Sauro 2006, JUS 1(3)"
    ),
    Metric("completion_vs_benchmark", rates.versus_benchmark, "p-value", f"{QUX} ch. 4 (mid-p / normal)"),
    Metric("success_shares", rates.success_shares, "proportion 0..1", "METRICS.md (direct = ideal path)"),
    # Efficiency (times.py)
    Metric("geometric_mean_time_s", times.geometric_mean_time_s, "s", f"{QUX} ch. 3 (log-t interval)"),
    Metric("median_time_s", times.median_time_s, "s", f"{QUX} ch. 3 (binomial-rank interval)"),
    Metric("time_on_task_s", times.time_on_task_s, "s", "Sauro & Lewis 2010, CHI (n < 25 rule)"),
    # SUS (sus.py)
    Metric("sus_score", sus.sus_scores, "score 0..100", "Brooke 1996"),
    Metric("sus_summary", sus.sus_summary, "score 0..100", f"Brooke 1996; Lewis & Sauro 2009; {QUX} ch. 8"),
    Metric("sus_grade", sus.sus_grade, "grade A+..F", f"{QUX} Table 8.5 (curved grading scale)"),
    Metric(
        "sus_percentile", sus.sus_percentile, "percentile 0..100", f"Sauro 2011 (68 = 50th); {QUX} Table 8.5"
    ),
    # Other questionnaires (questionnaires.py)
    Metric("seq_mean", questionnaires.seq_mean, "rating 1..7", f"Sauro & Dumas 2009, CHI; {QUX} ch. 3"),
    Metric("seq_vs_average", questionnaires.seq_versus_average, "p-value", f"{QUX} ch. 4 (one-sample t)"),
    Metric("umux_lite", questionnaires.umux_lite, "score 0..100", "Lewis, Utesch & Maher 2013, CHI"),
    Metric("nps", questionnaires.nps, "score -100..100", "Reichheld 2003; Rocks 2016 (adjusted Wald)"),
    Metric("csat", questionnaires.csat, "proportion 0..1", f"top-2-box; {QUX} ch. 3 (adjusted Wald)"),
    Metric("ces", questionnaires.ces, "rating 1..7 (2.0) or 1..5 (1.0)", "Dixon et al. 2010; CEB 2013"),
    # Single Usability Metric (single_usability.py)
    Metric(
        "single_usability_metric",
        single_usability.single_usability_metric,
        "percent 0..100",
        "Sauro & Kindlund 2005, CHI",
    ),
    # Comparisons (compare.py)
    Metric("two_proportions", compare.two_proportions, "difference -1..1", f"Campbell 2007; {QUX} ch. 5"),
    Metric("mcnemar_exact", compare.mcnemar_exact, "difference -1..1", f"{QUX} ch. 5; Agresti & Min 2005"),
    Metric("compare_times_s", compare.compare_times_s, "ratio", f"{QUX} ch. 5 (Welch t on ln time)"),
    Metric("compare_ratings", compare.compare_ratings, "scale points", f"{QUX} ch. 5 (Welch t)"),
    Metric("sample_size_completion", compare.sample_size_completion, "participants", f"{QUX} ch. 6"),
    Metric(
        "sample_size_two_proportions",
        compare.sample_size_two_proportions,
        "participants per group",
        "Fleiss, Levin & Paik 2003, ch. 4",
    ),
    # Vectorized per-task summary (summary_arrays.py)
    Metric("task_summaries", summary_arrays.summarize_tasks, "per-task arrays", "as the metrics above"),
    # --- page speed (uxlab.metrics.pagespeed): its owner appends Metric(...) rows here ---
    Metric("cwv_rating", pagespeed.cwv_rating, "good / needs-improvement / poor", "web.dev Core Web Vitals"),
    Metric("cwv_p75", pagespeed.assess_p75, "metric's unit at p75", "web.dev (75th percentile per device)"),
    Metric("cls", pagespeed.cls_from_shifts, "unitless", "web.dev Evolving CLS (session windows)"),
    Metric("tbt_ms", pagespeed.tbt_from_long_tasks, "ms", "web.dev Total Blocking Time"),
    Metric(
        "lighthouse_metric_score",
        pagespeed.lighthouse_metric_score,
        "score 0..1",
        "Lighthouse 13 shared/statistics.js, shared/util.js",
    ),
    Metric("performance_score", pagespeed.performance_score, "score 0..1", "Lighthouse 13 core/scoring.js"),
    Metric("representative_run", pagespeed.representative_run, "run index", "Lighthouse 13 median-run.js"),
    Metric("budget_aggregate", pagespeed.aggregate, "metric's unit", "Lighthouse CI assertions"),
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
    lines = ["| metric | unit | source | function |", "|---|---|---|---|"]
    lines += [f"| `{m.name}` | {m.unit} | {m.source} | `{m.path}` |" for m in METRICS]
    return "\n".join(lines)

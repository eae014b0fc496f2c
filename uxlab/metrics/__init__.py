"""uxlab metrics: pure functions over numpy arrays (no Flask, no database, no Playwright).

Definitions and conventions: ``../shared/METRICS.md`` (Sauro & Lewis, *Quantifying the
User Experience* 2nd ed., 2016, unless a docstring names another source). Every function
checks its input and raises ``uxlab.errors.MetricInputError``; results are floats or
small frozen dataclasses with ``to_dict()``. ``registry.METRICS`` lists every metric with
its unit and source; ``METRICS_VERSION`` names the set of definitions in force.
"""

from uxlab.metrics.compare import (
    compare_ratings,
    compare_times_s,
    mcnemar_exact,
    sample_size_completion,
    sample_size_two_proportions,
    two_proportions,
)
from uxlab.metrics.questionnaires import (
    CesResult,
    NpsResult,
    UmuxLite,
    ces,
    csat,
    nps,
    nps_from_counts,
    seq_mean,
    seq_versus_average,
    umux_lite,
    umux_lite_scores,
)
from uxlab.metrics.rates import (
    AVERAGE_COMPLETION_RATE,
    SuccessShares,
    best_point_estimate,
    completion_rate,
    success_shares,
    versus_benchmark,
)
from uxlab.metrics.registry import METRICS, METRICS_VERSION, Metric
from uxlab.metrics.results import Estimate, PointEstimate, TestResult
from uxlab.metrics.single_usability import SingleUsability, single_usability_metric
from uxlab.metrics.summary_arrays import OUTCOMES, TaskSummaries, outcome_codes, summarize_tasks
from uxlab.metrics.sus import SusSummary, sus_grade, sus_percentile, sus_scores, sus_subscores, sus_summary
from uxlab.metrics.times import geometric_mean_time_s, median_time_s, time_on_task_s

__all__ = [
    "AVERAGE_COMPLETION_RATE",
    "METRICS",
    "METRICS_VERSION",
    "OUTCOMES",
    "CesResult",
    "Estimate",
    "Metric",
    "NpsResult",
    "PointEstimate",
    "SingleUsability",
    "SuccessShares",
    "SusSummary",
    "TaskSummaries",
    "TestResult",
    "UmuxLite",
    "best_point_estimate",
    "ces",
    "compare_ratings",
    "compare_times_s",
    "completion_rate",
    "csat",
    "geometric_mean_time_s",
    "mcnemar_exact",
    "median_time_s",
    "nps",
    "nps_from_counts",
    "outcome_codes",
    "sample_size_completion",
    "sample_size_two_proportions",
    "seq_mean",
    "seq_versus_average",
    "single_usability_metric",
    "success_shares",
    "summarize_tasks",
    "sus_grade",
    "sus_percentile",
    "sus_scores",
    "sus_subscores",
    "sus_summary",
    "time_on_task_s",
    "two_proportions",
    "umux_lite",
    "umux_lite_scores",
    "versus_benchmark",
]

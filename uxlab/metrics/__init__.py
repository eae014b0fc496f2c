"""uxlab metrics: pure functions over numpy arrays (no Flask, no database, no Playwright).

Definitions and conventions: ``docs/METRICS.md`` (Sauro & Lewis, *Quantifying the
User Experience* 2nd ed., 2016, unless a docstring names another source). Every function
checks its input and raises ``uxlab.errors.MetricInputError`` (NaN and unknown keys
included); results are floats or small frozen dataclasses with ``to_dict()`` that all
expose ``value``, ``low``, ``high``, ``n``, ``unit`` (``units.UNITS``), ``method`` (a name
of ``registry.METRICS``) and ``note`` (see ``results``). ``registry.METRICS`` lists every
metric with its units, what its n counts and its source; ``METRICS_VERSION`` names the
set of definitions in force.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uxlab.metrics.compare import (
        compare_nps,
        compare_ratings,
        compare_times_s,
        mcnemar_exact,
        sample_size_completion,
        sample_size_two_proportions,
        two_proportions,
    )
    from uxlab.metrics.lighthouse import PerformanceScore, lighthouse_metric_score, performance_score
    from uxlab.metrics.pagespeed import (
        Assessment,
        aggregate,
        assess_p75,
        cls_from_shifts,
        cwv_rating,
        representative_run,
        tbt_from_long_tasks,
    )
    from uxlab.metrics.question_stats import choice_share, rating_mean
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
    from uxlab.metrics.speed_index import speed_index_ms
    from uxlab.metrics.sus import (
        SusSummary,
        sus_grade,
        sus_percentile,
        sus_scores,
        sus_subscores,
        sus_summary,
    )
    from uxlab.metrics.times import geometric_mean_time_s, median_time_s, time_on_task_s
    from uxlab.metrics.units import UNITS

# Names load from their module on first use, so that importing one module (pagespeed, for
# the probe client) does not import scipy. The modules without scipy are searched first.
_MODULES: tuple[str, ...] = ("units", "results", "pagespeed", "lighthouse", "sus", "times", "rates")
_MODULES += ("speed_index", "questionnaires", "question_stats", "compare", "single_usability", "registry")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module_name in _MODULES:
            module = importlib.import_module(f"{__name__}.{module_name}")
            if name in vars(module):
                globals()[name] = vars(module)[name]
                return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AVERAGE_COMPLETION_RATE",
    "METRICS",
    "METRICS_VERSION",
    "UNITS",
    "Assessment",
    "CesResult",
    "Estimate",
    "Metric",
    "NpsResult",
    "PerformanceScore",
    "PointEstimate",
    "SingleUsability",
    "SuccessShares",
    "SusSummary",
    "TestResult",
    "UmuxLite",
    "aggregate",
    "assess_p75",
    "best_point_estimate",
    "ces",
    "choice_share",
    "cls_from_shifts",
    "compare_nps",
    "compare_ratings",
    "compare_times_s",
    "completion_rate",
    "csat",
    "cwv_rating",
    "geometric_mean_time_s",
    "lighthouse_metric_score",
    "mcnemar_exact",
    "median_time_s",
    "nps",
    "nps_from_counts",
    "performance_score",
    "rating_mean",
    "representative_run",
    "sample_size_completion",
    "sample_size_two_proportions",
    "seq_mean",
    "seq_versus_average",
    "single_usability_metric",
    "speed_index_ms",
    "success_shares",
    "sus_grade",
    "sus_percentile",
    "sus_scores",
    "sus_subscores",
    "sus_summary",
    "tbt_from_long_tasks",
    "time_on_task_s",
    "two_proportions",
    "umux_lite",
    "umux_lite_scores",
    "versus_benchmark",
]

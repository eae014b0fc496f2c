"""Two versions of a study side by side: per task and overall, the differences and their significance.

Between-subjects tests from ``uxlab.metrics`` (METRICS.md, "Comparing two designs"):
completion rates by the N-1 two-proportion test (difference with the Agresti-Caffo
interval), times of successful attempts by Welch's t on ln(time) (ratio of geometric
means), SEQ, SUS and UMUX-Lite by Welch's t on the raw scores, CSAT top-2-box by the N-1
two-proportion test. A comparison that cannot be tested (too few values, no spread) says
why instead of a p-value. Significant means two-sided p < ``ALPHA``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from sqlmodel import Session

from uxlab import metrics, summary_queries
from uxlab.errors import BadRequest, MetricInputError
from uxlab.metrics.results import TestResult
from uxlab.summary import build_summary
from uxlab.summary_queries import StudyData
from uxlab.summary_types import CXSummary, Filters

ALPHA = 0.05


@dataclass(frozen=True)
class Difference:
    """One compared measure: both sides' values, the effect with its interval, the test."""

    measure: str
    subject: str
    a: str
    b: str
    effect: str
    p_value: float | None
    method: str
    significant: bool
    note: str = ""


@dataclass(frozen=True)
class Comparison:
    """Version ``a`` against version ``b`` of one study."""

    slug: str
    a: CXSummary
    b: CXSummary
    differences: tuple[Difference, ...]


def compare_versions(
    db: Session, slug: str, a: int | None = None, b: int | None = None, filters: Filters | None = None
) -> Comparison:
    """Compare study versions ``a`` and ``b`` (default: the two newest) under the other filters.

    Raises BadRequest when the study has fewer than two versions or lacks ``a`` or ``b``.
    """
    base = (filters or Filters()).without_version()
    data = summary_queries.load(db, slug, base)
    if len(data.versions) < 2:
        raise BadRequest("this study has one version only; load an edited scenario to compare", field="a")
    a = data.versions[-2] if a is None else a
    b = data.versions[-1] if b is None else b
    for number, name in ((a, "a"), (b, "b")):
        if number not in data.versions:
            raise BadRequest(f"{name}: the study has no version {number}", field=name)
    summaries = [build_summary(db, slug, Filters(base.device, base.since, base.until, v)) for v in (a, b)]
    return Comparison(slug, summaries[0], summaries[1], tuple(_differences(data, a, b)))


def _test(run: Callable[[], TestResult]) -> tuple[TestResult | None, str]:
    try:
        return run(), ""
    except MetricInputError as error:
        return None, f"not tested: {error.message}"


def _row(measure: str, subject: str, a: str, b: str, unit: str, run: Callable[[], TestResult]) -> Difference:
    test, note = _test(run)
    if test is None or test.effect is None:
        return Difference(measure, subject, a, b, "", None, "", False, note)
    e = test.effect
    fmt = (lambda v: f"{v * 100:+.0f} points") if unit == "share" else (lambda v: f"{v:+.1f}")
    if unit == "ratio":
        fmt = lambda v: f"{v:.2f}×"  # noqa: E731
    effect = f"{fmt(e.estimate)} (95% CI {fmt(e.low or 0)} to {fmt(e.high or 0)})"
    return Difference(measure, subject, a, b, effect, test.p_value, test.method, test.p_value < ALPHA, note)


def _differences(data: StudyData, a: int, b: int) -> list[Difference]:
    out = []
    va, vb = data.a_version == a, data.a_version == b
    ok = data.a_outcome == 0
    for i, task in enumerate(data.tasks):
        mine = data.a_task == i
        na, nb = int(np.count_nonzero(mine & va)), int(np.count_nonzero(mine & vb))
        if not (na and nb):
            continue
        xa, xb = int(np.count_nonzero(mine & va & ok)), int(np.count_nonzero(mine & vb & ok))
        out.append(
            _row("Task success", task.prompt, f"{xa / na:.0%} (n={na})", f"{xb / nb:.0%} (n={nb})", "share",
                 partial(metrics.two_proportions, xa, na, xb, nb))
        )  # fmt: skip
        ta = data.t_time_s[(data.t_task == i) & (data.t_version == a)]
        tb = data.t_time_s[(data.t_task == i) & (data.t_version == b)]
        out.append(
            _row("Time on task (ratio A/B)", task.prompt, _mean_text(ta, " s", geometric=True),
                 _mean_text(tb, " s", geometric=True), "ratio", partial(metrics.compare_times_s, ta, tb))
        )  # fmt: skip
        sa, sb = (data.a_seq[mine & v] for v in (va, vb))
        sa, sb = sa[~np.isnan(sa)], sb[~np.isnan(sb)]
        out.append(
            _row("SEQ", task.prompt, _mean_text(sa), _mean_text(sb), "rating",
                 partial(metrics.compare_ratings, sa, sb, scale=(1, 7)))
        )  # fmt: skip
    sus = [
        metrics.sus_scores(r) if len(r) else np.zeros(0)
        for r in (data.answers["sus"].rows(v) for v in (a, b))
    ]
    out.append(
        _row("SUS", "study", _mean_text(sus[0]), _mean_text(sus[1]), "rating",
             lambda: metrics.compare_ratings(sus[0], sus[1], scale=(0, 100)))
    )  # fmt: skip
    umux = [
        metrics.umux_lite_scores(r) if len(r) else np.zeros(0)
        for r in (data.answers["umux_lite"].rows(v) for v in (a, b))
    ]
    out.append(
        _row("UMUX-Lite", "study", _mean_text(umux[0]), _mean_text(umux[1]), "rating",
             lambda: metrics.compare_ratings(umux[0], umux[1], scale=(0, 100)))
    )  # fmt: skip
    csat = [data.answers["csat"].rows(v)[:, 0] for v in (a, b)]
    top = [int(np.count_nonzero(c >= 4)) for c in csat]
    out.append(
        _row("CSAT (top-2-box)", "study", _share_text(top[0], csat[0].size),
             _share_text(top[1], csat[1].size), "share",
             partial(metrics.two_proportions, top[0], csat[0].size, top[1], csat[1].size))
    )  # fmt: skip
    return out


def _mean_text(values: np.ndarray, unit: str = "", geometric: bool = False) -> str:
    if not values.size:
        return "no data"
    centre = float(np.exp(np.log(values).mean())) if geometric else float(values.mean())
    return f"{centre:.1f}{unit} (n={values.size})"


def _share_text(x: int, n: int) -> str:
    return f"{x / n:.0%} (n={n})" if n else "no data"


def version_args(args: dict[str, str]) -> tuple[int | None, int | None]:
    """Parse the ``a`` and ``b`` query parameters (version numbers; empty = default)."""
    out = []
    for name in ("a", "b"):
        raw = (args.get(name) or "").strip()
        if raw and not (raw.isdigit() and 0 < int(raw) < 1_000_000):
            raise BadRequest(f"{name} must be a study version number", field=name)
        out.append(int(raw) if raw else None)
    return out[0], out[1]

"""Findings: a short ranked list the CX summary derives from its own figures.

Kinds, each with a severity 0..1 (higher first; at most ``LIMIT`` kept):

- ``low_success``: tasks whose success rate is below 78 % (severity = shortfall / 0.78);
- ``failure_page``: pages where at least two failed attempts ended (severity = share of all
  failed attempts that ended there);
- ``slow_page``: probed pages rated poor (0.8) or needing improvement (0.4) at p75, and
  pages whose latest probe score is below their score budget (0.6);
- ``score_fell``: a task's SEQ, a task's success or the SUS that fell significantly
  (two-sided p < 0.05) since the previous study version (severity = drop / scale range).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from uxlab import metrics
from uxlab.charts import format_metric
from uxlab.errors import MetricInputError
from uxlab.reports.filters import Filters
from uxlab.reports.journey import grouped
from uxlab.reports.queries import StudyData
from uxlab.reports.types import Finding, PageSpeed, TaskRow

LIMIT = 8
ALPHA = 0.05
_NAMES = {"lcp_ms": "LCP", "inp_ms": "INP", "cls": "CLS", "fcp_ms": "FCP", "ttfb_ms": "TTFB"}


def findings(
    data: StudyData, filters: Filters, rows: Sequence[TaskRow], pages: Sequence[PageSpeed]
) -> tuple[Finding, ...]:
    """Ranked findings (see the module docstring)."""
    found = [*_low_success(rows), *_failure_pages(rows), *_slow_pages(pages), *_fell(data, filters)]
    found.sort(key=lambda f: (-f.severity, f.kind, f.subject))
    return tuple(found[:LIMIT])


def _low_success(rows: Sequence[TaskRow]) -> list[Finding]:
    out = []
    for row in rows:
        if row.success is None or row.success.estimate >= metrics.AVERAGE_COMPLETION_RATE:
            continue
        s = row.success
        interval = (
            f" (95% interval {s.low:.0%} to {s.high:.0%})" if s.low is not None and s.high is not None else ""
        )
        text = f"Only {s.estimate:.0%} of {s.n} attempts succeeded at “{row.prompt}”{interval}."
        severity = (metrics.AVERAGE_COMPLETION_RATE - s.estimate) / metrics.AVERAGE_COMPLETION_RATE
        out.append(Finding("low_success", row.key, text, round(severity, 4)))
    return out


def _failure_pages(rows: Sequence[TaskRow]) -> list[Finding]:
    failed = sum(r.attempts - r.successes for r in rows)
    by_page: dict[str, int] = {}
    for row in rows:
        for page, count in row.failure_pages:
            by_page[page] = by_page.get(page, 0) + count
    out = []
    for page, count in by_page.items():
        if count >= 2 and failed:
            text = f"{count} of {failed} unsuccessful attempts ended on {page}."
            out.append(Finding("failure_page", page, text, round(count / failed, 4)))
    return out


def _slow_pages(pages: Sequence[PageSpeed]) -> list[Finding]:
    out = []
    for page in pages:
        build, score = page.history[-1] if page.history else ("", None)
        if page.score_budget is not None and score is not None and score < page.score_budget:
            text = f"{page.page} ({page.profile}) scored {score:.2f} in build {build}, "
            text += f"below its budget {page.score_budget:.2f}."
            out.append(Finding("slow_page", f"{page.page} {page.profile} budget", text, 0.6))
        bad = [(m, r) for m, r in page.ratings.items() if r != "good"]
        if not bad:
            continue
        parts = ", ".join(
            f"{_NAMES[m]} {format_metric(m, page.p75[m])} ({r.replace('-', ' ')})" for m, r in bad
        )
        severity = 0.8 if any(r == "poor" for _, r in bad) else 0.4
        text = f"{page.page} ({page.profile}) at p75: {parts}."
        out.append(Finding("slow_page", f"{page.page} {page.profile}", text, severity))
    return out


def _fell(data: StudyData, filters: Filters) -> list[Finding]:
    present = sorted(
        set(np.flatnonzero(np.bincount(data.a_version)).tolist()) | data.answers["sus"].versions()
    )
    current = filters.version if filters.version is not None else (present[-1] if present else None)
    earlier = [v for v in present if current is not None and v < current]
    if not earlier:
        return []
    prev = earlier[-1]
    # group (task, previous or current version): group 2 i + 1 holds task i's attempts in the current one
    now_a = data.a_version == current
    index, bounds = grouped(data.a_task * 2 + now_a, now_a | (data.a_version == prev), 2 * len(data.tasks))
    outcome, seq = data.a_outcome[index], data.a_seq[index]
    out = []
    for i, info in enumerate(data.tasks):
        old_part, new_part = (
            slice(bounds[2 * i], bounds[2 * i + 1]),
            slice(bounds[2 * i + 1], bounds[2 * i + 2]),
        )
        seq_new, seq_old = seq[new_part], seq[old_part]
        seq_new, seq_old = seq_new[~np.isnan(seq_new)], seq_old[~np.isnan(seq_old)]
        try:
            test = metrics.compare_ratings(seq_new, seq_old, scale=(1, 7))
        except MetricInputError:  # fewer than two answers, or no spread
            test = None
        if test is not None and test.p_value < ALPHA and test.effect and test.effect.estimate < 0:
            text = (
                f"SEQ of “{info.prompt}” fell from {seq_old.mean():.1f} to {seq_new.mean():.1f} since "
                f"version {prev} (p = {test.p_value:.3f})."
            )
            out.append(Finding("score_fell", info.key, text, round(-test.effect.estimate / 6, 4)))
        ok_new, ok_old = outcome[new_part] == 0, outcome[old_part] == 0
        if ok_new.size and ok_old.size:
            test = metrics.two_proportions(int(ok_new.sum()), ok_new.size, int(ok_old.sum()), ok_old.size)
            drop = ok_old.mean() - ok_new.mean()
            if test.p_value < ALPHA and drop > 0:
                text = (
                    f"Success at “{info.prompt}” fell from {ok_old.mean():.0%} to {ok_new.mean():.0%} since "
                    f"version {prev} (p = {test.p_value:.3f})."
                )
                out.append(Finding("score_fell", f"{info.key} success", text, round(float(drop), 4)))
    new, old = (data.answers["sus"].rows(v) for v in (current, prev))
    if len(new) >= 2 and len(old) >= 2:
        a, b = metrics.sus_scores(new), metrics.sus_scores(old)
        try:
            test = metrics.compare_ratings(a, b, scale=(0, 100))
        except MetricInputError:
            test = None
        if test is not None and test.p_value < ALPHA and test.effect and test.effect.estimate < 0:
            text = f"SUS fell from {b.mean():.1f} to {a.mean():.1f} since version {prev} "
            text += f"(p = {test.p_value:.3f})."
            out.append(Finding("score_fell", "sus", text, round(-test.effect.estimate / 100, 4)))
    return out

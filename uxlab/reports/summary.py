"""The CX summary: stored results -> ``uxlab.metrics`` -> one frozen ``CXSummary``.

This is the one place that reads stored results for reporting (``queries`` holds its
SQL). Every page, chart and export renders the ``CXSummary`` it returns.

Conventions (see ``docs/METRICS.md`` for the metrics themselves):

- Headline task success pools every ended attempt of every task (successes / attempts);
  headline time on task pools the successful attempts' times; SEQ pools every answer. The
  per-task table has the same figures per task. Tasks of different study versions that
  share an id are pooled unless a version is chosen.
- SUM (Single Usability Metric) of the study = mean of the tasks' SUMs (no interval).
- CES uses the newest version's scale; answers on the other CES scale are left out.
- Status of a task, touchpoint or journey stage: see ``journey``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from sqlmodel import Session

from uxlab import metrics
from uxlab.errors import MetricInputError
from uxlab.metrics.results import Estimate, TestResult
from uxlab.reports import queries
from uxlab.reports.findings import findings
from uxlab.reports.journey import grouped, pooled, stages, status_of
from uxlab.reports.page_speed import page_speed, page_status_of
from uxlab.reports.queries import OUTCOME_CODES, StudyData
from uxlab.reports.sql import excluded_by_version
from uxlab.reports.types import (
    TIME_SAMPLE,
    Comment,
    CXSummary,
    Day,
    Figure,
    Filters,
    PageSpeed,
    TaskRow,
)


def build_summary(
    db: Session, slug: str, filters: Filters | None = None, *, now: datetime | None = None
) -> CXSummary:
    """Read the study's results under ``filters`` and summarize them (NotFound for an unknown slug)."""
    filters = filters or Filters()
    data = queries.load(db, slug, filters)
    pages = page_speed(db, data.study, filters)
    summary = compute(data, filters, pages, now or datetime.now(UTC))
    # the version shown's exclusions (as on the comparison); the other filters do not narrow it
    by_version = excluded_by_version(db, int(data.study.id or 0))
    excluded = sum(by_version.values()) if filters.version is None else by_version.get(filters.version, 0)
    return replace(summary, excluded=excluded)


def _time_sample(ok_times: np.ndarray) -> tuple[float, ...]:
    """The successful times for the chart: all of them, or TIME_SAMPLE evenly spaced quantiles."""
    ordered = np.sort(ok_times, kind="stable")  # timsort: times come sorted per task row (scan.attempts)
    if ordered.size > TIME_SAMPLE:  # a quantile reads order statistics only: sorted input is faster
        ordered = np.quantile(ordered, np.linspace(0, 1, TIME_SAMPLE))
    return tuple(round(float(v), 3) for v in np.sort(ordered))


def _task_row(
    data: StudyData,
    i: int,
    sel: np.ndarray,
    ok_times: np.ndarray,
    ends: dict[str, int],
    page_status: str,
    version: int | None,
) -> TaskRow:
    info = data.tasks[i]
    outcome, seq, direct = (a[sel] for a in (data.a_outcome, data.a_seq, data.a_direct))
    n = int(outcome.size)
    ok = outcome == 0
    x = int(ok.sum())
    success, seq_est = pooled(outcome, seq)
    n_direct = int(np.count_nonzero(ok & (direct == 1)))
    split_known = info.ideal_path and n > 0 and not np.any(ok & (direct == -1))
    shares = metrics.success_shares(n_direct, x - n_direct, n) if split_known else None
    sum_pct, left_out = None, {}
    if n:
        answered = seq[~np.isnan(seq)]
        sum_result = metrics.single_usability_metric(x, n, ok_times, info.target_time_s, answered)
        sum_pct, left_out = sum_result.score_pct, dict(sum_result.left_out)
    status, reasons = status_of(success, seq_est, page_status)
    return TaskRow(
        seq_vs_average=_seq_test(seq),
        key=info.key,
        prompt=info.prompt,
        stage=info.stage,
        touchpoint=info.touchpoint,
        target_time_s=info.target_time_s,
        attempts=n,
        successes=x,
        direct=n_direct,
        give_ups=int(np.count_nonzero(outcome == OUTCOME_CODES["give_up"])),
        timeouts=int(np.count_nonzero(outcome == OUTCOME_CODES["timeout"])),
        failures=int(np.count_nonzero(outcome == OUTCOME_CODES["failure"])),
        success=success,
        direct_share=shares.direct if shares else None,
        indirect_share=shares.indirect if shares else None,
        time_s=(
            metrics.time_on_task_s(ok_times, centre_n=data.centre_n(i, version)) if ok_times.size else None
        ),
        seq=seq_est,
        sum_pct=sum_pct,
        sum_left_out=left_out,
        failure_pages=tuple(sorted(ends.items(), key=lambda kv: (-kv[1], kv[0]))[:3]),
        times_s=_time_sample(ok_times),
        page_status=page_status,
        status=status,
        reasons=reasons,
    )


def _seq_test(seq: np.ndarray) -> TestResult | None:
    """SEQ against the average 5.5 (None: fewer than two answers, or all equal)."""
    answered = seq[~np.isnan(seq)]
    try:
        return metrics.seq_versus_average(answered) if answered.size >= 2 else None
    except MetricInputError:
        return None


@dataclass(frozen=True)
class _Questionnaires:
    """The end questionnaires' headline figures and the extra fields the summary shows beside them."""

    figures: tuple[Figure, ...]
    sus_grade: str | None
    sus_percentile: float | None
    nps_counts: dict[str, int]
    details: dict[str, Estimate | None]


def _questionnaires(data: StudyData, version: int | None) -> _Questionnaires:
    rows = {name: answers.rows(version) for name, answers in data.answers.items()}
    sus = metrics.sus_summary(rows["sus"]) if len(rows["sus"]) else None
    note = f"grade {sus.grade}, percentile {sus.percentile:.0f}" if sus else ""
    figures = [Figure.of("sus", "SUS", "score_0_100", sus.score if sus else None, note)]
    umux = metrics.umux_lite(rows["umux_lite"]) if len(rows["umux_lite"]) else None
    note = f"SUS-equivalent {umux.sus_equivalent.estimate:.1f} (regression)" if umux else ""
    figures.append(Figure.of("umux_lite", "UMUX-Lite", "score_0_100", umux.score if umux else None, note))
    nps = metrics.nps(rows["nps"][:, 0]) if len(rows["nps"]) else None
    figures.append(Figure.of("nps", "NPS", "nps", nps.nps if nps else None))
    csat = metrics.csat(rows["csat"][:, 0]) if len(rows["csat"]) else None
    figures.append(Figure.of("csat", "CSAT", "share", csat, "share answering 4 or 5"))
    ces = metrics.ces(rows["ces"][:, 0], data.ces_version or "2.0") if len(rows["ces"]) else None
    note = f"CES {ces.version}; {ces.favourable.estimate:.0%} {ces.favourable_label}" if ces else ""
    if data.ces_left_out:  # all versions: only those on the newest version's CES scale pool
        listed = ", ".join(str(v) for v in data.ces_left_out)
        left = f"version {listed} asked" if len(data.ces_left_out) == 1 else f"versions {listed} asked"
        note = "; ".join(p for p in (note, f"{left} the other CES version, left out") if p)
    figures.append(Figure.of("ces", "CES", "rating_1_7", ces.mean if ces else None, note))
    return _Questionnaires(
        details={
            "sus_learnability": sus.learnability if sus else None,
            "sus_usability": sus.usability if sus else None,
            "umux_lite_sus_equivalent": umux.sus_equivalent if umux else None,
            "ces_favourable": ces.favourable if ces else None,
        },
        figures=tuple(figures),
        sus_grade=sus.grade if sus else None,
        sus_percentile=sus.percentile if sus else None,
        nps_counts=(
            {"promoters": nps.promoters, "passives": nps.passives, "detractors": nps.detractors}
            if nps
            else {}
        ),
    )


def _participation(data: StudyData, version: int | None) -> tuple[Day, ...]:
    days: dict[str, list[int]] = {}
    for v, day, started, finished in data.days:
        if version in (None, v):
            counts = days.setdefault(day, [0, 0])
            counts[0] += started
            counts[1] += finished
    return tuple(Day(d, s, f) for d, (s, f) in sorted(days.items()))


def compute(data: StudyData, filters: Filters, pages: Sequence[PageSpeed], now: datetime) -> CXSummary:
    """Summarize loaded study data (pure: no database access)."""
    version = filters.version
    keep = np.ones(data.a_task.size, dtype=bool) if version is None else data.a_version == version
    t_keep = np.ones(data.t_task.size, dtype=bool) if version is None else data.t_version == version
    ends: list[dict[str, int]] = [{} for _ in data.tasks]
    for v, task, page, count in data.failure_ends:
        if version in (None, v):
            ends[task][page] = ends[task].get(page, 0) + count
    index, bounds = grouped(data.a_task, keep, len(data.tasks))
    t_index, t_bounds = grouped(data.t_task, t_keep, len(data.tasks))
    rows = tuple(
        _task_row(
            data,
            i,
            index[bounds[i] : bounds[i + 1]],
            data.t_time_s[t_index[t_bounds[i] : t_bounds[i + 1]]],
            ends[i],
            page_status_of(pages, info.start),
            version,
        )
        for i, info in enumerate(data.tasks)
    )
    outcome, seq = data.a_outcome[keep], data.a_seq[keep]
    success, seq_est = pooled(outcome, seq)
    ok_times = data.t_time_s[t_index]  # grouped by task: the order the per-task figures see
    sums = [r.sum_pct for r in rows if r.sum_pct is not None]
    sum_fig = Figure(
        key="sum",
        label="SUM",
        value=float(np.mean(sums)) if sums else None,
        low=None,
        high=None,
        n=len(sums),
        unit="percent",
        method="single_usability_metric",
        note="mean of the tasks' SUMs; n counts tasks" if sums else "no data",
    )
    passing = sum(1 for p in pages if p.passes)
    cwv = metrics.completion_rate(passing, len(pages)) if pages else None
    questionnaires = _questionnaires(data, version)
    # Under a task filter the times are that task's, and so is the count choosing their centre.
    shown = next((i for i, info in enumerate(data.tasks) if info.key == filters.task), None)
    centre_n = data.centre_n(shown, version)
    time_est = metrics.time_on_task_s(ok_times, centre_n=centre_n) if ok_times.size else None
    headline = (
        Figure.of("task_success", "Task success", "share", success),
        Figure.of("time_on_task_s", "Time on task", "seconds", time_est),
        Figure.of("seq", "SEQ", "rating_1_7", seq_est),
        *questionnaires.figures,
        sum_fig,
        Figure.of("cwv_pass_rate", "Core Web Vitals pass rate", "share", cwv, "pages x profiles at p75"),
    )
    participation = _participation(data, version)
    return CXSummary(
        slug=data.study.slug,
        title=data.study.title,
        filters=filters,
        versions=data.versions,
        generated_at=now,
        metrics_version=metrics.METRICS_VERSION,
        participants=sum(d.started for d in participation),
        finished=sum(d.finished for d in participation),
        attempts=int(outcome.size),
        headline=headline,
        sus_grade=questionnaires.sus_grade,
        sus_percentile=questionnaires.sus_percentile,
        nps_counts=questionnaires.nps_counts,
        ces_version=data.ces_version,
        tasks=rows,
        stages=stages(data, keep, rows),
        pages=tuple(pages),
        participation=participation,
        findings=findings(data, filters, rows, pages),
        comments=tuple(Comment(day, v, text) for v, day, text in data.comments if version in (None, v)),
        questionnaires=data.questionnaires,
        questionnaire_details=questionnaires.details,
    )

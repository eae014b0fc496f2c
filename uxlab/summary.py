"""The CX summary: stored results -> ``uxlab.metrics`` -> one frozen ``CXSummary``.

This is the one place that reads stored results for reporting (``summary_queries`` holds
its SQL). Every page, chart and export renders the ``CXSummary`` it returns.

Conventions (see ``../shared/METRICS.md`` for the metrics themselves):

- Headline task success pools every ended attempt of every task (successes / attempts);
  headline time on task pools the successful attempts' times; SEQ pools every answer. The
  per-task table has the same figures per task. Tasks of different study versions that
  share an id are pooled unless a version is chosen.
- SUM (Single Usability Metric) of the study = mean of the tasks' SUMs (no interval).
- CES uses the newest version's scale; answers on the other CES scale are left out.
- Status of a task, touchpoint or journey stage, from point estimates (n is shown beside):
  **poor** when success < 50 %, mean SEQ < 4.5 or a page is "poor" on Core Web Vitals;
  **watch** when success < 78 % (the average completion rate, Sauro & Lewis 2016), mean
  SEQ < 5.5 (the historical SEQ average) or a page "needs improvement"; **good** otherwise;
  **no-data** without attempts. Touchpoints and stages pool their tasks' attempts and SEQ
  answers and take the worst page status.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from sqlmodel import Session

from uxlab import metrics, summary_queries
from uxlab.metrics.results import Estimate
from uxlab.summary_findings import findings
from uxlab.summary_pages import page_speed, page_status_of
from uxlab.summary_queries import StudyData
from uxlab.summary_types import (
    STAGES,
    TIME_SAMPLE,
    Comment,
    CXSummary,
    Day,
    Figure,
    Filters,
    PageSpeed,
    Stage,
    TaskRow,
    Touchpoint,
)

POOR_SUCCESS, WATCH_SUCCESS = 0.5, metrics.AVERAGE_COMPLETION_RATE
POOR_SEQ, WATCH_SEQ = 4.5, 5.5
_RANK = {"no-data": -1, "good": 0, "watch": 1, "poor": 2}


def build_summary(
    db: Session, slug: str, filters: Filters | None = None, *, now: datetime | None = None
) -> CXSummary:
    """Read the study's results under ``filters`` and summarize them (NotFound for an unknown slug)."""
    filters = filters or Filters()
    data = summary_queries.load(db, slug, filters)
    pages = page_speed(db, data.study, filters)
    return compute(data, filters, pages, now or datetime.now(UTC))


def status_of(
    success: Estimate | None, seq: Estimate | None, page_status: str
) -> tuple[str, tuple[str, ...]]:
    """Status and its reasons from success, SEQ and page speed (thresholds in the module docstring)."""
    if success is None:
        return "no-data", ("no attempts yet",)
    found: list[tuple[str, str]] = []
    if success.estimate < POOR_SUCCESS:
        found.append(("poor", f"success {success.estimate:.0%} is below 50%"))
    elif success.estimate < WATCH_SUCCESS:
        found.append(("watch", f"success {success.estimate:.0%} is below 78%"))
    if seq is not None and seq.estimate < POOR_SEQ:
        found.append(("poor", f"mean SEQ {seq.estimate:.1f} is below 4.5"))
    elif seq is not None and seq.estimate < WATCH_SEQ:
        found.append(("watch", f"mean SEQ {seq.estimate:.1f} is below 5.5"))
    if page_status == "poor":
        found.append(("poor", "a page is poor on Core Web Vitals"))
    elif page_status == "watch":
        found.append(("watch", "a page needs improvement on Core Web Vitals"))
    status = worst(["good", *(level for level, _ in found)])
    reasons = [reason for _, reason in found]
    return status, tuple(reasons)


def worst(statuses: Sequence[str]) -> str:
    """The worst of some statuses ("no-data" when there are none)."""
    return max(statuses, key=_RANK.__getitem__, default="no-data")


def _pooled(outcome: np.ndarray, seq: np.ndarray) -> tuple[Estimate | None, Estimate | None]:
    success = (
        metrics.completion_rate(int(np.count_nonzero(outcome == 0)), outcome.size) if outcome.size else None
    )
    answered = seq[~np.isnan(seq)]
    return success, metrics.seq_mean(answered) if answered.size else None


def _task_row(
    data: StudyData, i: int, sel: np.ndarray, ok_times: np.ndarray, ends: dict[str, int], page_status: str
) -> TaskRow:
    info = data.tasks[i]
    outcome, seq, direct = (a[sel] for a in (data.a_outcome, data.a_seq, data.a_direct))
    n = int(outcome.size)
    ok = outcome == 0
    x = int(ok.sum())
    success, seq_est = _pooled(outcome, seq)
    time_est = metrics.time_on_task_s(ok_times) if ok_times.size else None
    n_direct = int(np.count_nonzero(ok & (direct == 1)))
    split_known = n > 0 and not np.any(ok & (direct == -1))
    shares = metrics.success_shares(n_direct, x - n_direct, n) if split_known else None
    sum_pct, left_out = None, {}
    if n:
        answered = seq[~np.isnan(seq)]
        sum_result = metrics.single_usability_metric(x, n, ok_times, info.target_time_s, answered)
        sum_pct, left_out = sum_result.score_pct, dict(sum_result.left_out)
    status, reasons = status_of(success, seq_est, page_status)
    top = sorted(ends.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    sample = (
        ok_times if ok_times.size <= TIME_SAMPLE else np.quantile(ok_times, np.linspace(0, 1, TIME_SAMPLE))
    )
    sample_s = tuple(round(float(v), 3) for v in np.sort(sample))
    give_ups, timeouts, failures = (int(np.count_nonzero(outcome == code)) for code in (2, 3, 1))
    return TaskRow(
        info.key, info.prompt, info.stage, info.touchpoint, info.target_time_s, n, x, n_direct,
        give_ups, timeouts, failures,
        success, shares.direct if shares else None, shares.indirect if shares else None, time_est, seq_est,
        sum_pct, left_out, tuple(top), sample_s, page_status, status, reasons,
    )  # fmt: skip


def _member(n_tasks: int, ids: Sequence[int]) -> np.ndarray:
    """A lookup table: True at the task indexes ``ids`` (``table[a_task]`` selects their attempts)."""
    table = np.zeros(n_tasks, dtype=bool)
    table[list(ids)] = True
    return table


def _stages(data: StudyData, keep: np.ndarray, rows: Sequence[TaskRow]) -> tuple[Stage, ...]:
    out = []
    for stage in STAGES:
        members = [i for i, t in enumerate(data.tasks) if t.stage == stage]
        if not members:
            continue
        touchpoints = []
        for name in dict.fromkeys(data.tasks[i].touchpoint or data.tasks[i].key for i in members):
            ids = [i for i in members if (data.tasks[i].touchpoint or data.tasks[i].key) == name]
            tp_sel = keep & _member(len(data.tasks), ids)[data.a_task]
            success, seq = _pooled(data.a_outcome[tp_sel], data.a_seq[tp_sel])
            page = worst([rows[i].page_status for i in ids if rows[i].page_status != "no-data"])
            status, reasons = status_of(success, seq, page)
            keys = tuple(data.tasks[i].key for i in ids)
            touchpoints.append(Touchpoint(name, keys, status, success, seq, page, reasons))
        sel = keep & _member(len(data.tasks), members)[data.a_task]
        success, seq = _pooled(data.a_outcome[sel], data.a_seq[sel])
        page = worst([t.page_status for t in touchpoints if t.page_status != "no-data"])
        status, reasons = status_of(success, seq, page)
        keys = tuple(data.tasks[i].key for i in members)
        out.append(Stage(stage, keys, tuple(touchpoints), success, seq, status, reasons))
    return tuple(out)


def _questionnaires(data: StudyData, version: int | None) -> tuple[list[Figure], dict[str, object]]:
    rows = {name: answers.rows(version) for name, answers in data.answers.items()}
    extra: dict[str, object] = {"grade": None, "percentile": None, "nps_counts": {}}
    figures = []
    sus = metrics.sus_summary(rows["sus"]) if len(rows["sus"]) else None
    if sus is not None:
        extra["grade"], extra["percentile"] = sus.grade, sus.percentile
    note = f"grade {sus.grade}, percentile {sus.percentile:.0f}" if sus else ""
    figures.append(Figure.of("sus", "SUS", "score 0..100", sus.score if sus else None, note))
    umux = metrics.umux_lite(rows["umux_lite"]) if len(rows["umux_lite"]) else None
    note = f"SUS-equivalent {umux.sus_equivalent.estimate:.1f} (regression)" if umux else ""
    figures.append(Figure.of("umux_lite", "UMUX-Lite", "score 0..100", umux.score if umux else None, note))
    nps = metrics.nps(rows["nps"][:, 0]) if len(rows["nps"]) else None
    if nps is not None:
        extra["nps_counts"] = {
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
        }
    figures.append(Figure.of("nps", "NPS", "score -100..100", nps.nps if nps else None))
    csat = metrics.csat(rows["csat"][:, 0]) if len(rows["csat"]) else None
    figures.append(Figure.of("csat", "CSAT", "share 0..1", csat, "share answering 4 or 5"))
    ces = metrics.ces(rows["ces"][:, 0], data.ces_version or "2.0") if len(rows["ces"]) else None
    note = f"CES {ces.version}; {ces.favourable.estimate:.0%} {ces.favourable_label}" if ces else ""
    figures.append(Figure.of("ces", "CES", "mean rating", ces.mean if ces else None, note))
    return figures, extra


def compute(data: StudyData, filters: Filters, pages: Sequence[PageSpeed], now: datetime) -> CXSummary:
    """Summarize loaded study data (pure: no database access)."""
    keep = (
        np.ones(data.a_task.size, dtype=bool)
        if filters.version is None
        else data.a_version == filters.version
    )
    order = np.argsort(data.a_task[keep], kind="stable")
    rows = []
    ends: list[dict[str, int]] = [{} for _ in data.tasks]
    for version, task, page, count in data.failure_ends:
        if filters.version in (None, version):
            ends[task][page] = ends[task].get(page, 0) + count
    kept_index = np.flatnonzero(keep)[order]
    bounds = np.searchsorted(data.a_task[kept_index], np.arange(len(data.tasks) + 1))
    t_keep = (
        np.ones(data.t_task.size, dtype=bool)
        if filters.version is None
        else data.t_version == filters.version
    )
    t_order = np.argsort(data.t_task[t_keep], kind="stable")
    t_sorted, ok_times = data.t_task[t_keep][t_order], data.t_time_s[t_keep][t_order]
    t_bounds = np.searchsorted(t_sorted, np.arange(len(data.tasks) + 1))
    for i, info in enumerate(data.tasks):
        sel = kept_index[bounds[i] : bounds[i + 1]]
        task_times = ok_times[t_bounds[i] : t_bounds[i + 1]]
        rows.append(_task_row(data, i, sel, task_times, ends[i], page_status_of(pages, info.start)))
    outcome, seq = data.a_outcome[keep], data.a_seq[keep]
    success, seq_est = _pooled(outcome, seq)
    sums = [r.sum_pct for r in rows if r.sum_pct is not None]
    sum_fig = Figure(
        "sum", "SUM", float(np.mean(sums)) if sums else None, None, None, len(sums), "percent 0..100",
        "mean of the tasks' SUMs", "" if sums else "no data",
    )  # fmt: skip
    passing = sum(1 for p in pages if p.passes)
    cwv = metrics.completion_rate(passing, len(pages)) if pages else None
    q_figures, extra = _questionnaires(data, filters.version)
    headline = (
        Figure.of("task_success", "Task success", "share 0..1", success),
        Figure.of(
            "time_on_task_s", "Time on task", "s", metrics.time_on_task_s(ok_times) if ok_times.size else None
        ),
        Figure.of("seq", "SEQ", "mean 1..7", seq_est),
        *q_figures,
        sum_fig,
        Figure.of("cwv_pass_rate", "Core Web Vitals pass rate", "share 0..1", cwv, "pages x profiles at p75"),
    )
    days: dict[str, list[int]] = {}
    for version, day, started, finished in data.days:
        if filters.version in (None, version):
            counts = days.setdefault(day, [0, 0])
            counts[0] += started
            counts[1] += finished
    participation = tuple(Day(d, s, f) for d, (s, f) in sorted(days.items()))
    stages = _stages(data, keep, rows)
    return CXSummary(
        data.study.slug, data.study.title, filters, data.versions, now, metrics.METRICS_VERSION,
        sum(d.started for d in participation), sum(d.finished for d in participation), int(outcome.size),
        headline, extra["grade"], extra["percentile"], extra["nps_counts"], data.ces_version,  # type: ignore[arg-type]
        tuple(rows), stages, tuple(pages), participation, findings(data, filters, tuple(rows), pages),
        tuple(Comment(day, v, text) for v, day, text in data.comments if filters.version in (None, v)),
    )  # fmt: skip

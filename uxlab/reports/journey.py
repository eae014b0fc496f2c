"""The journey map's roll-up: the status of a task, touchpoint or journey stage.

Status, from point estimates (n is shown beside): **poor** when success < 50 %, mean
SEQ < 4.5 or a page is "poor" on Core Web Vitals; **watch** when success < 78 % (the
average completion rate, Sauro & Lewis 2016), mean SEQ < 5.5 (the historical SEQ
average) or a page "needs improvement"; **good** otherwise; **no-data** without
attempts. Touchpoints and stages pool their tasks' attempts and SEQ answers and take the
worst page status.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from uxlab import metrics
from uxlab.metrics.results import Estimate
from uxlab.reports.queries import StudyData
from uxlab.reports.types import STAGES, Stage, TaskRow, Touchpoint

POOR_SUCCESS, WATCH_SUCCESS = 0.5, metrics.AVERAGE_COMPLETION_RATE
POOR_SEQ, WATCH_SEQ = 4.5, 5.5
_RANK = {"no-data": -1, "good": 0, "watch": 1, "poor": 2}


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


def pooled(outcome: np.ndarray, seq: np.ndarray) -> tuple[Estimate | None, Estimate | None]:
    """Success rate and mean SEQ of some attempts (outcome codes; SEQ NaN when not answered)."""
    success = (
        metrics.completion_rate(int(np.count_nonzero(outcome == 0)), outcome.size) if outcome.size else None
    )
    answered = seq[~np.isnan(seq)]
    return success, metrics.seq_mean(answered) if answered.size else None


def grouped(label: np.ndarray, keep: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the kept entries grouped by ``label`` (0..n_groups-1), each group's in stored order.

    Group ``g``'s positions are ``index[bounds[g]:bounds[g + 1]]``: the entries a mask
    ``keep & (label == g)`` selects, in the same order, for every group in one sort.
    """
    index = np.flatnonzero(keep)
    kept = label[index].astype(np.int64, copy=False)
    # a stable sort of 16-bit keys is a radix sort: a few passes instead of a merge sort
    keys = kept.astype(np.int16) if n_groups <= np.iinfo(np.int16).max else kept
    index = index[np.argsort(keys, kind="stable")]
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(kept, minlength=n_groups), out=bounds[1:])
    return index, bounds


def _pools(
    data: StudyData, keep: np.ndarray, groups: list[list[int]]
) -> list[tuple[Estimate | None, Estimate | None]]:
    """Success and SEQ pooled over each group of tasks (a task is in one group at most)."""
    label = np.full(len(data.tasks), len(groups), dtype=np.int64)  # the last group: in none
    for g, ids in enumerate(groups):
        label[ids] = g
    index, bounds = grouped(label[data.a_task], keep, len(groups) + 1)
    outcome, seq = data.a_outcome[index], data.a_seq[index]
    return [
        pooled(outcome[bounds[g] : bounds[g + 1]], seq[bounds[g] : bounds[g + 1]]) for g in range(len(groups))
    ]


def stages(data: StudyData, keep: np.ndarray, rows: Sequence[TaskRow]) -> tuple[Stage, ...]:
    """The journey stages with tasks, in funnel order, with their touchpoints (attempts where ``keep``)."""
    members = {s: [i for i, t in enumerate(data.tasks) if t.stage == s] for s in STAGES}
    members = {s: ids for s, ids in members.items() if ids}
    points = {
        (s, name): [i for i in ids if (data.tasks[i].touchpoint or data.tasks[i].key) == name]
        for s, ids in members.items()
        for name in dict.fromkeys(data.tasks[i].touchpoint or data.tasks[i].key for i in ids)
    }
    stage_figures = dict(zip(members, _pools(data, keep, list(members.values())), strict=True))
    point_figures = dict(zip(points, _pools(data, keep, list(points.values())), strict=True))
    out = []
    for stage, ids in members.items():
        touchpoints = []
        for (s, name), tp_ids in points.items():
            if s != stage:
                continue
            success, seq = point_figures[s, name]
            page = worst([rows[i].page_status for i in tp_ids if rows[i].page_status != "no-data"])
            status, reasons = status_of(success, seq, page)
            keys = tuple(data.tasks[i].key for i in tp_ids)
            touchpoints.append(Touchpoint(name, keys, status, success, seq, page, reasons))
        success, seq = stage_figures[stage]
        page = worst([t.page_status for t in touchpoints if t.page_status != "no-data"])
        status, reasons = status_of(success, seq, page)
        keys = tuple(data.tasks[i].key for i in ids)
        out.append(Stage(stage, keys, tuple(touchpoints), success, seq, status, reasons))
    return tuple(out)

"""The rows of a comparison: both sides' figures per measure and the test of their difference.

Between-subjects tests from ``uxlab.metrics`` (docs/METRICS.md, "Comparing two designs"):
completion rates and CSAT top-2-box by the N-1 two-proportion test (difference with the
Agresti-Caffo interval), times of successful attempts by Welch's t on ln(time) (ratio of
geometric means), SEQ, SUS, UMUX-Lite and CES by Welch's t on the raw scores, NPS by the
adjusted-Wald test of two NPS. Each side's figure is the one the CX summary shows for that
side (the same function on the same values: time on task is ``metrics.time_on_task_s``,
whose centre the task's count of successful times without session filters decides, as on the
summary). CES is compared only between equal
CES versions. A difference that cannot be tested says why instead of a p-value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from uxlab import metrics
from uxlab.errors import MetricInputError
from uxlab.metrics.results import Estimate, TestResult
from uxlab.reports.queries import StudyData

ALPHA = 0.05
CES_SCALES = {"2.0": ("1-7, higher is better", (1, 7)), "1.0": ("1-5, lower is better", (1, 5))}
# Field names of uxlab.metrics' input errors, as the page says them.
_READABLE = {
    "times_a_s": "side A's successful times",
    "times_b_s": "side B's successful times",
    "ratings_a": "side A's ratings",
    "ratings_b": "side B's ratings",
    "time_s": "the times",
}


@dataclass(frozen=True)
class Row:
    """One compared measure: both sides' figures, the test of their difference, or why there is none.

    ``measure`` is the figure's key in the CX summary (``task_success``, ``time_on_task``,
    ``seq``, ``sus`` ...), ``label`` what the page calls it, ``task`` the task key (None for
    study-wide rows), ``subject`` the task's prompt, "matched tasks" or "study".
    """

    measure: str
    label: str
    subject: str
    task: str | None
    a: Estimate | None
    b: Estimate | None
    test: TestResult | None = None
    note: str = ""

    @property
    def significant(self) -> bool:
        return self.test is not None and self.test.p_value < ALPHA


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a study's results, of one version or (``None``) of all."""

    data: StudyData
    version: int | None

    def _keep(self, versions: np.ndarray) -> np.ndarray:
        return np.ones(versions.shape, dtype=bool) if self.version is None else versions == self.version

    def task(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outcome codes, answered SEQs and success times (s) of the attempts at task ``key``."""
        d = self.data
        index = next((i for i, t in enumerate(d.tasks) if t.key == key), -1)
        mine = (d.a_task == index) & self._keep(d.a_version)
        seq = d.a_seq[mine]
        return (
            d.a_outcome[mine],
            seq[~np.isnan(seq)],
            d.t_time_s[(d.t_task == index) & self._keep(d.t_version)],
        )

    def centre_n(self, key: str) -> int | None:
        """The count that chooses the centre of task ``key``'s time, as on the summary of this side."""
        index = next((i for i, t in enumerate(self.data.tasks) if t.key == key), -1)
        return self.data.centre_n(index, self.version)

    def answers(self, questionnaire: str) -> np.ndarray:
        return self.data.answers[questionnaire].rows(self.version)

    def attempted(self) -> list[str]:
        """Keys of the tasks with ended attempts on this side."""
        return [t.key for t in self.data.tasks if self.task(t.key)[0].size]


def _test(run: Callable[[], TestResult]) -> tuple[TestResult | None, str]:
    try:
        return run(), ""
    except MetricInputError as error:
        message = error.message
        for field, words in _READABLE.items():
            message = message.replace(f"{field}:", f"{words}:")
        return None, f"not tested: {message}"


def _row(measure: str, label: str, subject: str, task: str | None, sides: Sequence[Estimate | None],
         run: Callable[[], TestResult]) -> Row:  # fmt: skip
    a, b = sides
    if a is None or b is None:
        return Row(measure, label, subject, task, a, b, None, "not tested: no data on one side")
    test, note = _test(run)
    return Row(measure, label, subject, task, a, b, test, note)


def _rate(outcome: np.ndarray) -> Estimate | None:
    return (
        metrics.completion_rate(int(np.count_nonzero(outcome == 0)), outcome.size) if outcome.size else None
    )


def _seq(answered: np.ndarray) -> Estimate | None:
    return metrics.seq_mean(answered) if answered.size else None


def _success_row(label: str, subject: str, task: str | None, oa: np.ndarray, ob: np.ndarray) -> Row:
    xa, xb = int(np.count_nonzero(oa == 0)), int(np.count_nonzero(ob == 0))
    run = lambda: metrics.two_proportions(xa, oa.size, xb, ob.size)  # noqa: E731
    return _row("task_success", label, subject, task, [_rate(oa), _rate(ob)], run)


def task_rows(a: Side, b: Side, matched: list[str]) -> tuple[Row, ...]:
    """Task success, time on task and SEQ of each matched task."""
    out = []
    prompts = {t.key: t.prompt for t in a.data.tasks}
    for key in matched:
        (oa, sa, ta), (ob, sb, tb) = a.task(key), b.task(key)
        prompt = prompts[key]
        out.append(_success_row("Task success", prompt, key, oa, ob))
        times = [
            metrics.time_on_task_s(t, centre_n=side.centre_n(key)) if t.size else None
            for t, side in ((ta, a), (tb, b))
        ]
        out.append(
            _row("time_on_task", "Time on task", prompt, key, times, partial(metrics.compare_times_s, ta, tb))
        )
        seqs = [_seq(sa), _seq(sb)]
        run = partial(metrics.compare_ratings, sa, sb, scale=(1, 7))
        out.append(_row("seq", "SEQ", prompt, key, seqs, run))
    return tuple(out)


def headline_rows(a: Side, b: Side, matched: list[str], asked: set[str]) -> tuple[Row, ...]:
    """Success and SEQ pooled over the matched tasks only, then the questionnaires either side asks."""
    oa, ob = (np.concatenate([side.task(k)[0] for k in matched] or [np.zeros(0)]) for side in (a, b))
    out = [_success_row("Task success", "matched tasks", None, oa, ob)]
    sa, sb = (np.concatenate([side.task(k)[1] for k in matched] or [np.zeros(0)]) for side in (a, b))
    run: Callable[[], TestResult] = partial(metrics.compare_ratings, sa, sb, scale=(1, 7))
    out.append(_row("seq", "SEQ", "matched tasks", None, [_seq(sa), _seq(sb)], run))
    if "sus" in asked:
        sus = [metrics.sus_scores(r) if len(r) else np.zeros(0) for r in (a.answers("sus"), b.answers("sus"))]
        means = [
            metrics.sus_summary(r).score if len(r) else None for r in (a.answers("sus"), b.answers("sus"))
        ]
        run = lambda: metrics.compare_ratings(sus[0], sus[1], scale=(0, 100))  # noqa: E731
        out.append(_row("sus", "SUS", "study", None, means, run))
    if "umux_lite" in asked:
        rows = [a.answers("umux_lite"), b.answers("umux_lite")]
        umux = [metrics.umux_lite_scores(r) if len(r) else np.zeros(0) for r in rows]
        means = [metrics.umux_lite(r).score if len(r) else None for r in rows]
        run = lambda: metrics.compare_ratings(umux[0], umux[1], scale=(0, 100))  # noqa: E731
        out.append(_row("umux_lite", "UMUX-Lite", "study", None, means, run))
    if "nps" in asked:
        ratings = [side.answers("nps")[:, 0] for side in (a, b)]
        results = [metrics.nps(r) if r.size else None for r in ratings]
        run = lambda: metrics.compare_nps(ratings[0], ratings[1])  # noqa: E731
        out.append(_row("nps", "NPS", "study", None, [r.nps if r else None for r in results], run))
    if "csat" in asked:
        csat = [side.answers("csat")[:, 0] for side in (a, b)]
        top = [int(np.count_nonzero(c >= 4)) for c in csat]
        shares = [metrics.csat(c) if c.size else None for c in csat]
        run = lambda: metrics.two_proportions(top[0], csat[0].size, top[1], csat[1].size)  # noqa: E731
        out.append(_row("csat", "CSAT (top-2-box)", "study", None, shares, run))
    if "ces" in asked:
        out.append(_ces_row(a, b))
    return tuple(out)


def _ces_row(a: Side, b: Side) -> Row:
    """CES between equal CES versions only: 1.0 (1-5, lower is better) and 2.0 (1-7, higher) differ."""
    versions = [side.data.ces_version for side in (a, b)]
    ratings = [side.answers("ces")[:, 0] for side in (a, b)]
    means = [metrics.ces(r, v).mean if v and r.size else None for r, v in zip(ratings, versions, strict=True)]
    named = [f"CES {v} ({CES_SCALES[v][0]})" if v else "not asked" for v in versions]
    if versions[0] and versions[1] and versions[0] != versions[1]:
        why = (
            f"not compared: A asks {named[0]}, B asks {named[1]}; the scales differ in range and "
            "direction, so neither a difference nor a test means anything"
        )
        return Row("ces", "CES", "study", None, means[0], means[1], None, why)
    version = versions[0] or versions[1] or "2.0"
    scale = CES_SCALES[version][1]
    run = lambda: metrics.compare_ratings(ratings[0], ratings[1], scale=scale)  # noqa: E731
    return _row("ces", f"CES {version} ({CES_SCALES[version][0]})", "study", None, means, run)


def matched_tasks(a: Side, b: Side) -> tuple[list[str], list[str], list[str]]:
    """(matched, A only, B only) task keys: matched ones have ended attempts on both sides."""
    on_a, on_b = a.attempted(), b.attempted()
    matched = [k for k in on_a if k in on_b]
    return matched, [k for k in on_a if k not in on_b], [k for k in on_b if k not in on_a]

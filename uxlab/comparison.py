"""Two versions of a study, or two variant studies of one test, side by side, with significance.

Between-subjects tests from ``uxlab.metrics`` (METRICS.md, "Comparing two designs"):
completion rates by the N-1 two-proportion test (difference with the Agresti-Caffo
interval), times of successful attempts by Welch's t on ln(time) (ratio of geometric
means), SEQ, SUS and UMUX-Lite by Welch's t on the raw scores, CSAT top-2-box by the N-1
two-proportion test. A comparison that cannot be tested (too few values, no spread) says
why instead of a p-value. Significant means two-sided p < ``ALPHA``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from sqlmodel import Session

from uxlab import metrics, studies, summary_queries
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
    """Side ``a`` against side ``b``: two versions of one study, or two variant studies of one test."""

    slug: str
    a: CXSummary
    b: CXSummary
    differences: tuple[Difference, ...]
    a_label: str = ""
    b_label: str = ""
    variant: str | None = None  # the other study's slug when comparing variants


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

    def answers(self, questionnaire: str) -> np.ndarray:
        return self.data.answers[questionnaire].rows(self.version)


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
    _check_version(data, a, "a")
    _check_version(data, b, "b")
    summaries = [build_summary(db, slug, replace(base, version=v)) for v in (a, b)]
    differences = _differences(Side(data, a), Side(data, b))
    return Comparison(slug, summaries[0], summaries[1], tuple(differences), f"Version {a}", f"Version {b}")


def compare_variants(
    db: Session,
    slug: str,
    other: str,
    a: int | None = None,
    b: int | None = None,
    filters: Filters | None = None,
) -> Comparison:
    """Compare study ``slug`` (version ``a``, default all) with its variant ``other`` (version ``b``).

    Tasks are matched by their id. Raises BadRequest when ``other`` is not a variant of the
    same test (``studies.variants_of``) or lacks the version asked for.
    """
    if other not in studies.variants_of(db, slug):
        why = f"{other!r} is not a variant of the same test as {slug!r} (see variant_of in scenarios)"
        raise BadRequest(why, field="variant")
    base = (filters or Filters()).without_version()
    data_a, data_b = summary_queries.load(db, slug, base), summary_queries.load(db, other, base)
    _check_version(data_a, a, "a")
    _check_version(data_b, b, "b")
    summaries = [build_summary(db, name, replace(base, version=v)) for name, v in ((slug, a), (other, b))]
    differences = _differences(Side(data_a, a), Side(data_b, b))
    labels = [f"{name}{f' version {v}' if v else ''}" for name, v in ((slug, a), (other, b))]
    return Comparison(slug, summaries[0], summaries[1], tuple(differences), labels[0], labels[1], other)


def compare_from_args(db: Session, slug: str, args: Mapping[str, str]) -> Comparison:
    """The comparison the query asks for: ``variant`` (another study's slug) or versions ``a`` and ``b``.

    A study with one version and no ``variant`` asked for is compared with its first variant.
    """
    filters = Filters.from_args(args)
    a, b = version_args(args)
    other = (args.get("variant") or "").strip()
    single = not other and a is None and b is None
    if single and studies.current_version(db, studies.get_study(db, slug)).number < 2:
        other = next(iter(studies.variants_of(db, slug)), "")
    if other:
        return compare_variants(db, slug, other, a, b, filters)
    return compare_versions(db, slug, a, b, filters)


def _check_version(data: StudyData, number: int | None, name: str) -> None:
    if number is not None and number not in data.versions:
        raise BadRequest(f"{name}: study {data.study.slug!r} has no version {number}", field=name)


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


def _differences(a: Side, b: Side) -> list[Difference]:
    out = []
    for task in a.data.tasks:
        (oa, sa, ta), (ob, sb, tb) = a.task(task.key), b.task(task.key)
        na, nb = oa.size, ob.size
        if not (na and nb):
            continue
        xa, xb = int(np.count_nonzero(oa == 0)), int(np.count_nonzero(ob == 0))
        out.append(
            _row("Task success", task.prompt, f"{xa / na:.0%} (n={na})", f"{xb / nb:.0%} (n={nb})", "share",
                 partial(metrics.two_proportions, xa, na, xb, nb))
        )  # fmt: skip
        out.append(
            _row("Time on task (ratio A/B)", task.prompt, _mean_text(ta, " s", geometric=True),
                 _mean_text(tb, " s", geometric=True), "ratio", partial(metrics.compare_times_s, ta, tb))
        )  # fmt: skip
        out.append(
            _row("SEQ", task.prompt, _mean_text(sa), _mean_text(sb), "rating",
                 partial(metrics.compare_ratings, sa, sb, scale=(1, 7)))
        )  # fmt: skip
    sus = [metrics.sus_scores(r) if len(r) else np.zeros(0) for r in (side.answers("sus") for side in (a, b))]
    out.append(
        _row("SUS", "study", _mean_text(sus[0]), _mean_text(sus[1]), "rating",
             lambda: metrics.compare_ratings(sus[0], sus[1], scale=(0, 100)))
    )  # fmt: skip
    umux = [
        metrics.umux_lite_scores(r) if len(r) else np.zeros(0)
        for r in (side.answers("umux_lite") for side in (a, b))
    ]
    out.append(
        _row("UMUX-Lite", "study", _mean_text(umux[0]), _mean_text(umux[1]), "rating",
             lambda: metrics.compare_ratings(umux[0], umux[1], scale=(0, 100)))
    )  # fmt: skip
    csat = [side.answers("csat")[:, 0] for side in (a, b)]
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


def version_args(args: Mapping[str, str]) -> tuple[int | None, int | None]:
    """Parse the ``a`` and ``b`` query parameters (version numbers; empty = default)."""
    out = []
    for name in ("a", "b"):
        raw = (args.get(name) or "").strip()
        if raw and not (raw.isdigit() and 0 < int(raw) < 1_000_000):
            raise BadRequest(f"{name} must be a study version number", field=name)
        out.append(int(raw) if raw else None)
    return out[0], out[1]

"""Two versions of a study, or two variant studies of one test, side by side, with significance.

The rows and their tests: ``compare_rows``. Significant means two-sided p < ``ALPHA``.
``Comparison.to_dict()`` is the JSON of ``/studies/<slug>/compare.json``, schema
``COMPARISON_SCHEMA`` (``docs/schemas/comparison-v1.schema.json``): every figure the page
shows, unrounded, in the vocabulary of ``reports.figure_dicts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from uxlab import metrics, studies
from uxlab.errors import BadRequest
from uxlab.reports import figure_dicts, queries
from uxlab.reports.compare_rows import ALPHA, Row, Side, headline_rows, matched_tasks, task_rows
from uxlab.reports.filters import Filters
from uxlab.reports.page_speed import page_speed
from uxlab.reports.queries import StudyData
from uxlab.reports.sql import excluded_by_version
from uxlab.reports.summary import compute
from uxlab.reports.types import CXSummary

COMPARISON_SCHEMA = "uxlab-comparison/1"
__all__ = [
    "ALPHA",
    "COMPARISON_SCHEMA",
    "Comparison",
    "Row",
    "compare_from_args",
    "compare_variants",
    "compare_versions",
    "comparison_dict",
    "summaries_of",
    "version_args",
]


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Side ``a`` against side ``b``: two versions of one study, or two variant studies of one test.

    ``matched`` are the task keys both sides attempted (the headline pools only those);
    ``a_only``/``b_only`` the others. ``to_dict()`` follows ``COMPARISON_SCHEMA``.
    """

    slug: str
    a: CXSummary
    b: CXSummary
    headline: tuple[Row, ...]
    rows: tuple[Row, ...]
    matched: tuple[str, ...] = ()
    a_only: tuple[str, ...] = ()
    b_only: tuple[str, ...] = ()
    a_label: str = ""
    b_label: str = ""
    a_version: int | None = None
    b_version: int | None = None
    variant: str | None = None  # the other study's slug when comparing variants

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-able data, schema ``uxlab-comparison/1``; values unrounded."""
        return comparison_dict(self)


def compare_versions(
    db: Session, slug: str, a: int | None = None, b: int | None = None, filters: Filters | None = None
) -> Comparison:
    """Compare study versions ``a`` and ``b`` (default: the two newest) under the other filters.

    Raises BadRequest when the study has fewer than two versions or lacks ``a`` or ``b``.
    """
    base = (filters or Filters()).without_version()
    data = queries.load(db, slug, base)
    if len(data.versions) < 2:
        raise BadRequest("this study has one version only; load an edited scenario to compare", field="a")
    a = data.versions[-2] if a is None else a
    b = data.versions[-1] if b is None else b
    _check_version(data, a, "a")
    _check_version(data, b, "b")
    if a == b:  # a table of zero differences, refused before anything is computed
        why = f"a and b are the same version ({a}): compare two different versions"
        raise BadRequest(f"{why} (without a and b: the two newest)", field="b")
    summaries = summaries_of(db, data, base, (a, b))
    sides = Side(data.at(a), a), Side(data.at(b), b)
    return _compared(slug, summaries, *sides, (f"Version {a}", f"Version {b}"))


def compare_variants(
    db: Session,
    slug: str,
    other: str,
    a: int | None = None,
    b: int | None = None,
    filters: Filters | None = None,
    variants: Sequence[str] | None = None,
) -> Comparison:
    """Compare study ``slug`` (version ``a``, default all) with its variant ``other`` (version ``b``).

    Tasks are matched by their id. Raises BadRequest when ``other`` is not a variant of the
    same test (``studies.variants_of``; of ``variants``, those the reader may see, if given)
    or lacks the version asked for.
    """
    if other not in (studies.variants_of(db, slug) if variants is None else variants):
        why = f"{other!r} is not a variant of the same test as {slug!r} (see variant_of in scenarios)"
        raise BadRequest(why, field="variant")
    base = (filters or Filters()).without_version()
    data_a, data_b = queries.load(db, slug, base), queries.load(db, other, base)
    _check_version(data_a, a, "a")
    _check_version(data_b, b, "b")
    summaries = [*summaries_of(db, data_a, base, (a,)), *summaries_of(db, data_b, base, (b,))]
    labels = tuple(f"{name}{f' version {v}' if v else ''}" for name, v in ((slug, a), (other, b)))
    return _compared(slug, summaries, Side(data_a.at(a), a), Side(data_b.at(b), b), labels, other)


def _compared(
    slug: str, summaries: list[CXSummary], a: Side, b: Side, labels: tuple[str, ...], other: str | None = None
) -> Comparison:
    matched, a_only, b_only = matched_tasks(a, b)
    asked = {q for s in summaries for q in figure_dicts.QUESTIONNAIRE_FIGURES if s.asks(q)}
    return Comparison(
        slug=slug,
        a=summaries[0],
        b=summaries[1],
        headline=headline_rows(a, b, matched, asked),
        rows=task_rows(a, b, matched),
        matched=tuple(matched),
        a_only=tuple(a_only),
        b_only=tuple(b_only),
        a_label=labels[0],
        b_label=labels[1],
        a_version=a.version,
        b_version=b.version,
        variant=other,
    )


def summaries_of(
    db: Session, data: StudyData, base: Filters, versions: tuple[int | None, ...]
) -> list[CXSummary]:
    """One side's summaries of ``versions`` (None: all) from its data, loaded once under ``base``.

    ``queries.load`` filters by version in numpy, not SQL, so one load serves every version
    (``StudyData.at``: each version with its own tasks and settings); only the probe results
    (page speed, which has no version) are read here, once.
    """
    pages = page_speed(db, data.study, base)
    now = datetime.now(UTC)
    excluded = excluded_by_version(db, int(data.study.id or 0))
    return [
        replace(
            compute(data.at(v), replace(base, version=v), pages, now),
            excluded=sum(excluded.values()) if v is None else excluded.get(v, 0),
        )
        for v in versions
    ]


def compare_from_args(
    db: Session, slug: str, args: Mapping[str, str], variants: Sequence[str] | None = None
) -> Comparison:
    """The comparison the query asks for: ``variant`` (another study's slug) or versions ``a`` and ``b``.

    A study with one version and no ``variant`` asked for is compared with its first variant.
    ``variants``: the variants the reader may see (default: all of the test).
    """
    filters = Filters.from_args(args)
    a, b = version_args(args)
    other = (args.get("variant") or "").strip()
    single = not other and a is None and b is None
    if single and studies.current_version(db, studies.get_study(db, slug)).number < 2:
        other = next(iter(studies.variants_of(db, slug) if variants is None else variants), "")
    if other:
        return compare_variants(db, slug, other, a, b, filters, variants)
    return compare_versions(db, slug, a, b, filters)


def _check_version(data: StudyData, number: int | None, name: str) -> None:
    if number is not None and number not in data.versions:
        raise BadRequest(f"{name}: study {data.study.slug!r} has no version {number}", field=name)


def version_args(args: Mapping[str, str]) -> tuple[int | None, int | None]:
    """Parse the ``a`` and ``b`` query parameters (version numbers; empty = default)."""
    out = []
    for name in ("a", "b"):
        raw = (args.get(name) or "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000):
            raise BadRequest(f"{name} must be a study version number", field=name)
        out.append(int(raw) if raw else None)
    return out[0], out[1]


def _row_dict(row: Row) -> dict[str, Any]:
    test = row.test
    return {
        "measure": row.measure,
        "label": row.label,
        "subject": row.subject,
        "task": row.task,
        "a": figure_dicts.estimate(row.a),
        "b": figure_dicts.estimate(row.b),
        "effect": figure_dicts.estimate(test.effect) if test else None,
        "test": None
        if test is None
        else {"name": test.test, "method": test.method, "statistic": test.statistic, "p_value": test.p_value,
              "df": test.df, "alternative": test.alternative},
        "significant": row.significant,
        "note": row.note,
    }  # fmt: skip


def _side_dict(s: CXSummary, label: str, version: int | None) -> dict[str, Any]:
    return {
        "label": label,
        "slug": s.slug,
        "title": s.title,
        "version": version,
        **{k: getattr(s, k) for k in ("participants", "finished", "attempts", "ces_version")},
    }


def comparison_dict(c: Comparison) -> dict[str, Any]:
    """A ``Comparison`` in schema ``COMPARISON_SCHEMA`` (NaN becomes null)."""
    f = c.a.filters
    return figure_dicts.clean(
        {
            "schema": COMPARISON_SCHEMA,
            "slug": c.slug,
            "kind": "variants" if c.variant else "versions",
            "variant": c.variant,
            "generated_at": c.a.generated_at,
            "metrics_version": metrics.METRICS_VERSION,
            "filters": {
                **{k: getattr(f, k) for k in ("device", "since", "until", "language", "finished")},
                **{"link": ":".join(f.link) if f.link else None, "outcome": f.outcome, "task": f.task},
                "excluded": f.with_excluded,
            },
            "alpha": ALPHA,
            "side_a": _side_dict(c.a, c.a_label, c.a_version),
            "side_b": _side_dict(c.b, c.b_label, c.b_version),
            "tasks": {"matched": c.matched, "a_only": c.a_only, "b_only": c.b_only},
            "headline": [_row_dict(r) for r in c.headline],
            "rows": [_row_dict(r) for r in c.rows],
        }
    )

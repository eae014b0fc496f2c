"""Two studies marked as variants of one test (``variant_of``), compared side by side.

Both studies are built through the production paths (scenario load, recording, responses;
``tests.summary_seed``). Expected p-values come from scipy (Welch's t) and the N-1
two-proportion test computed by hand (Campbell 2007), independently of ``uxlab.metrics``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
from flask import Flask
from scipy import stats
from sqlalchemy import event

import tests.summary_seed as seed
from tests.web.test_reports_pages import signed_in
from uxlab import scenarios, studies
from uxlab.db import get_engine, get_session
from uxlab.models import Study
from uxlab.reports.comparison import compare_variants, compare_versions
from uxlab.reports.filters import Filters
from uxlab.reports.summary import build_summary
from uxlab.reports.types import CXSummary

VARIANT = seed.SCENARIO.replace("slug: cx\n", "slug: cx-b\nvariant_of: cx\n").replace(
    'title: "CX <test> & study"', "title: New navigation"
)
# Variant B: four desktop participants; "find" goes 3 of 4 (times and SEQs below).
FIND_B = (
    seed.Try("success", 30, seed.DIRECT_FIND, 7),
    seed.Try("success", 40, seed.DIRECT_FIND, 6),
    seed.Try("failure", 90, ("/", "/contact"), 3),
    seed.Try("success", 25, seed.DIRECT_FIND, 7),
)
ANSWERS_B = [seed.PEOPLE[i].answers for i in (0, 1, 3, 5)]
REST = {k: seed.PEOPLE[0].tries[k] for k in ("buy", "about")}


def seed_variant(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        version = seed.load(get_session(), tmp_path, VARIANT, "cx-b.yaml")
        for find, answers in zip(FIND_B, ANSWERS_B, strict=True):
            seed.add_person(get_session(), version, seed.Person("desktop", {"find": find, **REST}, answers))


def n_minus_1_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p of the N-1 two-proportion test (Campbell 2007), by hand."""
    pooled = (x1 + x2) / (n1 + n2)
    n = n1 + n2
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) * math.sqrt((n - 1) / n)
    return float(2 * stats.norm.sf(abs(z)))


def sus_by_hand(items: list[int]) -> float:
    """Brooke (1996): odd items score x - 1, even items 5 - x; the sum times 2.5."""
    return 2.5 * sum((x - 1) if i % 2 == 0 else (5 - x) for i, x in enumerate(items))


def rows_of(page: str) -> dict[str, str]:
    return {r.split("</th>")[0]: r for r in page.split('<th scope="row">')[1:]}


def test_variant_of_is_read_and_kept_out_of_unmarked_scenarios() -> None:
    variant = scenarios.loads(VARIANT)
    assert variant.variant_of == "cx" and variant.to_dict()["variant_of"] == "cx"
    plain = scenarios.loads(seed.SCENARIO)
    # Unset, it is not written at all, so studies stored before the field existed keep their hash.
    assert plain.variant_of is None and "variant_of" not in plain.to_dict()
    assert type(plain).from_dict(variant.to_dict()) == variant


def test_variants_are_every_study_linked_by_variant_of(any_app: Flask, tmp_path: Path) -> None:
    links = {"a": None, "b": "a", "c": "b", "d": "test-x", "e": "test-x", "f": None}
    with any_app.app_context():
        db = get_session()
        for slug, base in links.items():
            text = seed.SCENARIO.replace("slug: cx\n", f"slug: {slug}\n")
            seed.load(db, tmp_path, text + (f"variant_of: {base}\n" if base else ""), f"{slug}.yaml")
        assert studies.variants_of(db, "a") == ["b", "c"]
        assert studies.variants_of(db, "c") == ["a", "b"]
        assert studies.variants_of(db, "d") == ["e"]
        assert studies.variants_of(db, "f") == []
        # Loading b again without the mark makes it a version 2 and takes b out of a's test.
        seed.load(db, tmp_path, seed.SCENARIO.replace("slug: cx\n", "slug: b\n"), "b.yaml")
        assert db.get(Study, studies.get_study(db, "b").id).variant_of is None
        assert studies.variants_of(db, "a") == []


def test_comparison_page_tests_two_variant_studies(any_app: Flask, tmp_path: Path) -> None:
    client = signed_in(any_app, tmp_path)
    seed_variant(any_app, tmp_path)
    assert 'href="/studies/cx/compare"' in client.get("/studies/cx/summary").get_data(as_text=True)
    assert "cx-b · variant of cx" in client.get("/studies").get_data(as_text=True)
    # cx has one version, so the comparison page compares it with its variant.
    page = client.get("/studies/cx/compare").get_data(as_text=True)
    assert "cx against cx-b" in page and "variants of one test" in page
    rows = rows_of(page)

    def row(measure: str, task: str = "") -> str:
        return next(r for k, r in rows.items() if k.startswith(measure) and task in k)

    find_a = [p.tries["find"] for p in seed.PEOPLE]
    x_a = sum(t.outcome == "success" for t in find_a)
    assert f"{n_minus_1_p(x_a, 6, 3, 4):.3f}" in row("Task success", "helpdesk")
    p_seq = stats.ttest_ind([t.seq for t in find_a], [t.seq for t in FIND_B], equal_var=False).pvalue
    assert f"{p_seq:.3f}" in row("SEQ<br>", "helpdesk")
    times_a = [t.time_s for t in find_a if t.outcome == "success"]
    times_b = [t.time_s for t in FIND_B if t.outcome == "success"]
    p_time = stats.ttest_ind(np.log(times_a), np.log(times_b), equal_var=False).pvalue
    assert f"{p_time:.3f}" in row("Time on task", "helpdesk")
    sus_a = [sus_by_hand([p.answers[f"sus_{i}"] for i in range(1, 11)]) for p in seed.PEOPLE]
    sus_b = [sus_by_hand([a[f"sus_{i}"] for i in range(1, 11)]) for a in ANSWERS_B]
    assert f"{stats.ttest_ind(sus_a, sus_b, equal_var=False).pvalue:.3f}" in row("SUS<br>")
    assert f"{np.mean(sus_a):.1f} (n=6)" in row("SUS<br>") and f"{np.mean(sus_b):.1f} (n=4)" in row("SUS<br>")

    # Filters apply to both sides: desktop only leaves cx's four desktop participants.
    desktop = rows_of(client.get("/studies/cx/compare?variant=cx-b&device=desktop").get_data(as_text=True))
    x_desktop = sum(p.tries["find"].outcome == "success" for p in seed.PEOPLE if p.device == "desktop")
    success = next(r for k, r in desktop.items() if k.startswith("Task success") and "helpdesk" in k)
    assert f"{x_desktop / 4:.0%} (n=4)" in success and "75% (n=4)" in success
    # Either side can be narrowed to one version.
    assert "cx version 1 against cx-b" in client.get("/studies/cx/compare?variant=cx-b&a=1").get_data(
        as_text=True
    )


def test_bad_variant_requests_are_refused_with_a_reason(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    seed_variant(app, tmp_path)
    with app.app_context():
        seed.load(get_session(), tmp_path, seed.SCENARIO.replace("slug: cx\n", "slug: other\n"), "o.yaml")
    for query, reason in [
        ("variant=other", "'other' is not a variant of the same test as 'cx'"),
        ("variant=nope", "'nope' is not a variant"),
        ("variant=cx-b&b=2", "study 'cx-b' has no version 2"),
        ("variant=cx-b&a=x", "a must be a study version number"),
    ]:
        response = client.get(f"/studies/cx/compare?{query}")
        assert response.status_code == 400, query
        assert reason in html.unescape(response.get_data(as_text=True)), query
    # A study with one version and no variant has nothing to compare with.
    assert client.get("/studies/other/compare").status_code == 400


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)


def scans(sent: list[str]) -> int:
    """Statements that read the attempts table (the big scans of a summary)."""
    return sum(1 for s in sent if re.search(r"\bFROM attempt\b", s, re.IGNORECASE))


def same(a: CXSummary, b: CXSummary) -> bool:
    return replace(a, generated_at=b.generated_at).to_dict() == b.to_dict()


def test_a_comparison_loads_each_side_once(any_app: Flask, tmp_path: Path) -> None:
    signed_in(any_app, tmp_path)
    seed_variant(any_app, tmp_path)
    with any_app.app_context():
        db = get_session()
        seed.seed_second_version(db, tmp_path)
        desktop = Filters(device="desktop")
        with statements() as one_a:
            summary_a = build_summary(db, "cx", desktop)
        with statements() as one_b:
            summary_b = build_summary(db, "cx-b", desktop)
        with statements() as check:
            studies.variants_of(db, "cx")
        with statements() as both:
            variants = compare_variants(db, "cx", "cx-b", filters=desktop)
        # Before: each side was loaded twice (once for the tests, once for its summary): four scans.
        assert scans(one_a) == scans(one_b) > 0
        assert scans(both) == 2 * scans(one_a)
        assert len(both) <= len(one_a) + len(one_b) + len(check)
        assert same(variants.a, summary_a) and same(variants.b, summary_b)

        by_version = [build_summary(db, "cx", replace(desktop, version=v)) for v in (1, 2)]
        with statements() as versions_sent:
            versions = compare_versions(db, "cx", filters=desktop)
        # Before: one load for the tests and one per version's summary: three scans.
        assert scans(versions_sent) == scans(one_a)
        assert len(versions_sent) <= len(one_a)
        assert same(versions.a, by_version[0]) and same(versions.b, by_version[1])

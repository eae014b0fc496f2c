"""Issue 16's compare-page fixes and issue 15's figure notes, through the pages and JSON a researcher reads.

Studies are seeded through the production paths (``tests.summary_seed``). Expected p-values
are computed here: Welch's t by scipy, the N-1 two-proportion test by hand
(``n_minus_1_p``), the NPS test from Rocks' (2016) adjusted-Wald formula written out below.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from flask import Flask
from scipy import stats

import tests.summary_seed as seed
from tests.reports.test_compare_variants import ANSWERS_B, VARIANT, n_minus_1_p, rows_of
from tests.web.test_reports_pages import signed_in
from uxlab.db import get_session

ROOT = Path(__file__).resolve().parents[2]
# cx-b asks "find" only (buy and about cut off); two participants: one success in 30 s, one failure.
VARIANT_FIND = VARIANT[: VARIANT.index("  - id: buy")]
B_PEOPLE = (
    seed.Person("desktop", {"find": seed.Try("success", 30, seed.DIRECT_FIND, 7)}, ANSWERS_B[0]),
    seed.Person("desktop", {"find": seed.Try("failure", 90, ("/", "/contact"), 6)}, ANSWERS_B[1]),
)


def nps_p(a: list[int], b: list[int]) -> float:
    """Two-sided p of the adjusted-Wald z-test of two NPS (Rocks 2016; MeasuringU 2021), by hand."""

    def side(ratings: list[int]) -> tuple[float, float]:
        n = len(ratings) + 3
        p = (sum(r >= 9 for r in ratings) + 0.75) / n
        d = (sum(r <= 6 for r in ratings) + 0.75) / n
        return p - d, (p + d - (p - d) ** 2) / n

    (ca, va), (cb, vb) = side(a), side(b)
    return float(2 * stats.norm.sf(abs((ca - cb) / math.sqrt(va + vb))))


def compare_page(app: Flask, tmp_path: Path) -> tuple[Any, str]:
    client = signed_in(app, tmp_path)
    with app.app_context():
        version = seed.load(get_session(), tmp_path, VARIANT_FIND, "cx-b.yaml")
        for person in B_PEOPLE:
            seed.add_person(get_session(), version, person)
    return client, client.get("/studies/cx/compare?variant=cx-b").get_data(as_text=True)


def test_compare_page_has_questionnaire_rows_readable_reasons_and_a_matched_headline(
    app: Flask, tmp_path: Path
) -> None:
    _, page = compare_page(app, tmp_path)
    rows = rows_of(page)

    def row(start: str, subject: str = "") -> str:
        return next(r for k, r in rows.items() if k.startswith(start) and subject in k)

    answers_a = [p.answers for p in seed.PEOPLE]
    answers_b = [p.answers for p in B_PEOPLE]
    nps_a, nps_b = [a["nps"] for a in answers_a], [a["nps"] for a in answers_b]
    assert f"{nps_p(nps_a, nps_b):.3f}" in row("NPS<br>") and "(n=6)" in row("NPS<br>")
    ces_a, ces_b = [a["ces"] for a in answers_a], [a["ces"] for a in answers_b]
    p_ces = stats.ttest_ind(ces_a, ces_b, equal_var=False).pvalue
    assert f"{p_ces:.3f}" in row("CES 2.0 (1-7, higher is better)<br>")
    top_a, top_b = sum(a["csat"] >= 4 for a in answers_a), sum(a["csat"] >= 4 for a in answers_b)
    assert f"{n_minus_1_p(top_a, 6, top_b, 2):.3f}" in row("CSAT (top-2-box)<br>")
    # one successful time on side B: the reason says so in words, not with a parameter name
    time_row = row("Time on task", "helpdesk")
    assert "times_b_s" not in page and "times_a_s" not in page
    assert "not tested: side B&#39;s successful times: needs at least 2 values, got 1" in time_row
    # the header counts both sides
    lede = " ".join(page.split('class="lede"')[1].split("</p>")[0].split())
    assert "A (cx): 6 participants" in lede and "B (cx-b): 2 participants" in lede
    # the headline pools only the task both sides tried: find, 4 of 6 against 1 of 2
    matched = " ".join(page.split('id="matched-tasks">')[1].split("</p>")[0].split())
    assert (
        "the 1 task attempted on both sides (find)" in matched
        and "Only on A, left out: buy, about" in matched
    )
    success = row("Task success", "matched tasks")
    x_a = sum(p.tries["find"].outcome == "success" for p in seed.PEOPLE)
    assert f"{x_a / 6:.0%} (n=6)" in success and "50% (n=2)" in success
    assert f"{n_minus_1_p(x_a, 6, 1, 2):.3f}" in success
    seq_a, seq_b = [p.tries["find"].seq for p in seed.PEOPLE], [p.tries["find"].seq for p in B_PEOPLE]
    assert f"{stats.ttest_ind(seq_a, seq_b, equal_var=False).pvalue:.3f}" in row("SEQ", "matched tasks")
    assert 'href="/studies/cx/compare.json?variant=cx-b"' in page


def test_p_values_below_0_001_are_written_so(app: Flask, tmp_path: Path) -> None:
    client, _ = compare_page(app, tmp_path)
    data = client.get("/studies/cx/compare.json?variant=cx-b").get_json()
    p_values = [r["test"]["p_value"] for r in data["headline"] + data["rows"] if r["test"]]
    assert p_values and all(isinstance(p, float) for p in p_values)  # unrounded in the JSON
    from uxlab.reports.format import p_value  # the page's filter

    assert p_value(0.0004) == "< 0.001" and p_value(0.0123) == "0.012"


def test_cards_show_only_the_questionnaires_the_study_asks(app: Flask, tmp_path: Path) -> None:
    text = seed.SCENARIO.replace(
        "questionnaires: [sus, umux_lite, nps, csat, ces]", "questionnaires: [sus, nps]"
    )
    client = signed_in(app, tmp_path, people=None)
    with app.app_context():
        seed.load(get_session(), tmp_path, text)
    page = client.get("/studies/cx/summary").get_data(as_text=True)
    assert 'id="fig-sus"' in page and 'id="fig-nps"' in page  # asked, no answers yet: "no data"
    for absent in ("umux_lite", "csat", "ces"):
        assert f'id="fig-{absent}"' not in page
    assert client.get("/studies/cx/summary.json").get_json()["questionnaires"] == ["sus", "nps"]


def test_direct_share_is_null_for_a_task_without_an_ideal_path_under_every_filter(
    app: Flask, tmp_path: Path
) -> None:
    # "about" has no ideal_path; the phone participant failed it, the desktop one succeeded.
    client = signed_in(app, tmp_path, people=(seed.PEOPLE[0], seed.PEOPLE[4]))
    for query in ("", "?device=phone", "?device=desktop", "?version=1"):
        data = client.get(f"/studies/cx/summary.json{query}").get_json()
        about = next(t for t in data["tasks"] if t["key"] == "about")
        assert about["attempts"] == 1 + (query in ("", "?version=1"))
        assert about["direct_share"] is None and about["indirect_share"] is None, query
        find = next(t for t in data["tasks"] if t["key"] == "find")  # has an ideal path
        assert find["direct_share"] is not None, query


def test_a_widened_nps_interval_says_so_in_the_figure_and_in_metrics_md(app: Flask, tmp_path: Path) -> None:
    # One promoter: the adjusted-Wald interval (Rocks 2016) ends below the raw NPS of 100.
    client = signed_in(app, tmp_path, people=(seed.PEOPLE[0],))
    nps = next(f for f in client.get("/studies/cx/summary.json").get_json()["headline"] if f["key"] == "nps")
    assert nps["value"] == 100.0 and nps["high"] == 100.0 and "widened" in nps["note"]
    card = client.get("/studies/cx/summary").get_data(as_text=True).split('id="fig-nps"')[1].split("</li>")[0]
    assert "widened" in card
    assert "widens" in (ROOT / "docs/METRICS.md").read_text(encoding="utf-8")

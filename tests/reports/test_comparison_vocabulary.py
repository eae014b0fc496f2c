"""Issue 15: one figure vocabulary in the CX summary JSON and the comparison JSON; issue 16's compare page.

Studies are built through the production paths (scenario load, recording, questionnaire
answers: ``tests.summary_seed``; the demo: ``uxlab.demo.data``). Expected figures are
computed here from the seeded values (scipy, numpy, by hand), not read back from uxlab.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from flask import Flask
from scipy import stats

import tests.summary_seed as seed
from tests.reports.test_compare_variants import ANSWERS_B, FIND_B, REST, VARIANT, rows_of, seed_variant
from tests.web.test_reports_pages import signed_in
from uxlab import auth, studies
from uxlab.db import get_session
from uxlab.demo import data as demo_data
from uxlab.metrics import registry, units

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
SUMMARY_SCHEMA = json.loads((SCHEMAS / "cx-summary-v2.schema.json").read_text(encoding="utf-8"))
COMPARISON_SCHEMA = json.loads((SCHEMAS / "comparison-v1.schema.json").read_text(encoding="utf-8"))
FIGURE = ("value", "low", "high", "n", "unit", "method")
# Keys whose value is a figure wherever they appear (or null: no data).
FIGURE_KEYS = {
    "task_success", "direct_share", "indirect_share", "time_on_task", "seq", "sum", "percentile", "score",
    "a", "b", "effect", "best_point_estimate", "sus_learnability", "sus_usability",
    "umux_lite_sus_equivalent", "ces_favourable",
}  # fmt: skip
# Names of schema 1 that carried bare numbers or another name for the same figure.
OLD_NAMES = {"estimate", "sum_pct", "sus_percentile", "time_s", "success", "time_on_task_s"}
METHODS = {m.name for m in registry.METRICS}


def walk_figures(node: Any, path: str = "$") -> int:
    """Check every figure under ``node``; return how many there were."""
    count = 0
    if isinstance(node, dict):
        if "value" in node or "unit" in node:
            missing = [f for f in FIGURE if f not in node]
            assert not missing, f"{path}: figure without {missing}"
            assert node["unit"] in units.UNITS, f"{path}: unit {node['unit']!r} not in metrics/units.py"
            assert node["method"] in METHODS, f"{path}: method {node['method']!r} not in the registry"
            assert isinstance(node["n"], int) and node["n"] >= 0, path
            value, low, high = node["value"], node["low"], node["high"]
            unit = units.UNITS[node["unit"]]
            if value is not None:
                assert unit.low is None or value >= unit.low - 1e-9, f"{path}: {value} below {unit.key}"
                assert unit.high is None or value <= unit.high + 1e-9, f"{path}: {value} above {unit.key}"
                if low is not None and high is not None:
                    assert low <= value <= high, f"{path}: {value} outside its interval {low}..{high}"
            count += 1
        for key, value in node.items():
            assert key not in OLD_NAMES, f"{path}.{key}: a name of schema 1"
            if key in FIGURE_KEYS and value is not None:
                assert isinstance(value, dict) and "value" in value, f"{path}.{key}: not a figure"
            count += walk_figures(value, f"{path}.{key}")
    elif isinstance(node, list):
        count += sum(walk_figures(item, f"{path}[{i}]") for i, item in enumerate(node))
    return count


@pytest.fixture
def demo_client(any_app: Flask) -> Any:
    with any_app.app_context():
        db = get_session()
        made = demo_data.add_demo_data(db, ROOT / "scenarios" / "helpdesk.yaml", people=25)
        assert made is not None and made.versions == 2
        auth.create_user(db, "rita@example.org", "a long enough password")
    client = any_app.test_client()
    client.post("/login", data={"email": "rita@example.org", "password": "a long enough password"})
    return client


def test_demo_summary_and_comparisons_follow_their_schemas_and_every_figure_says_what_it_is(
    demo_client: Any,
) -> None:
    """Must-show 1 of issue 15: the demo's summary and comparisons, walked figure by figure."""
    for query in ("", "?device=phone", "?version=1"):
        summary = demo_client.get(f"/studies/helpdesk/summary.json{query}").get_json()
        jsonschema.validate(summary, SUMMARY_SCHEMA)
        # 10 headline figures, and per task at least success and its split (the demo has ideal paths)
        assert walk_figures(summary) >= 10 + 3 * len(summary["tasks"])
        assert {f["key"] for f in summary["headline"]} >= {"task_success", "time_on_task", "sum", "nps"}
        assert all(p["p75"] and all("unit" in v for v in p["p75"].values()) for p in summary["pages"])
        details = summary["questionnaire_details"]
        assert all(
            details[k] is not None for k in ("sus_learnability", "umux_lite_sus_equivalent", "ces_favourable")
        )
    for query in ("", "?variant=helpdesk-b", "?variant=helpdesk-b&device=desktop"):
        response = demo_client.get(f"/studies/helpdesk/compare.json{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        compared = response.get_json()
        jsonschema.validate(compared, COMPARISON_SCHEMA)
        rows = compared["headline"] + compared["rows"]
        # each row: both sides and (when tested) the effect
        assert walk_figures(compared) >= sum(2 + (r["effect"] is not None) for r in rows if r["a"] and r["b"])
        assert {r["measure"] for r in compared["headline"]} == {
            "task_success", "seq", "sus", "umux_lite", "nps", "csat", "ces",
        }  # fmt: skip
        assert all(r["test"] is None or 0 <= r["test"]["p_value"] <= 1 for r in rows)
    bad = demo_client.get("/studies/helpdesk/compare.json?a=x")  # a JSON reason naming the parameter
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "a"
    assert (
        demo_client.get("/studies/helpdesk/compare.json?variant=nope").get_json()["error"]["field"]
        == "variant"
    )


def _times_study(app: Flask, tmp_path: Path) -> Any:
    """cx: 26 successful "about" times (the median rule applies from 25); its variant cx-b: 4."""
    client = signed_in(app, tmp_path, people=None)
    about_a = [5.0 + 1.5 * i for i in range(26)]  # 5 .. 42.5 s, skewed by nothing: known centres
    with app.app_context():
        db = get_session()
        version = studies.current_version(db, studies.get_study(db, "cx"))
        for t in about_a:
            seed.add_person(
                db, version, seed.Person("desktop", {"about": seed.Try("success", t, seed.ABOUT, 6)})
            )
    seed_variant(app, tmp_path)
    return client, about_a


def test_time_on_task_has_one_centre_on_summary_and_comparison(app: Flask, tmp_path: Path) -> None:
    client, about_a = _times_study(app, tmp_path)
    summary = client.get("/studies/cx/summary.json").get_json()
    about = next(t for t in summary["tasks"] if t["key"] == "about")["time_on_task"]
    # 26 times: the median (Sauro & Lewis 2010; docs/METRICS.md), numpy's median of the seeded times
    assert about["method"] == "median_time_s" and about["value"] == pytest.approx(np.median(about_a))
    compared = client.get("/studies/cx/compare.json?variant=cx-b").get_json()
    row = next(r for r in compared["rows"] if r["measure"] == "time_on_task" and r["task"] == "about")
    assert row["a"] == about  # the same figure, interval and method as the summary
    variant = client.get("/studies/cx-b/summary.json").get_json()
    b_about = next(t for t in variant["tasks"] if t["key"] == "about")["time_on_task"]
    assert row["b"] == b_about and b_about["method"] == "geometric_mean_time_s"  # 4 times there
    about_b = [REST["about"].time_s] * 4  # cx-b's four participants all took 5 s
    assert b_about["value"] == pytest.approx(math.exp(np.mean(np.log(about_b))))
    # cx's participants tried "about" only: the headline pools that task alone (4 of cx-b's 12 attempts)
    assert compared["tasks"] == {"matched": ["about"], "a_only": [], "b_only": ["find", "buy"]}
    success = next(r for r in compared["headline"] if r["measure"] == "task_success")
    assert (success["subject"], success["a"]["n"], success["b"]["n"]) == ("matched tasks", 26, 4)
    assert compared["side_b"]["attempts"] == 12
    # the page shows the summary's centre, not a geometric mean of its own
    page = client.get("/studies/cx/compare?variant=cx-b").get_data(as_text=True)
    cell = next(r for k, r in rows_of(page).items() if k.startswith("Time on task") and "who runs Acme" in k)
    assert f"{np.median(about_a):.1f} s (n=26)" in cell


CES_1 = VARIANT.replace("questionnaires: [sus, umux_lite, nps, csat, ces]\n",
                        'questionnaires: [sus, umux_lite, nps, csat, ces]\nces_version: "1.0"\n')  # fmt: skip


def test_ces_1_and_ces_2_are_not_compared_and_each_says_its_version(app: Flask, tmp_path: Path) -> None:
    client = signed_in(app, tmp_path)
    with app.app_context():
        version = seed.load(get_session(), tmp_path, CES_1, "cx-b.yaml")
        for find, answers in zip(FIND_B, ANSWERS_B, strict=True):
            on_5 = {**answers, "ces": min(answers["ces"], 5) - 3}  # CES 1.0 answers 1..5
            seed.add_person(get_session(), version, seed.Person("desktop", {"find": find, **REST}, on_5))
    compared = client.get("/studies/cx/compare.json?variant=cx-b").get_json()
    assert compared["side_a"]["ces_version"] == "2.0" and compared["side_b"]["ces_version"] == "1.0"
    ces = next(r for r in compared["headline"] if r["measure"] == "ces")
    assert ces["test"] is None and ces["effect"] is None and not ces["significant"]
    assert (
        "CES 2.0 (1-7, higher is better)" in ces["note"] and "CES 1.0 (1-5, lower is better)" in ces["note"]
    )
    assert ces["a"]["unit"] == "rating_1_7" and ces["b"]["unit"] == "rating_1_5"
    expected_b = np.mean([min(a["ces"], 5) - 3 for a in ANSWERS_B])
    assert ces["b"]["value"] == pytest.approx(expected_b)
    page = client.get("/studies/cx/compare?variant=cx-b").get_data(as_text=True)
    assert (
        "not compared: A asks CES 2.0 (1-7, higher is better), B asks CES 1.0 (1-5, lower is better)" in page
    )
    assert ">CES 1.0</h3>" in client.get("/studies/cx-b/summary").get_data(as_text=True)


def test_summary_json_has_every_figure_metrics_md_defines(app: Flask, tmp_path: Path) -> None:
    """Best point estimate, the 78 % benchmark test, SEQ against 5.5, SUS sub-scores, UMUX-Lite on
    the SUS scale, CES share agreeing: each a figure, each computed here from the seeded answers."""
    client = signed_in(app, tmp_path)
    data = client.get("/studies/cx/summary.json").get_json()
    find = next(t for t in data["tasks"] if t["key"] == "find")
    tries = [p.tries["find"] for p in seed.PEOPLE]
    x = sum(t.outcome == "success" for t in tries)  # 4 of 6: the maximum-likelihood rule (0.5..0.9)
    assert find["best_point_estimate"]["value"] == pytest.approx(x / 6)
    assert find["best_point_estimate"]["note"] == "rule: mle"
    # one-sided mid-p exact binomial against 0.78 (fewer than 15 successes): P(X > 4) + P(X = 4) / 2
    mid_p = stats.binom.sf(x, 6, 0.78) + stats.binom.pmf(x, 6, 0.78) / 2
    assert find["versus_benchmark"]["p_value"] == pytest.approx(mid_p)
    assert find["versus_benchmark"]["benchmark"] == 0.78
    seq = [t.seq for t in tries]
    assert find["seq_vs_average"]["p_value"] == pytest.approx(stats.ttest_1samp(seq, 5.5).pvalue)
    details = data["questionnaire_details"]
    answers = [p.answers for p in seed.PEOPLE]
    # Lewis & Sauro 2009: items 4 and 10 (even items: 5 - rating) x 12.5
    learn = [((5 - a["sus_4"]) + (5 - a["sus_10"])) * 12.5 for a in answers]
    assert details["sus_learnability"]["value"] == pytest.approx(np.mean(learn))
    umux = [((a["umux_lite_1"] - 1) + (a["umux_lite_2"] - 1)) * 100 / 12 for a in answers]
    assert details["umux_lite_sus_equivalent"]["value"] == pytest.approx(0.65 * np.mean(umux) + 22.9)
    assert details["ces_favourable"]["value"] == pytest.approx(np.mean([a["ces"] >= 5 for a in answers]))
    assert details["ces_favourable"]["unit"] == "share"
    walk_figures(data)

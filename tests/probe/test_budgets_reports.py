"""Budgets over runs, exit codes, and the JSON / JUnit / Markdown writers (no browser needed)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml

from uxlab import probe_report
from uxlab.probe.measure import RunResult
from uxlab.probe.report import format_junit, format_markdown, format_table
from uxlab.probe.runner import PageTarget, Plan, finish_report, summarize_page
from uxlab.probe_report import Build, ProbeReport, TaskResult
from uxlab.scenarios import BUILTIN_PROFILES, Budget

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "probe-report-v1.schema.json"
DESKTOP = BUILTIN_PROFILES["desktop"]


def _run(lcp: float, fcp: float = 500.0, cls: float = 0.0) -> RunResult:
    metrics: dict[str, float | None] = {
        "ttfb_ms": 20.0,
        "fcp_ms": fcp,
        "lcp_ms": lcp,
        "cls": cls,
        "tbt_ms": 0.0,
        "dcl_ms": 100.0,
        "load_ms": 200.0,
        "requests": 3.0,
        "transfer_bytes": 9000.0,
    }
    return RunResult("http://x/", "desktop", metrics, 200, [], 0.2)


RUNS = [_run(1000), _run(3000, fcp=900), _run(2000, fcp=700)]  # LCP median 2000, best 1000, worst 3000


def _report(budgets: tuple[Budget, ...], task_ok: bool = True) -> ProbeReport:
    page = summarize_page(PageTarget("/", "http://x/", budgets), DESKTOP, RUNS)
    task = TaskResult(
        id="t1",
        profile="desktop",
        passed=task_ok,
        error=None if task_ok else "step 2 failed",
        steps=(),
        duration_ms=12.0,
        failed_step=None if task_ok else 2,
    )
    plan = Plan(pages=(), profiles=(DESKTOP,), runs=3, study="demo")
    return finish_report(plan, [page], [task], [], datetime.now(UTC), 1.0, 1)


@pytest.mark.parametrize(
    ("aggregate", "value", "passes_2500"),
    [("median", 2000.0, True), ("optimistic", 1000.0, True), ("pessimistic", 3000.0, False)],
)
@pytest.mark.parametrize("level", ["warn", "error"])
def test_budget_aggregation_and_level(aggregate: str, value: float, passes_2500: bool, level: str) -> None:
    report = _report((Budget("lcp_ms", max=2500, level=level, aggregate=aggregate),))
    (budget,) = report.pages[0].budgets
    assert budget.value == value
    assert budget.passed is passes_2500
    failed_error = not passes_2500 and level == "error"
    assert report.summary.exit_code == (1 if failed_error else 0)
    assert report.summary.budgets_failed_warn == (1 if not passes_2500 and level == "warn" else 0)


def test_score_budget_uses_min_and_best_is_highest() -> None:
    report = _report((Budget("score", min=0.99, level="error", aggregate="optimistic"),))
    page = report.pages[0]
    # Desktop, LCP 1000 / 2000 / 3000 ms with FCP 500-900, TBT 0, CLS 0: scores 1.0 > 0.9 > 0.7.
    scores = [r.score for r in page.runs]
    assert page.budgets[0].value == max(scores)
    assert scores[0] > scores[2] > scores[1]


def test_representative_run_and_ratings() -> None:
    page = _report(()).pages[0]
    assert page.representative_run == 2  # FCP 700 and LCP 2000 are both medians
    assert page.metrics["lcp_ms"] == 2000
    assert page.ratings["lcp_ms"] == "good"


def test_failed_task_path_exits_1() -> None:
    assert _report((), task_ok=False).summary.exit_code == 1
    assert _report(()).summary.exit_code == 0


def test_json_report_validates_against_published_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    report = _report((Budget("lcp_ms", max=2500), Budget("cls", max=0.1, level="warn")), task_ok=False)
    report = dataclasses.replace(report, build=Build("abc", "main", "2026-01-01T00:00:00Z"))
    data = json.loads(probe_report.dumps(report))
    jsonschema.validate(data, schema)
    assert probe_report.from_json(data) == report  # the contract reads back what the client wrote
    data["pages"][0]["budgets"][0]["aggregate"] = "mean"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_junit_is_accepted_by_a_junit_parser(tmp_path: Path) -> None:
    report = _report(
        (Budget("lcp_ms", max=2500, aggregate="pessimistic"), Budget("cls", max=0.1, level="warn")),
        task_ok=False,
    )
    path = tmp_path / "probe.xml"
    path.write_text(format_junit(report), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = {case.name: case for suite in xml for case in suite}
    assert set(cases) == {"/ lcp_ms pessimistic", "/ cls median", "t1 desktop"}
    assert not cases["/ lcp_ms pessimistic"].is_passed  # error budget failed
    assert cases["/ cls median"].is_passed  # passes (a warn budget never fails the report)
    assert not cases["t1 desktop"].is_passed
    assert xml.failures == 2


def test_table_and_markdown_name_failures() -> None:
    report = _report((Budget("lcp_ms", max=2500, aggregate="pessimistic"),), task_ok=False)
    table = format_table(report)
    assert "FAIL: lcp_ms pessimistic 3000 (budget <= 2500, error)" in table
    assert "FAIL: task t1 desktop: step 2 failed" in table
    markdown = format_markdown(report)
    assert markdown.startswith("## uxlab probe: demo")
    assert "| / | desktop |" in markdown

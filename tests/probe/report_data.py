"""Complete hand-written probe reports with the fields a test does not care about."""

from __future__ import annotations

import copy
from typing import Any

from uxlab.probe_report import METRICS, SCHEMA_VERSION

RUN = {"status": 200, "errors": [], "wall_s": 1.0, "score": None}
BUDGET = {"aggregate": "median", "level": "error", "max": None, "min": None, "value": None, "passed": True}
TOP = {
    "schema": SCHEMA_VERSION,
    "study": None,
    "started_at": "2026-11-25T12:00:00Z",
    "duration_s": 1.0,
    "concurrency": 1,
    "notes": [],
    "tasks": [],
}


def complete_report(partial: dict[str, Any]) -> dict[str, Any]:
    """Return ``partial`` with every required field the schema asks for filled in (a copy)."""
    report = {**TOP, **copy.deepcopy(partial)}
    for page in report.setdefault("pages", []):
        page.setdefault("url", "http://site.test" + page["path"])
        page.setdefault("form_factor", "mobile" if "mobile" in page["profile"] else "desktop")
        page["runs"] = [{**RUN, **run} for run in page["runs"]]
        for run in page["runs"]:
            run["metrics"] = {m: run["metrics"].get(m) for m in METRICS} | run["metrics"]
        page.setdefault("representative_run", 0)
        chosen = page["runs"][page["representative_run"]]
        page.setdefault("metrics", chosen["metrics"])
        page.setdefault("score", chosen["score"])
        page.setdefault("ratings", {})
        page["budgets"] = [{**BUDGET, **budget} for budget in page.get("budgets", [])]
    # A report's runs is every page's number of runs (the server refuses a report that disagrees).
    report.setdefault("runs", len(report["pages"][0]["runs"]) if report["pages"] else 1)
    failed = [b for p in report["pages"] for b in p["budgets"] if not b["passed"]]
    errors = sum(1 for b in failed if b["level"] == "error")
    report.setdefault(
        "summary",
        {
            "pages": len(report["pages"]),
            "budgets_failed_error": errors,
            "budgets_failed_warn": len(failed) - errors,
            "tasks_failed": 0,
            "exit_code": 1 if errors else 0,
        },
    )
    return report

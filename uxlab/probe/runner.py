"""Run a probe plan: N runs per page and profile, then scores, ratings, budgets, task paths."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.async_api import Browser

from uxlab.errors import ProbeError
from uxlab.metrics import pagespeed
from uxlab.probe.measure import RunResult, measure, warm_up
from uxlab.probe.paths import run_task_path
from uxlab.scenarios import Budget, Profile, Scenario, TaskSpec

SCHEMA_VERSION = "uxlab-probe/1"
CONCURRENCY_NOTE = "pages ran concurrently in one browser: their timings disturb each other"
SI_NOTE = "Speed Index is not measured: the score renormalizes the other Lighthouse weights"


@dataclass(frozen=True)
class PageTarget:
    """One page to probe: its label (path), absolute URL and budgets."""

    path: str
    url: str
    budgets: tuple[Budget, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What one probe run does."""

    pages: tuple[PageTarget, ...]
    profiles: tuple[Profile, ...]
    runs: int = 3
    tasks: tuple[TaskSpec, ...] = ()
    site_url: str = ""
    study: str | None = None


def plan_from_scenario(scenario: Scenario, server_url: str = "", runs: int | None = None) -> Plan:
    """Build a plan from a scenario's ``probe:`` section and its tasks' ideal paths."""
    if scenario.site.is_local and not server_url:
        raise ProbeError(
            f"the study's site is {scenario.site.base_url} on a uxlab server: pass --server http://HOST:PORT"
        )
    spec = scenario.probe
    pages: tuple[PageTarget, ...] = ()
    profiles: tuple[Profile, ...] = ()
    if spec is not None:
        pages = tuple(
            PageTarget(p.path, scenario.site.url_for(p.path, server_url), spec.budgets_for(p))
            for p in spec.pages
        )
        profiles = spec.resolved_profiles()
    from uxlab.scenarios import BUILTIN_PROFILES

    return Plan(
        pages=pages,
        profiles=profiles or (BUILTIN_PROFILES["desktop"],),
        runs=runs or (spec.runs if spec else 3),
        tasks=tuple(t for t in scenario.tasks if t.ideal_path),
        site_url=scenario.site.url_for("/", server_url).rstrip("/"),
        study=scenario.slug,
    )


def run_score(run: RunResult, form_factor: str) -> float | None:
    """Return the run's Lighthouse-compatible performance score (None without FCP/LCP)."""
    values = {k: run.metrics.get(k) for k in ("fcp_ms", "lcp_ms", "tbt_ms", "cls")}
    if any(v is None for v in values.values()):
        return None
    return pagespeed.performance_score(values, form_factor).score


def check_budget(budget: Budget, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate the budget's metric over the runs and compare it with the limits."""
    key = "score"
    values = [r[key] if budget.metric == key else r["metrics"].get(budget.metric) for r in runs]
    present = [float(v) for v in values if v is not None]
    value = pagespeed.aggregate(present, budget.aggregate, budget.metric) if present else None
    return {
        "metric": budget.metric,
        "aggregate": budget.aggregate,
        "level": budget.level,
        "max": budget.max,
        "min": budget.min,
        "value": value,
        "passed": value is not None and budget.passes(value),
    }


def summarize_page(target: PageTarget, profile: Profile, runs: list[RunResult]) -> dict[str, Any]:
    """Return the page-profile result: runs, representative run, score, ratings, budgets."""
    form_factor = "mobile" if profile.mobile else "desktop"
    run_dicts = [{**r.to_dict(), "score": run_score(r, form_factor)} for r in runs]
    fcp = [r.metrics.get("fcp_ms") or 0.0 for r in runs]
    lcp = [r.metrics.get("lcp_ms") or 0.0 for r in runs]
    rep = pagespeed.representative_run(fcp, lcp)
    metrics = runs[rep].metrics
    ratings = {
        m: pagespeed.cwv_rating(m, float(v))
        for m, v in metrics.items()
        if m in pagespeed.CWV_THRESHOLDS and v is not None
    }
    return {
        "path": target.path,
        "url": target.url,
        "profile": profile.name,
        "form_factor": form_factor,
        "runs": run_dicts,
        "representative_run": rep,
        "metrics": metrics,
        "score": run_dicts[rep]["score"],
        "ratings": ratings,
        "budgets": [check_budget(b, run_dicts) for b in target.budgets],
    }


ProgressFn = Callable[[int, int, str], None]


async def execute(
    browser: Browser,
    plan: Plan,
    *,
    concurrency: int = 1,
    progress: ProgressFn | None = None,
    artifacts: Path | None = None,
) -> dict[str, Any]:
    """Run the plan in ``browser`` and return the report (see docs/probe-report.schema.json)."""
    if plan.runs < 1 or plan.runs % 2 == 0:
        raise ProbeError(f"runs must be an odd number, got {plan.runs}")
    started = datetime.now(UTC)
    clock = time.perf_counter()
    jobs = [(t, p, i) for t in plan.pages for p in plan.profiles for i in range(plan.runs)]
    total = len(jobs) + len(plan.tasks) * len(plan.profiles)
    done = 0
    gate = asyncio.Semaphore(max(1, concurrency))
    results: dict[tuple[str, str], list[RunResult]] = {}

    async def one(target: PageTarget, profile: Profile, index: int) -> None:
        nonlocal done
        async with gate:
            run = await measure(browser, target.url, profile)
        results.setdefault((target.url, profile.name), []).append(run)
        done += 1
        if progress:
            progress(done, total, f"{target.path} {profile.name} run {index + 1}/{plan.runs}")

    if jobs:
        await warm_up(browser, jobs[0][0].url, jobs[0][1])
    tasks = [asyncio.ensure_future(one(*job)) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    pages = [summarize_page(t, p, results[(t.url, p.name)]) for t in plan.pages for p in plan.profiles]
    paths = []
    for spec in plan.tasks:  # in every profile: a phone layout can break a path a desktop passes
        for profile in plan.profiles:
            paths.append(await run_task_path(browser, plan.site_url, spec, profile, artifacts))
            done += 1
            if progress:
                progress(done, total, f"task {spec.id} {profile.name}")
    notes = [SI_NOTE] if pages else []
    if concurrency > 1:
        notes.append(CONCURRENCY_NOTE)
    return finish_report(plan, pages, paths, notes, started, time.perf_counter() - clock, concurrency)


def finish_report(
    plan: Plan,
    pages: list[dict[str, Any]],
    paths: list[dict[str, Any]],
    notes: list[str],
    started: datetime,
    duration_s: float,
    concurrency: int,
) -> dict[str, Any]:
    """Assemble the report and its summary with the exit code (1: error budget or task path failed)."""
    failed = [b for page in pages for b in page["budgets"] if not b["passed"]]
    errors = sum(1 for b in failed if b["level"] == "error")
    tasks_failed = sum(1 for t in paths if not t["passed"])
    return {
        "schema": SCHEMA_VERSION,
        "study": plan.study,
        "started_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "duration_s": round(duration_s, 3),
        "runs": plan.runs,
        "concurrency": concurrency,
        "notes": notes,
        "pages": pages,
        "tasks": paths,
        "summary": {
            "pages": len(pages),
            "budgets_failed_error": errors,
            "budgets_failed_warn": len(failed) - errors,
            "tasks_failed": tasks_failed,
            "exit_code": 1 if errors or tasks_failed else 0,
        },
    }

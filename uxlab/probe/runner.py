"""Run a probe plan: N runs per page and profile, then scores, ratings, budgets, task paths."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import Browser, Page

from uxlab.errors import ProbeError
from uxlab.probe.measure import RunResult, measure, warm_up
from uxlab.probe.paths import run_task_path
from uxlab.probe_report import (
    SCORE_PRECISION,
    BudgetResult,
    PageResult,
    ProbeReport,
    Run,
    Summary,
    TaskResult,
    round_metric,
)
from uxlab.scenarios import Budget, Profile, Scenario, TaskSpec

CONCURRENCY_NOTE = "pages ran concurrently in one browser: their timings disturb each other"
SI_NOTE = (
    "Speed Index was not measured in some runs (no frame painted): their score renormalizes the other weights"
)


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
        runs=runs if runs is not None else (spec.runs if spec else 3),
        tasks=tuple(t for t in scenario.tasks if t.ideal_path),
        site_url=scenario.site.url_for("/", server_url).rstrip("/"),
        study=scenario.slug,
    )


def run_score(run: RunResult, form_factor: str) -> float | None:
    """Return the run's Lighthouse-compatible performance score (None without FCP/LCP/TBT/CLS).

    All five of Lighthouse's weights; a run without Speed Index (no frame painted) scores
    on the other four, renormalized (the report's notes say so).
    """
    from uxlab.metrics import pagespeed  # numpy: imported after the browser launched, not before

    values = {k: run.metrics.get(k) for k in ("fcp_ms", "lcp_ms", "tbt_ms", "cls")}
    if any(v is None for v in values.values()):
        return None
    if run.metrics.get("si_ms") is not None:
        values["si_ms"] = run.metrics["si_ms"]
    return round(pagespeed.performance_score(values, form_factor).score, SCORE_PRECISION)


def check_budget(budget: Budget, runs: tuple[Run, ...]) -> BudgetResult:
    """Aggregate the budget's metric over the runs and compare it with the limits."""
    from uxlab.metrics import pagespeed

    values = [r.score if budget.metric == "score" else r.metrics.get(budget.metric) for r in runs]
    present = [float(v) for v in values if v is not None]
    value = pagespeed.aggregate(present, budget.aggregate, budget.metric) if present else None
    if value is not None:  # the median of an odd count is a run's value; a mean would need rounding
        value = (
            round(value, SCORE_PRECISION) if budget.metric == "score" else round_metric(budget.metric, value)
        )
    return BudgetResult(
        metric=budget.metric,
        aggregate=budget.aggregate,
        level=budget.level,
        max=budget.max,
        min=budget.min,
        value=value,
        passed=value is not None and budget.passes(value),
    )


def summarize_page(target: PageTarget, profile: Profile, results: list[RunResult]) -> PageResult:
    """Return the page-profile result: runs, representative run, score, ratings, budgets."""
    from uxlab.metrics import pagespeed

    form_factor = "mobile" if profile.mobile else "desktop"
    runs = tuple(
        Run(r.metrics, r.status, tuple(r.errors), round(r.wall_s, 3), run_score(r, form_factor))
        for r in results
    )
    fcp = [r.metrics.get("fcp_ms") or 0.0 for r in results]
    lcp = [r.metrics.get("lcp_ms") or 0.0 for r in results]
    rep = pagespeed.representative_run(fcp, lcp)
    metrics = runs[rep].metrics
    ratings = {
        m: pagespeed.cwv_rating(m, float(v))
        for m, v in metrics.items()
        if m in pagespeed.CWV_THRESHOLDS and v is not None
    }
    return PageResult(
        path=target.path,
        url=target.url,
        profile=profile.name,
        form_factor=form_factor,
        runs=runs,
        representative_run=rep,
        metrics=metrics,
        score=runs[rep].score,
        ratings=ratings,
        budgets=tuple(check_budget(b, runs) for b in target.budgets),
    )


ProgressFn = Callable[[int, int, str], None]


async def execute(
    browsers: Browser | Sequence[Browser],
    plan: Plan,
    *,
    concurrency: int = 1,
    progress: ProgressFn | None = None,
    artifacts: Path | None = None,
) -> ProbeReport:
    """Run the plan and return the report (see uxlab/probe_report.py).

    With several browsers, up to one run per browser is in flight, but at most
    ``concurrency`` of them load a page (navigation to load event) or compute Speed Index
    at a time; the others sit in their observation windows (load + 1 s and the quiet
    windows, uxlab.probe.window), which mostly wait. So the windows overlap and the loads
    do not (with the default ``concurrency`` 1). Each browser loads a page once unmeasured first.
    """
    if plan.runs < 1 or plan.runs % 2 == 0:
        raise ProbeError(f"runs must be an odd number, got {plan.runs}")
    pool_list = [browsers] if isinstance(browsers, Browser) else list(browsers)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    pairs = [(t, p) for t in plan.pages for p in plan.profiles]
    jobs = [(n, t, p, i) for n, (t, p) in enumerate(pairs) for i in range(plan.runs)]
    total = len(jobs) + len(plan.tasks) * len(plan.profiles)
    done = 0
    gate = asyncio.Semaphore(max(1, concurrency))
    pool: asyncio.Queue[tuple[Browser, Page]] = asyncio.Queue()
    # Runs are kept per page-profile pair, not per URL: two entries with one URL stay apart.
    found: list[list[RunResult | None]] = [[None] * plan.runs for _ in pairs]

    async def one(pair: int, target: PageTarget, profile: Profile, index: int) -> None:
        nonlocal done
        browser, decoder = await pool.get()
        try:
            run = await measure(browser, target.url, profile, gate=gate, decoder=decoder)
        finally:
            pool.put_nowait((browser, decoder))
        found[pair][index] = run  # in run order, whichever run finishes first
        done += 1
        if progress:
            progress(done, total, f"{target.path} {profile.name} run {index + 1}/{plan.runs}")

    # numpy and the metric modules load now, after the browser launch, not while a run's page loads.
    from uxlab.metrics import pagespeed, speed_index  # noqa: F401

    # Each browser's decoding page opens while the browsers warm up (both unmeasured); no
    # measured run starts before every warm-up load has ended.
    warm_ups = [warm_up(b, pairs[0][0].url, pairs[0][1]) for b in pool_list] if jobs else []
    blank = [_blank_page(b) for b in pool_list] if jobs else []
    ready = await asyncio.gather(*blank, *warm_ups, return_exceptions=True)
    decoders: list[Page] = [d for d in ready[: len(blank)] if isinstance(d, Page)]
    tasks: list[asyncio.Future[None]] = []
    try:
        failed = next((r for r in ready if isinstance(r, BaseException)), None)
        if failed is not None:
            raise failed
        # One slot per run in flight; with fewer browsers than ``concurrency`` runs share one.
        for slot in list(zip(pool_list[: len(decoders)], decoders, strict=True)) * -(
            -concurrency // len(pool_list)
        ):
            pool.put_nowait(slot)
        tasks = [asyncio.ensure_future(one(*job)) for job in jobs]
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*(d.context.close() for d in decoders), return_exceptions=True)
    results = [[r for r in runs if r is not None] for runs in found]
    pages = [summarize_page(t, p, runs) for (t, p), runs in zip(pairs, results, strict=True)]
    paths: list[TaskResult] = []
    for spec in plan.tasks:  # in every profile: a phone layout can break a path a desktop passes
        for profile in plan.profiles:
            paths.append(await run_task_path(pool_list[0], plan.site_url, spec, profile, artifacts))
            done += 1
            if progress:
                progress(done, total, f"task {spec.id} {profile.name}")
    notes = [SI_NOTE] if any(r.metrics.get("si_ms") is None for runs in results for r in runs) else []
    if concurrency > 1:
        notes.append(CONCURRENCY_NOTE)
    return finish_report(plan, pages, paths, notes, started, time.perf_counter() - clock, concurrency)


async def _blank_page(browser: Browser) -> Page:
    """A page in a context of its own where a browser's runs decode their screenshots."""
    context = await browser.new_context()
    return await context.new_page()


def finish_report(
    plan: Plan,
    pages: list[PageResult],
    paths: list[TaskResult],
    notes: list[str],
    started: datetime,
    duration_s: float,
    concurrency: int,
) -> ProbeReport:
    """Assemble the report and its summary with the exit code (1: error budget or task path failed)."""
    failed = [b for page in pages for b in page.budgets if not b.passed]
    errors = sum(1 for b in failed if b.level == "error")
    tasks_failed = sum(1 for t in paths if not t.passed)
    summary = Summary(
        pages=len(pages),
        budgets_failed_error=errors,
        budgets_failed_warn=len(failed) - errors,
        tasks_failed=tasks_failed,
        exit_code=1 if errors or tasks_failed else 0,
    )
    return ProbeReport(
        study=plan.study,
        started_at=started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        duration_s=round(duration_s, 3),
        runs=plan.runs,
        concurrency=concurrency,
        notes=tuple(notes),
        pages=tuple(pages),
        tasks=tuple(paths),
        summary=summary,
    )

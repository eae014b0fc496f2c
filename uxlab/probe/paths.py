"""Task-path probes: walk a task's ideal path and check its success criterion."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page
from playwright.async_api import Error as PlaywrightError

from uxlab.probe.measure import context_options, unreachable
from uxlab.probe_report import Step, TaskResult
from uxlab.scenarios import Profile, TaskSpec, normalize_answer
from uxlab.scenarios import Step as PathStep

STEP_TIMEOUT_MS = 5000


async def _do_step(page: Page, site_url: str, step: PathStep) -> None:
    if step.action == "click":
        await page.locator(step.target).first.click(timeout=STEP_TIMEOUT_MS)
        await page.wait_for_load_state("load", timeout=STEP_TIMEOUT_MS)
    elif step.action == "goto":
        response = await page.goto(site_url + step.target, wait_until="load", timeout=STEP_TIMEOUT_MS)
        if response is not None and response.status >= 400:
            raise AssertionError(f"{step.target} answered HTTP {response.status}")
    elif step.action == "expect_text":
        await page.get_by_text(step.target).first.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    else:
        raise AssertionError(f"unknown step action {step.action!r}")


async def _criterion_met(page: Page, site_url: str, task: TaskSpec) -> str | None:
    """Return None when the task's success criterion holds on the final page, else why not."""
    crit = task.success
    if crit.kind == "url":
        base = urlsplit(site_url).path.rstrip("/")
        parts = urlsplit(page.url)
        rel = parts.path[len(base) :] if parts.path.startswith(base) else parts.path
        rel = (rel or "/") + (f"?{parts.query}" if parts.query else "")
        return None if crit.matches_path(rel) else f"ended on {rel}, which does not match the success URL"
    if crit.kind == "click":
        clicked = any(s.action == "click" and s.target == crit.selector for s in task.ideal_path)
        if clicked or await page.locator(crit.selector).count():
            return None
        return f"no element matches {crit.selector}"
    if crit.kind == "answer":
        text = normalize_answer(await page.inner_text("body"))
        if any(normalize_answer(a) in text for a in crit.accepted if normalize_answer(a)):
            return None
        return "no accepted answer is shown on the final page"
    return None


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return re.sub(r"\s+", " ", text)[:300]


async def run_task_path(
    browser: Browser, site_url: str, task: TaskSpec, profile: Profile, artifacts: Path | None
) -> TaskResult:
    """Walk ``task``'s ideal path from its start page; on failure name the step and screenshot it.

    The path runs at the profile's screen size (viewport, pixel ratio, touch) but without its
    network or CPU throttling: it checks that the path works on that layout, and its step
    times are not speed figures (budgets judge the page-speed runs).
    """
    context = await browser.new_context(**context_options(profile))
    steps: list[Step] = []
    failed_step: int | None = None
    screenshot: str | None = None
    started = time.perf_counter()
    try:
        page = await context.new_page()
        start = site_url + task.start
        try:
            await page.goto(start, wait_until="load", timeout=STEP_TIMEOUT_MS * 2)
        except PlaywrightError as exc:
            raise unreachable(start, exc) from None
        error: str | None = None
        for number, step in enumerate(task.ideal_path, start=1):
            t0 = time.perf_counter()
            try:
                await _do_step(page, site_url, step)
            except (PlaywrightError, AssertionError) as exc:
                error = f"step {number} ({step.action}: {step.target}) failed: {_reason(exc)}"
            took_ms = round((time.perf_counter() - t0) * 1000, 1)
            steps.append(Step(step.action, step.target, error is None, took_ms))
            if error:
                failed_step = number
                break
        if error is None:
            why = await _criterion_met(page, site_url, task)
            if why:
                error = f"success criterion not met: {why}"
        if error and artifacts is not None:
            artifacts.mkdir(parents=True, exist_ok=True)
            shot = artifacts / f"task-{task.id}-{profile.name}.png"
            await page.screenshot(path=str(shot), full_page=True)
            screenshot = str(shot)
    finally:
        await context.close()
    return TaskResult(
        id=task.id,
        profile=profile.name,
        passed=error is None,
        error=error,
        steps=tuple(steps),
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        failed_step=failed_step,
        screenshot=screenshot,
    )

"""Judge an attempt from its events: outcome, time on task, path, direct success.

Success is decided on the server from events (DESIGN.md, "Success detection"):
``url`` a page view whose path relative to the site base matches; ``click`` a click whose
reported ``selectors`` include the criterion's selector; ``answer`` an answer event that
``matches_answer``; ``self_report`` a "done" event. "Done" (or a wrong answer) without
success ends the attempt as ``failure``; "Give up" as ``give_up``; the time limit as
``timeout`` (sent by the tracker, or decided here when an attempt past its limit plus
CLOCK_TOLERANCE_S is next touched).

Time on task runs from Start (``Attempt.started_at``) to the ending event. The client's
time (the event's ``t``, ms since Start) is used when it agrees with the server's receive
time since ``started_at`` within CLOCK_TOLERANCE_S; otherwise the client's value is
rejected and the server's used. A timeout counts the whole time limit.

Direct success (``Attempt.direct``): a success whose page views never return to a page
already seen (no back-tracking or loops, query strings ignored) and number no more than
the ideal path needs: the start page plus one per ``click``/``goto`` step (less the final
click of a ``click`` task, which succeeds before any page view follows). False for
attempts that did not succeed; None for a success on a task without an ideal path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from uxlab.event_input import EventIn, strip_url
from uxlab.models import Attempt, ParticipantSession, Study, Task
from uxlab.scenarios import Scenario, TaskSpec

OUTCOMES = ("success", "failure", "give_up", "timeout")


@dataclass(frozen=True)
class Limits:
    """The recording settings (MAX_EVENTS_PER_MINUTE, CLOCK_TOLERANCE_S)."""

    max_events_per_minute: int = 600
    clock_tolerance_s: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(int(config["MAX_EVENTS_PER_MINUTE"]), float(config["CLOCK_TOLERANCE_S"]))


@dataclass
class AttemptContext:
    """An attempt with everything needed to judge it."""

    attempt: Attempt
    task: Task
    session: ParticipantSession
    study: Study
    scenario: Scenario
    spec: TaskSpec

    @property
    def next_url(self) -> str:
        """The SEQ page that follows this task: ``/s/<slug>/task/<n>/seq`` (n is 1-based)."""
        number = self.session.task_order.index(self.task.key) + 1
        return f"/s/{self.scenario.slug}/task/{number}/seq"


def utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken to be UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def seconds_between(start: datetime, end: datetime) -> float:
    return (utc(end) - utc(start)).total_seconds()


def elapsed_s(ctx: AttemptContext, client_ms: float | None, now: datetime, tolerance_s: float) -> float:
    """Return the client's time since Start if it agrees with the server's within the tolerance."""
    server_s = seconds_between(ctx.attempt.started_at, now)
    if client_ms is not None and abs(client_ms / 1000 - server_s) <= tolerance_s:
        return client_ms / 1000
    return max(server_s, 0.0)


def apply_event(ctx: AttemptContext, event: EventIn, now: datetime, limits: Limits) -> None:
    """Update the attempt with one new event and end it when the event decides the outcome."""
    attempt, criterion = ctx.attempt, ctx.spec.success
    took_s = elapsed_s(ctx, event.t_ms, now, limits.clock_tolerance_s)
    if took_s > ctx.spec.time_limit_s:
        finish(ctx, "timeout", ctx.spec.time_limit_s, now)
        return
    outcome: str | None = None
    if event.type == "pageview":
        url = strip_url(event.url)
        relative = ctx.scenario.site.relative_path(url)
        attempt.path = [*attempt.path, relative if relative is not None else url]
        outcome = "success" if relative is not None and criterion.matches_path(relative) else None
    elif event.type == "click":
        attempt.click_count += 1
        outcome = "success" if criterion.matches_click(event.selectors) else None
    elif event.type in ("answer", "done"):
        if event.type == "answer":
            attempt.answer = event.answer
        success = (
            criterion.matches_answer(event.answer)
            if criterion.kind == "answer"
            else criterion.kind == "self_report"
        )
        outcome = "success" if success else "failure"
    else:  # give_up, timeout
        outcome = event.type
    if outcome is not None:
        finish(ctx, outcome, ctx.spec.time_limit_s if outcome == "timeout" else took_s, now)


def expire(ctx: AttemptContext, now: datetime, limits: Limits) -> bool:
    """End a running attempt past its time limit plus the clock tolerance as timeout."""
    overdue = seconds_between(ctx.attempt.started_at, now) > ctx.spec.time_limit_s + limits.clock_tolerance_s
    if ctx.attempt.ended_at is None and overdue:
        finish(ctx, "timeout", ctx.spec.time_limit_s, now)
        return True
    return False


def is_direct(path: list[str], spec: TaskSpec) -> bool | None:
    """Apply the direct-success rule of the module docstring to a successful attempt's path."""
    if not spec.ideal_path:
        return None
    pages = [(p.split("?", 1)[0].rstrip("/") or "/") for p in path]
    steps = sum(1 for step in spec.ideal_path if step.action in ("click", "goto"))
    if spec.success.kind == "click" and spec.ideal_path[-1].action == "click":
        steps -= 1  # the final click is the success itself: no page view follows before it
    return len(set(pages)) == len(pages) and len(pages) <= steps + 1


def finish(ctx: AttemptContext, outcome: str, time_on_task_s: float, now: datetime) -> None:
    """End the attempt with ``outcome``; direct success is judged from its path."""
    attempt = ctx.attempt
    attempt.outcome = outcome
    attempt.ended_at = now
    attempt.time_on_task_s = round(time_on_task_s, 3)
    attempt.direct = is_direct(attempt.path, ctx.spec) if outcome == "success" else False

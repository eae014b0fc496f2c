"""Judge an attempt from its events: outcome, time on task, path, direct success.

Success is decided on the server from events (criteria as in the README, "Scenario files"):
``url`` a page view whose path relative to the site base matches; ``click`` a click whose
reported ``selectors`` include the criterion's selector; ``answer`` an answer event that
``matches_answer``; ``self_report`` a "done" event. "Done" (or a wrong answer) without
success ends the attempt as ``failure``; "Give up" as ``give_up``; the time limit as
``timeout``, by the one deadline rule of ``past_deadline`` on every path that can end an
attempt (a tracker event, the tracker asking for the state, a study page, an SEQ or
questionnaire post). The task's settings come from its ``TaskSpec``; the recording
settings (CLOCK_TOLERANCE_S, MAX_EVENTS_PER_MINUTE) from the settings table, through
``Limits.from_config``.

Time on task runs from Start (``Attempt.started_at``) to the ending event, and is the
participant's time, not the network's. The client's time (the event's ``t``, ms since Start
on the tab's monotonic clock) is used when the client's clock agrees with the server's:
either the batch's send time (``sent``, on the same clock) is within CLOCK_TOLERANCE_S of
the server's receive time since ``started_at`` and ``t`` is not after it (a late delivery:
the events waited offline), or ``t`` itself is within the tolerance of the receive time (a
tracker that does not say when it sent). Otherwise the client's clock runs fast or slow, and
the server's receive time is used. A request held in transit longer than CLOCK_TOLERANCE_S
looks like a slow clock (its ``sent`` lags the server's time) and is timed the same way, its
delay included: one send time cannot tell the two apart, and trusting a lagging ``sent``
would time a clock set back between pages (tracker clocks are the page's time origin plus
its monotonic time) as near 0 s. The README says so, with the remedy (a larger tolerance).

A timeout counts the whole time limit; the tracker's ``timeout`` event ends the attempt only
when its time so judged is at least the limit less CLOCK_TOLERANCE_S (a tab whose clock
jumped forward sends one early: it does not count).

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
from typing import Any, Protocol

from flask import current_app

from uxlab.models import Attempt, ParticipantSession, Study, Task, whole_ms
from uxlab.participants.events import EventIn, strip_url
from uxlab.scenarios import Scenario, TaskSpec

OUTCOMES = ("success", "failure", "give_up", "timeout")


@dataclass(frozen=True)
class Limits:
    """The recording settings, as the settings table (``uxlab/config.py``) gives them."""

    max_events_per_minute: int
    clock_tolerance_s: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            max_events_per_minute=int(config["MAX_EVENTS_PER_MINUTE"]),
            clock_tolerance_s=float(config["CLOCK_TOLERANCE_S"]),
        )


def app_limits() -> Limits:
    """The recording settings of the app handling the request (or command)."""
    return Limits.from_config(current_app.config)


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
    def place(self) -> dict[str, int]:
        """Which task of how many this is, for the task bar (1-based)."""
        order = self.session.task_order
        return {"task_number": order.index(self.task.key) + 1, "task_count": len(order)}

    @property
    def next_url(self) -> str:
        """The SEQ page that follows this task: ``/s/<slug>/task/<n>/seq`` (n is 1-based)."""
        number = self.session.task_order.index(self.task.key) + 1
        return f"/s/{self.scenario.slug}/task/{number}/seq"


class AttemptFields(Protocol):
    """What judging reads and changes on an attempt: an ``Attempt``, or the events API's row."""

    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    time_on_task_ms: int | None
    path: list[str]
    click_count: int
    direct: bool | None
    answer: str | None
    abandoned: bool


class Judged(Protocol):
    """An attempt with its task's settings: an ``AttemptContext``, or the events API's own."""

    @property
    def attempt(self) -> AttemptFields: ...

    @property
    def scenario(self) -> Scenario: ...

    @property
    def spec(self) -> TaskSpec: ...


def utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken to be UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def seconds_between(start: datetime, end: datetime) -> float:
    return (utc(end) - utc(start)).total_seconds()


def elapsed_s(
    ctx: Judged,
    client_ms: float | None,
    now: datetime,
    tolerance_s: float,
    sent_ms: float | None = None,
) -> float:
    """Return the client's time since Start when its clock agrees with the server's (module docstring)."""
    server_s = seconds_between(ctx.attempt.started_at, now)
    if client_ms is not None:
        late = sent_ms is not None and client_ms <= sent_ms and abs(sent_ms / 1000 - server_s) <= tolerance_s
        if late or abs(client_ms / 1000 - server_s) <= tolerance_s:
            return client_ms / 1000
    return max(server_s, 0.0)


def past_deadline(ctx: Judged, now: datetime, limits: Limits, task_time_s: float | None = None) -> bool:
    """The deadline rule, for every path that can end an attempt as a timeout.

    With an event (``task_time_s``, its time on task from ``elapsed_s``): that time is past
    the task's ``time_limit_s``. Without one: the server's time since Start is past the
    limit plus CLOCK_TOLERANCE_S, the allowance for an event sent before the limit that is
    still on its way.
    """
    if task_time_s is not None:
        return task_time_s > ctx.spec.time_limit_s
    return seconds_between(ctx.attempt.started_at, now) > ctx.spec.time_limit_s + limits.clock_tolerance_s


def apply_event(
    ctx: Judged, event: EventIn, now: datetime, limits: Limits, sent_ms: float | None = None
) -> bool:
    """Update the attempt with one new event (of a batch sent at ``sent_ms``); end it if it decides.

    Return whether the event counts (``judge_batch`` stores only those): not one past the
    time limit (it ends the attempt as a timeout), nor a ``timeout`` event before the limit.
    """
    attempt, criterion = ctx.attempt, ctx.spec.success
    took_s = elapsed_s(ctx, event.t_ms, now, limits.clock_tolerance_s, sent_ms)
    if past_deadline(ctx, now, limits, took_s):
        finish(ctx, "timeout", ctx.spec.time_limit_s, now)
        return event.type == "timeout"
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
    elif event.type == "timeout" and took_s < ctx.spec.time_limit_s - limits.clock_tolerance_s:
        return False  # early: a tab whose clock jumped forward; the server's deadline rules
    else:  # give_up, timeout
        outcome = event.type
    if outcome is not None:
        finish(ctx, outcome, ctx.spec.time_limit_s if outcome == "timeout" else took_s, now)
    return True


def judge_batch(
    ctx: Judged, events: list[EventIn], now: datetime, limits: Limits, sent_ms: float | None
) -> set[str]:
    """Judge a batch's events in order while the attempt runs; return the ids of those that count.

    Only those are stored (``uxlab.participants.ingest``), so the stored events and the path
    and click count always agree: an event that finds the time limit passed ends the attempt
    without counting, a ``timeout`` event before the limit changes nothing, and the events
    after an end in the same batch are acknowledged (not sent again) but not stored, as a
    batch sent after the end is refused (410).
    """
    counted: set[str] = set()
    for event in events:
        if ctx.attempt.ended_at is not None:
            break
        if apply_event(ctx, event, now, limits, sent_ms):
            counted.add(event.id)
    expire(ctx, now, limits)
    return counted


def expire(ctx: Judged, now: datetime, limits: Limits, *, abandoned: bool = False) -> bool:
    """End a running attempt past its deadline (``past_deadline``, no event) as a timeout.

    ``abandoned``: no tracker is there to see it (the sweep, a study page, a report), so the
    tab was closed or offline at the limit; a tracker asking or sending after it is not.
    """
    if ctx.attempt.ended_at is None and past_deadline(ctx, now, limits):
        finish(ctx, "timeout", ctx.spec.time_limit_s, now)
        ctx.attempt.abandoned = abandoned
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


def finish(ctx: Judged, outcome: str, time_on_task_s: float, now: datetime) -> None:
    """End the attempt with ``outcome``; direct success is judged from its path."""
    attempt = ctx.attempt
    attempt.outcome = outcome
    attempt.ended_at = now
    attempt.time_on_task_ms = whole_ms(time_on_task_s)
    attempt.direct = is_direct(attempt.path, ctx.spec) if outcome == "success" else False


def time_left_s(attempt: Attempt | None, spec: TaskSpec, now: datetime) -> float | None:
    """Seconds left of a running attempt (0 when its time is up); None before Start or after the end."""
    if attempt is None or attempt.ended_at is not None:
        return None
    return max(0.0, spec.time_limit_s - seconds_between(attempt.started_at, now))

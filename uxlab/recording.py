"""Attempts and their events: start an attempt, record tracker events, decide the outcome.

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

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from uxlab.errors import BadRequest, Conflict, Forbidden, Gone, NotFound, TooManyRequests
from uxlab.event_input import EventIn, parse_events, strip_url
from uxlab.models import Attempt, Event, ParticipantSession, Study, StudyVersion, Task, utcnow
from uxlab.scenarios import Scenario, TaskSpec

OUTCOMES = ("success", "failure", "give_up", "timeout")
_SCENARIOS: dict[str, Scenario] = {}


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


def _utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken to be UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def seconds_between(start: datetime, end: datetime) -> float:
    return (_utc(end) - _utc(start)).total_seconds()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def scenario_of(version: StudyVersion) -> Scenario:
    """Return the validated scenario of a version (cached by its content hash)."""
    found = _SCENARIOS.get(version.content_hash) if version.content_hash else None
    if found is None:
        found = Scenario.from_dict(version.scenario)
        if len(_SCENARIOS) > 256:
            _SCENARIOS.clear()
        if version.content_hash:
            _SCENARIOS[version.content_hash] = found
    return found


def start_attempt(db: Session, participant_session: ParticipantSession, task: Task) -> Attempt:
    """Create and commit an attempt with a fresh one-time token; time on task starts now."""
    assert participant_session.id is not None and task.id is not None
    attempt = Attempt(
        session_id=participant_session.id,
        task_id=task.id,
        token=secrets.token_urlsafe(24),
        started_at=utcnow(),
    )
    db.add(attempt)
    db.commit()
    return attempt


def start_url(db: Session, attempt: Attempt, server_url: str) -> str:
    """Return the task's start page with ``#uxlab=<token>@<server origin>`` for the tracker."""
    ctx = context(db, attempt)
    page = ctx.scenario.site.url_for(ctx.spec.start, server_url)
    return f"{page}#uxlab={attempt.token}@{origin_of(server_url)}"


def context(db: Session, attempt: Attempt) -> AttemptContext:
    task = db.get(Task, attempt.task_id)
    session = db.get(ParticipantSession, attempt.session_id)
    version = db.get(StudyVersion, task.study_version_id) if task else None
    study = db.get(Study, version.study_id) if version else None
    if task is None or session is None or version is None or study is None:
        raise NotFound("the attempt's study is gone", field="token")
    scenario = scenario_of(version)
    return AttemptContext(attempt, task, session, study, scenario, scenario.task(task.key))


def find_context(db: Session, token: str, *, lock: bool = False) -> AttemptContext:
    """Return the attempt of ``token`` (row-locked on PostgreSQL when ``lock``); 404 if unknown."""
    query = select(Attempt).where(Attempt.token == token)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    attempt = db.exec(query).first()
    if attempt is None:
        raise NotFound("unknown attempt token", field="token")
    return context(db, attempt)


def allowed_origins(ctx: AttemptContext, server_origins: Iterable[str]) -> tuple[str, ...]:
    """Origins that may talk to the API for this attempt: the site's, ``site.origins``, this server's."""
    own = [o.rstrip("/").lower() for o in server_origins]
    return tuple(dict.fromkeys([*ctx.scenario.site.allowed_origins(own[0] if own else ""), *own]))


def check_origin(ctx: AttemptContext, origin: str | None, server_origins: Iterable[str]) -> None:
    """Refuse (403) a browser request whose Origin the study does not name; no Origin is a non-browser."""
    if origin is not None and origin.rstrip("/").lower() not in allowed_origins(ctx, server_origins):
        raise Forbidden(f"origin {origin} may not send events for this study", field="Origin")


def _check_open(ctx: AttemptContext) -> None:
    if not ctx.study.is_open:
        raise Gone("this study is closed")
    if ctx.session.finished_at is not None:
        raise Gone("this participant session is finished")


def state(ctx: AttemptContext, now: datetime) -> dict[str, Any]:
    """The attempt as the tracker sees it (GET /api/v1/attempts/<token>)."""
    elapsed_s = seconds_between(ctx.attempt.started_at, now)
    criterion = ctx.spec.success
    return {
        "prompt": ctx.spec.prompt,
        "criterion": criterion.kind,
        "question": criterion.question or None,
        "watch": [criterion.selector] if criterion.kind == "click" else [],
        "time_limit_s": ctx.spec.time_limit_s,
        "elapsed_ms": round(elapsed_s * 1000),
        "remaining_ms": max(0, round((ctx.spec.time_limit_s - elapsed_s) * 1000)),
        "language": ctx.session.language,
        **_ending(ctx),
    }


def _ending(ctx: AttemptContext) -> dict[str, Any]:
    ended = ctx.attempt.ended_at is not None
    return {"ended": ended, "outcome": ctx.attempt.outcome, "next": ctx.next_url if ended else None}


def attempt_state(
    db: Session,
    token: str,
    origin: str | None,
    *,
    server_origins: Iterable[str] = (),
    limits: Limits = Limits(),
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return the tracker's view of an attempt; ends it as timeout when it is overdue."""
    now = _utc(now or utcnow())
    ctx = find_context(db, token, lock=True)
    check_origin(ctx, origin, server_origins)
    _check_open(ctx)
    if _expire(ctx, now, limits):
        db.commit()
    return state(ctx, now)


def record_events(
    db: Session,
    token: str,
    events: Iterable[Any],
    origin: str | None,
    *,
    server_origins: Iterable[str] = (),
    limits: Limits = Limits(),
    now: datetime | None = None,
) -> dict[str, Any]:
    """Validate, store (once per client id) and judge a batch of tracker events.

    Returns ``{"accepted": [ids], "ended", "outcome", "next"}`` after the commit. Raises
    BadRequest (400), NotFound (404), Forbidden (403), Gone (410: closed study, finished
    session, ended attempt) or TooManyRequests (429); nothing is stored then.
    """
    batch = parse_events(list(events))
    servers = tuple(server_origins)
    try:
        return _record(db, token, batch, origin, servers, limits, _utc(now or utcnow()))
    except IntegrityError:
        # A concurrent request (a beacon and a retry) stored some of the same ids first.
        db.rollback()
    try:
        return _record(db, token, batch, origin, servers, limits, _utc(now or utcnow()))
    except IntegrityError as error:
        db.rollback()
        raise Conflict("the events were stored concurrently; send them again") from error


def _record(
    db: Session,
    token: str,
    batch: tuple[EventIn, ...],
    origin: str | None,
    server_origins: tuple[str, ...],
    limits: Limits,
    now: datetime,
) -> dict[str, Any]:
    ctx = find_context(db, token, lock=True)
    check_origin(ctx, origin, server_origins)
    ids = list(dict.fromkeys(e.id for e in batch))
    known = select(Event.client_id).where(Event.attempt_id == ctx.attempt.id, col(Event.client_id).in_(ids))
    stored = set(db.exec(known).all()) if ids else set()
    fresh = list({e.id: e for e in batch if e.id not in stored}.values())
    if fresh:
        _check_open(ctx)
        if ctx.attempt.ended_at is not None:
            raise Gone(f"this attempt has ended ({ctx.attempt.outcome})")
        _check_rate(db, ctx, len(fresh), now, limits)
        for event in fresh:
            db.add(_stored_event(ctx, event, now))
            if ctx.attempt.ended_at is None:
                _apply(ctx, event, now, limits)
        _expire(ctx, now, limits)
        db.add(ctx.attempt)
        db.commit()
    return {"accepted": ids, **_ending(ctx)}


def _check_rate(db: Session, ctx: AttemptContext, count: int, now: datetime, limits: Limits) -> None:
    since = _utc(now) - timedelta(seconds=60)
    recent = db.exec(
        select(func.count())
        .select_from(Event)
        .where(Event.attempt_id == ctx.attempt.id, Event.received_at >= since)
    ).one()
    if recent + count > limits.max_events_per_minute:
        raise TooManyRequests(f"more than {limits.max_events_per_minute} events a minute for this attempt")


def _stored_event(ctx: AttemptContext, event: EventIn, now: datetime) -> Event:
    data: dict[str, Any] = {k: v for k, v in (("tag", event.tag), ("text", event.text)) if v}
    if event.selectors:
        data["selectors"] = list(event.selectors)
    if event.answer:
        data["answer"] = event.answer
    assert ctx.attempt.id is not None
    url = strip_url(event.url) if event.url else ""
    return Event(
        attempt_id=ctx.attempt.id,
        client_id=event.id,
        kind=event.type,
        url=url,
        data=data,
        client_ms=event.t_ms,
        received_at=now,
    )


def elapsed_s(ctx: AttemptContext, client_ms: float | None, now: datetime, tolerance_s: float) -> float:
    """Return the client's time since Start if it agrees with the server's within the tolerance."""
    server_s = seconds_between(ctx.attempt.started_at, now)
    if client_ms is not None and abs(client_ms / 1000 - server_s) <= tolerance_s:
        return client_ms / 1000
    return max(server_s, 0.0)


def _apply(ctx: AttemptContext, event: EventIn, now: datetime, limits: Limits) -> None:
    """Update the attempt with one new event and end it when the event decides the outcome."""
    attempt, criterion = ctx.attempt, ctx.spec.success
    took_s = elapsed_s(ctx, event.t_ms, now, limits.clock_tolerance_s)
    if took_s > ctx.spec.time_limit_s:
        _finish(ctx, "timeout", ctx.spec.time_limit_s, now)
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
        _finish(ctx, outcome, ctx.spec.time_limit_s if outcome == "timeout" else took_s, now)


def _expire(ctx: AttemptContext, now: datetime, limits: Limits) -> bool:
    """End a running attempt past its time limit plus the clock tolerance as timeout."""
    overdue = seconds_between(ctx.attempt.started_at, now) > ctx.spec.time_limit_s + limits.clock_tolerance_s
    if ctx.attempt.ended_at is None and overdue:
        _finish(ctx, "timeout", ctx.spec.time_limit_s, now)
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


def _finish(ctx: AttemptContext, outcome: str, time_on_task_s: float, now: datetime) -> None:
    attempt = ctx.attempt
    attempt.outcome = outcome
    attempt.ended_at = now
    attempt.time_on_task_s = round(time_on_task_s, 3)
    attempt.direct = is_direct(attempt.path, ctx.spec) if outcome == "success" else False


def end_attempt(
    db: Session,
    attempt: Attempt,
    outcome: str,
    *,
    time_on_task_s: float | None = None,
    now: datetime | None = None,
) -> bool:
    """End a running attempt (server time unless given; a timeout counts the limit); False if it had ended."""
    if outcome not in OUTCOMES:
        raise BadRequest(f"outcome: expected one of {', '.join(OUTCOMES)}, got {outcome!r}", field="outcome")
    if attempt.ended_at is not None:
        return False
    now = _utc(now or utcnow())
    ctx = context(db, attempt)
    limit_s = ctx.spec.time_limit_s
    if time_on_task_s is None:
        time_on_task_s = (
            limit_s if outcome == "timeout" else min(seconds_between(attempt.started_at, now), limit_s)
        )
    _finish(ctx, outcome, time_on_task_s, now)
    db.add(attempt)
    db.commit()
    return True


def record_seq(db: Session, attempt: Attempt, value: int) -> None:
    """Store the Single Ease Question answer (1 very difficult .. 7 very easy) of an ended attempt."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise BadRequest(f"seq: expected a whole number from 1 to 7, got {value!r}", field="seq")
    if attempt.ended_at is None:
        raise Conflict("the task has not ended yet", field="seq")
    attempt.seq = value
    db.add(attempt)
    db.commit()

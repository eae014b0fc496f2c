"""Attempts and their events: start an attempt, store tracker events, end it, SEQ.

The events API (``uxlab/web/api.py``) calls ``attempt_state`` and ``record_events``; the
participant pages call ``start_attempt``, ``end_attempt`` and ``record_seq``. How an
event decides the outcome, time on task and direct success is in ``uxlab.outcomes``.
Every function that changes data commits its own unit of work.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from uxlab.errors import BadRequest, Conflict, Forbidden, Gone, NotFound, TooManyRequests
from uxlab.event_input import EventIn, parse_events, strip_url
from uxlab.models import Attempt, Event, ParticipantSession, Study, StudyVersion, Task, utcnow
from uxlab.outcomes import (
    OUTCOMES,
    AttemptContext,
    Limits,
    apply_event,
    expire,
    finish,
    seconds_between,
    utc,
)
from uxlab.scenarios import Scenario

_SCENARIOS: dict[str, Scenario] = {}
DEFAULT_LIMITS = Limits()


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
    limits: Limits = DEFAULT_LIMITS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return the tracker's view of an attempt; ends it as timeout when it is overdue."""
    now = utc(now or utcnow())
    ctx = find_context(db, token, lock=True)
    check_origin(ctx, origin, server_origins)
    _check_open(ctx)
    if expire(ctx, now, limits):
        db.commit()
    return state(ctx, now)


def record_events(
    db: Session,
    token: str,
    events: Iterable[Any],
    origin: str | None,
    *,
    server_origins: Iterable[str] = (),
    limits: Limits = DEFAULT_LIMITS,
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
        return _record(db, token, batch, origin, servers, limits, utc(now or utcnow()))
    except IntegrityError:
        # A concurrent request (a beacon and a retry) stored some of the same ids first.
        db.rollback()
    try:
        return _record(db, token, batch, origin, servers, limits, utc(now or utcnow()))
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
                apply_event(ctx, event, now, limits)
        expire(ctx, now, limits)
        db.add(ctx.attempt)
        db.commit()
    return {"accepted": ids, **_ending(ctx)}


def _check_rate(db: Session, ctx: AttemptContext, count: int, now: datetime, limits: Limits) -> None:
    since = utc(now) - timedelta(seconds=60)
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
    now = utc(now or utcnow())
    ctx = context(db, attempt)
    limit_s = ctx.spec.time_limit_s
    if time_on_task_s is None:
        time_on_task_s = (
            limit_s if outcome == "timeout" else min(seconds_between(attempt.started_at, now), limit_s)
        )
    finish(ctx, outcome, time_on_task_s, now)
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

"""Attempts and their events: start an attempt, store tracker events, end it, SEQ.

The events API (``uxlab/web/api.py``) calls ``attempt_state`` and ``record_events``; the
participant pages call ``start_attempt``, ``expire_if_overdue`` and ``record_seq``. How an
event decides the outcome, time on task and direct success is in ``uxlab.participants.judging``;
the recording settings come from the app's settings (``judging.app_limits``). Every
function that changes data commits its own unit of work; one that can end an attempt
takes the attempt's lock first (``uxlab.participants.attempt_lock``), so decisions about one
attempt never overlap.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, update

from uxlab import studies
from uxlab.errors import BadRequest, Conflict, Forbidden, Gone, NotFound
from uxlab.models import Attempt, ParticipantSession, Study, StudyVersion, Task, utcnow
from uxlab.participants import ingest
from uxlab.participants.attempt_lock import begin_writer, refresh_locked
from uxlab.participants.events import parse_events
from uxlab.participants.judging import (
    OUTCOMES,
    AttemptContext,
    app_limits,
    expire,
    finish,
    past_deadline,
    seconds_between,
    utc,
)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


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
    scenario = studies.scenario_of(version)
    return AttemptContext(attempt, task, session, study, scenario, scenario.task(task.key))


# The events API's statements, built once: building a statement costs more than SQLite
# takes to run it. The attempt with everything judging it needs, in one statement; the
# version's scenario column is read only when scenario_of has not kept that version.
_CONTEXT = (
    sa_select(Attempt, Task, ParticipantSession, StudyVersion, Study)
    .join(Task, col(Task.id) == Attempt.task_id)
    .join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id)
    .join(StudyVersion, col(StudyVersion.id) == Task.study_version_id)
    .join(Study, col(Study.id) == StudyVersion.study_id)
    .where(col(Attempt.token) == bindparam("token"))
    .options(defer(StudyVersion.scenario))  # type: ignore[arg-type]
)
_CONTEXT_LOCKED = _CONTEXT.with_for_update(of=Attempt).execution_options(populate_existing=True)


def find_context(db: Session, token: str, *, lock: bool = False) -> AttemptContext:
    """Return the attempt of ``token`` (under the attempt lock when ``lock``); 404 if unknown."""
    if lock:
        begin_writer(db)
    row = db.execute(_CONTEXT_LOCKED if lock else _CONTEXT, {"token": token}).first()
    if row is None:
        raise NotFound("unknown attempt token", field="token")
    attempt, task, session, version, study = row
    scenario = studies.scenario_of(version)
    return AttemptContext(attempt, task, session, study, scenario, scenario.task(task.key))


def allowed_origins(ctx: AttemptContext, server_origins: Iterable[str]) -> tuple[str, ...]:
    """Origins that may talk to the API for this attempt: the site's, ``site.origins``, this server's."""
    return ingest.site_origins(ctx.scenario, tuple(server_origins))


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
        # the prompt's and question's own language (the study's, else the server's default):
        # the bar's words follow the participant, the researcher's text keeps its voice
        "text_language": ctx.scenario.language or str(current_app.config["DEFAULT_LANGUAGE"]),
        **ctx.place,
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
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return the tracker's view of an attempt; ends it as timeout when it is overdue."""
    now = utc(now or utcnow())
    ctx = find_context(db, token, lock=True)
    check_origin(ctx, origin, server_origins)
    _check_open(ctx)
    expire(ctx, now, app_limits())
    db.commit()  # ends the lock, with or without a timeout to store
    return state(ctx, now)


def record_events(
    db: Session,
    token: str,
    events: Iterable[Any],
    origin: str | None,
    *,
    server_origins: Iterable[str] = (),
    now: datetime | None = None,
    sent_ms: float | None = None,
) -> dict[str, Any]:
    """Validate, store (once per client id) and judge a batch of tracker events, and commit.

    ``sent_ms`` is when the tracker sent the batch, on its clock (see ``judging.elapsed_s``).
    The work is ``ingest.record``'s (the events API calls it on a connection of its own).

    Returns ``{"accepted": [ids], "ended", "outcome", "next"}`` after the commit. Raises
    BadRequest (400), NotFound (404), Forbidden (403), Gone (410: closed study, finished
    session, ended attempt) or TooManyRequests (429); nothing is stored then.
    """
    batch = parse_events(list(events))
    now = utc(now or utcnow())
    try:
        body = ingest.record(
            db.connection(), token, batch, origin, tuple(server_origins), app_limits(), now, sent_ms
        )
    except BaseException:
        db.rollback()
        raise
    db.commit()  # ends the lock, with or without events to store
    for held in list(db.identity_map.values()):  # written by Core: the session's copy is stale
        if isinstance(held, Attempt) and held.token == token:
            db.expire(held)
    return body


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
    refresh_locked(db, attempt)
    if attempt.ended_at is not None:
        db.commit()
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


def expire_if_overdue(db: Session, attempt: Attempt, now: datetime | None = None) -> bool:
    """End a running attempt past its deadline as a timeout and commit; False if it was not due.

    The tracker or the events API usually ends it; this covers a participant who left the
    site and came back to the study later.
    """
    now = utc(now or utcnow())
    if attempt.ended_at is not None or not past_deadline(context(db, attempt), now, app_limits()):
        return False  # the common case decides without the lock; a timeout is decided under it
    refresh_locked(db, attempt)
    ctx = context(db, attempt)
    if not expire(ctx, now, app_limits(), abandoned=True):
        db.commit()
        return False
    db.add(attempt)
    db.commit()
    return True


def record_seq(db: Session, attempt: Attempt, value: int) -> bool:
    """Store the Single Ease Question answer (1 very difficult .. 7 very easy) of an ended attempt.

    Commits, with it, whatever the caller added to ``db`` (the task's own questions). Return
    False, rolling all of that back, when the attempt has its SEQ already: of two posts of one
    answer (a double click, a retry) arriving together, only the one whose update still finds
    the SEQ empty stores anything.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise BadRequest(f"seq: expected a whole number from 1 to 7, got {value!r}", field="seq")
    if attempt.ended_at is None:
        raise Conflict("the task has not ended yet", field="seq")
    unanswered = col(Attempt.id) == attempt.id, col(Attempt.seq).is_(None)
    if db.exec(update(Attempt).where(*unanswered).values(seq=value)).rowcount != 1:
        db.rollback()
        return False
    db.commit()
    set_committed_value(attempt, "seq", value)
    return True

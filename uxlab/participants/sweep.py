"""Abandoned attempts end without any client: past the time limit plus tolerance, as timeouts.

A participant who closes the tab mid-task sends nothing more, so no tracker event ends the
attempt. It ends, by the one deadline rule (``judging.past_deadline``: time since Start past
``time_limit_s`` + CLOCK_TOLERANCE_S), on whichever comes first:

- the next touch: a study page of that participant (``sessions.progress``);
- every read of a study's dashboard, JSON summary or live counts (``uxlab/web/reports.py``
  calls ``end_overdue`` for that study first);
- the sweep: ``uxlab sweep`` (cron) and a loop in each server process every
  SWEEP_INTERVAL_S (``init_app``; started on the first request, so after a pre-forking
  server's fork; not in tests or commands).

Such an attempt is a timeout with ``Attempt.abandoned`` set: no tracker saw the limit (the
tracker's own timeout event, or its state poll, is there to see it and leaves the flag
off). The dashboard counts abandonment per task (``uxlab.reports.abandonment``). A tracker
that was only offline may still deliver events made in time: until the participant moves
on they are judged as if the attempt had not been ended (``late_batch``).

Each sweep also deletes the raw events a study no longer keeps (``site.retention_days``,
``uxlab.participants.retention``).

Safe on many servers at once: each attempt is re-read under the attempt lock
(``attempt_lock``) before it is ended, so a second sweeper (or a late event) finds it
ended and does nothing; a late event then gets 410 unless it counts (``late_batch``).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from flask import Flask
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.db import get_session
from uxlab.models import Attempt, ParticipantSession, StudyVersion, Task, utcnow
from uxlab.participants import attempts, retention
from uxlab.participants.judging import app_limits, past_deadline, utc


def end_overdue(db: Session, *, study_id: int | None = None, now: datetime | None = None) -> int:
    """End every running attempt past its deadline (of one study, or all) as abandoned; return how many.

    The database picks the candidates, per task by its time limit: a server loop that read
    every running attempt and its context (thousands, in a large study) took seconds of CPU
    per round in every process, beside the requests it serves (``bench/bench_ingest.py``).
    """
    now = utc(now or utcnow())
    running = select(Attempt.task_id).where(col(Attempt.ended_at).is_(None))
    if study_id is not None:
        running = (
            running.join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id)
            .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
            .where(StudyVersion.study_id == study_id)
        )
    limits, ended = app_limits(), 0
    for task_id in sorted(set(db.exec(running.distinct()).all())):
        due = now - timedelta(seconds=_time_limit_s(db, task_id) + limits.clock_tolerance_s)
        overdue = select(Attempt).where(
            col(Attempt.ended_at).is_(None), Attempt.task_id == task_id, col(Attempt.started_at) <= due
        )
        for attempt in db.exec(overdue.order_by(col(Attempt.id))).all():
            if past_deadline(attempts.context(db, attempt), now, limits):
                ended += attempts.expire_if_overdue(db, attempt, now)
    return ended


def end_overdue_of(db: Session, slug: str) -> int:
    """``end_overdue`` for the study ``slug`` (NotFound for an unknown one): what every read of its
    results runs first (pages, downloads, ``uxlab export`` and ``uxlab report``), so all count
    an abandoned attempt as the summary does."""
    return end_overdue(db, study_id=studies.get_study(db, slug).id)


def _time_limit_s(db: Session, task_id: int) -> float:
    task = db.get(Task, task_id)
    version = db.get(StudyVersion, task.study_version_id) if task else None
    if task is None or version is None:
        return 0.0  # gone meanwhile: nothing of it is left to end
    return float(studies.scenario_of(version).task(task.key).time_limit_s)


def sweep_forever(app: Flask, interval_s: float, stop: threading.Event) -> None:
    """Run ``end_overdue`` and ``retention.delete_old_events`` each ``interval_s`` until ``stop`` is set."""
    while not stop.wait(interval_s):
        try:
            with app.app_context():
                end_overdue(get_session())
                retention.delete_old_events(get_session())
        except Exception:  # a database hiccup must not end the loop; the next round retries
            app.logger.exception("uxlab sweep failed; trying again in %s s", interval_s)


def start_sweeper(app: Flask, interval_s: float) -> threading.Event:
    """Start the sweep loop in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=sweep_forever, args=(app, interval_s, stop), name="uxlab-sweep", daemon=True
    ).start()
    return stop


def init_app(app: Flask) -> None:
    """Start this process's sweep loop at its first request (SWEEP_INTERVAL_S > 0, not when testing)."""
    interval_s = float(app.config["SWEEP_INTERVAL_S"])
    if interval_s <= 0 or app.testing:
        return
    started = threading.Lock()

    def start_once() -> None:
        if "uxlab.sweeper" not in app.extensions and started.acquire(blocking=False):
            app.extensions["uxlab.sweeper"] = start_sweeper(app, interval_s)

    app.before_request(start_once)

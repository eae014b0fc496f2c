"""A task whose site never opened: the study page offers "try again / skip this task".

If the start page fails (a 404, a site that is down, a page without the snippet), no task
bar appears and the participant comes back to the study tab (Back, or the tab they kept).
The task page then knows the task did not open: the attempt is running, Start was more than
CLOCK_TOLERANCE_S ago, and the server has no event of it, not even the first page view the
tracker sends as the page loads. It offers to try again (the same attempt: its start page
opens again) or to skip the task, which ends the attempt as ``give_up`` with
``Attempt.did_not_open`` set, with no SEQ question (there was no task to rate), so a
researcher can tell a broken start from a participant who gave up.

Why the wait: on a slow network the first page view may still be on its way when the
participant, who saw the task bar, comes back; the page said the task did not open, and
its Skip then did nothing once the page view had landed (participant audit t15). Within
CLOCK_TOLERANCE_S of Start (the allowance for an event still on its way) the page shows the
running task with its time left, whose "Continue the task" opens the same start page.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from uxlab.models import Attempt, Event, ParticipantSession, utcnow
from uxlab.participants import attempts, sessions
from uxlab.participants.judging import app_limits, seconds_between


def did_not_open(db: Session, attempt: Attempt | None, now: datetime | None = None) -> bool:
    """True for a running attempt started over CLOCK_TOLERANCE_S ago with no event: no task bar showed."""
    if attempt is None or attempt.ended_at is not None:
        return False
    if seconds_between(attempt.started_at, now or utcnow()) <= app_limits().clock_tolerance_s:
        return False  # its first page view may still be on its way
    return db.exec(select(Event.id).where(Event.attempt_id == attempt.id).limit(1)).first() is None


def skip_unopened(db: Session, session: ParticipantSession, number: int) -> bool:
    """End task ``number`` as skipped because it did not open; False (nothing done) otherwise."""
    where = sessions.progress(db, session)
    if (where.step, where.number) != ("task", number) or not did_not_open(db, where.attempt):
        return False
    assert where.attempt is not None
    if not attempts.end_attempt(db, where.attempt, "give_up"):
        return False  # ended meanwhile (an event arrived, or its time ran out)
    where.attempt.did_not_open = True
    db.add(where.attempt)
    db.commit()
    return True

"""A task whose site never opened: the study page offers "try again / skip this task".

If the start page fails (a 404, a site that is down, a page without the snippet), no task
bar appears and the participant comes back to the study tab (Back, or the tab they kept).
The task page then knows the task did not open: the attempt is running and the server has
no event of it, not even the first page view the tracker sends as the page loads. It offers
to try again (the same attempt: its start page opens again) or to skip the task, which ends
the attempt as ``give_up`` with ``Attempt.did_not_open`` set, with no SEQ question (there was
no task to rate), so a researcher can tell a broken start from a participant who gave up.
"""

from __future__ import annotations

from sqlmodel import Session, select

from uxlab.models import Attempt, Event, ParticipantSession
from uxlab.participants import attempts, sessions


def did_not_open(db: Session, attempt: Attempt | None) -> bool:
    """True for a running attempt with no event stored: its task bar never showed."""
    if attempt is None or attempt.ended_at is not None:
        return False
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

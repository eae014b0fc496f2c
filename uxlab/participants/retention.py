"""Retention: a study's ``site.retention_days`` deletes raw tracker events, keeping the results.

An attempt's figures (outcome, time on task, path, clicks, direct success, answer) live
on its ``Attempt`` row, written when it ends; the ``Event`` rows are the raw record the
tracker sent. Once an attempt ended more than ``retention_days`` ago its events are
deleted; the attempt row, and so every report and export, stays as it was. Running
attempts keep their events (they are still being judged). The study's newest version
says how long; run by the sweep (``uxlab.participants.sweep``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.models import Attempt, Event, ParticipantSession, Study, StudyVersion, utcnow
from uxlab.participants.judging import utc


def retention_days(db: Session, study: Study) -> int | None:
    """The study's ``site.retention_days`` (its newest version), or None to keep events."""
    return studies.read_scenario(studies.current_version(db, study)).site.retention_days


def delete_old_events(db: Session, *, study_id: int | None = None, now: datetime | None = None) -> int:
    """Delete the events of attempts that ended longer ago than their study (or every study) keeps them.

    Returns how many events were deleted; each study's deletion is committed on its own.
    """
    now, deleted = utc(now or utcnow()), 0
    query = select(Study).order_by(col(Study.id))
    if study_id is not None:
        query = query.where(Study.id == study_id)
    for study in db.exec(query).all():
        days = retention_days(db, study)
        if days is None:
            continue
        old_attempts = (
            select(Attempt.id)
            .join(ParticipantSession, col(ParticipantSession.id) == Attempt.session_id)
            .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
            .where(StudyVersion.study_id == study.id, col(Attempt.ended_at) < now - timedelta(days=days))
        )
        result = db.exec(delete(Event).where(col(Event.attempt_id).in_(old_attempts)))
        deleted += int(result.rowcount)
        db.commit()
    return deleted

"""Excluding a participant from the reports (a speeder, a bot, a tester), with a reason; reversible.

An exclusion is one ``ParticipantExclusion`` row beside the participant's session: nothing of
the participant is changed or deleted. Every report figure, chart, comparison, summary JSON and
download leaves excluded participants out unless its filters ask for them (``excluded=1``,
``uxlab.reports.sql``); downloads then mark them in the ``excluded`` and ``exclusion_reason``
columns. "Include" deletes the exclusion row. Both write an audit row (who, which participant,
why) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from uxlab import audit
from uxlab.errors import BadRequest, Conflict, NotFound
from uxlab.models import ParticipantExclusion, ParticipantSession, Study, StudyVersion
from uxlab.participants.deletion import find_participant

REASON_MAX_CHARS = 500


@dataclass(frozen=True)
class Excluded:
    """One excluded participant of a study, as the exclusions list shows it."""

    participant: str
    reason: str
    excluded_by: str
    excluded_at: datetime


def _study_slug(db: Session, participant: ParticipantSession) -> str | None:
    version = db.get(StudyVersion, participant.study_version_id)
    study = db.get(Study, version.study_id) if version else None
    return study.slug if study else None


def exclude(
    db: Session, public_id: str, reason: str, *, study_slug: str | None = None, actor: str = ""
) -> ParticipantExclusion:
    """Exclude the participant ``public_id`` (of ``study_slug`` when given) from the reports.

    BadRequest for an empty or too long reason, NotFound for an unknown participant,
    Conflict when they are excluded already.
    """
    reason = " ".join(reason.split())
    if not reason or len(reason) > REASON_MAX_CHARS:
        raise BadRequest(f"give a reason of 1 to {REASON_MAX_CHARS} characters", field="reason")
    participant = find_participant(db, public_id, study_slug)
    if exclusion_of(db, participant) is not None:
        raise Conflict(f"participant {public_id!r} is excluded already", field="participant")
    try:
        row = add_exclusion(db, participant, reason, actor=actor)
        db.commit()
    except IntegrityError:  # excluded meanwhile by a post that came at the same time (a double click)
        db.rollback()
        raise Conflict(f"participant {public_id!r} is excluded already", field="participant") from None
    except BaseException:
        db.rollback()
        raise
    return row


def exclusion_of(db: Session, participant: ParticipantSession) -> ParticipantExclusion | None:
    """The participant's exclusion, or None when they count in the reports."""
    query = select(ParticipantExclusion).where(ParticipantExclusion.session_id == participant.id)
    return db.exec(query).first()


def add_exclusion(
    db: Session, participant: ParticipantSession, reason: str, *, actor: str
) -> ParticipantExclusion:
    """Add the exclusion row and its audit row to ``db``'s transaction; the caller commits
    (``exclude``, or a finish over the quota with the session's end: ``uxlab.participants.recruiting``)."""
    row = ParticipantExclusion(session_id=int(participant.id or 0), reason=reason, excluded_by=actor)
    db.add(row)
    detail = f"participant {participant.public_id}: {reason}"
    audit.add(db, "participant_excluded", actor=actor, study_slug=_study_slug(db, participant), detail=detail)
    return row


def include(db: Session, public_id: str, *, study_slug: str | None = None, actor: str = "") -> str:
    """Undo the exclusion of ``public_id``: they count in the reports again. Returns the old reason
    (NotFound when the participant is unknown or not excluded)."""
    participant = find_participant(db, public_id, study_slug)
    row = exclusion_of(db, participant)
    if row is None:
        raise NotFound(f"participant {public_id!r} is not excluded", field="participant")
    try:
        db.delete(row)
        detail = f"participant {public_id} (was: {row.reason})"
        audit.record(
            db, "participant_included", actor=actor, study_slug=_study_slug(db, participant), detail=detail
        )
    except BaseException:
        db.rollback()
        raise
    return row.reason


def excluded_in(db: Session, study_id: int) -> list[Excluded]:
    """The study's excluded participants, the latest first."""
    query = (
        select(ParticipantExclusion, ParticipantSession.public_id)
        .join(ParticipantSession, col(ParticipantSession.id) == ParticipantExclusion.session_id)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(StudyVersion.study_id == study_id)
        .order_by(col(ParticipantExclusion.id).desc())
    )
    return [
        Excluded(public_id, row.reason, row.excluded_by, row.excluded_at) for row, public_id in db.exec(query)
    ]

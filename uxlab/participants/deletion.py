"""Per-participant deletion: every row of one participant, in one transaction.

A participant is named by the public id of their session (the ``participant`` column of
the exports and the attempts page). Deleted: the ``ParticipantSession``, its attempts,
those attempts' tracker events, its questionnaire responses, its answers to the study's
own questions, and the ``Screening`` row with the same public id. Kept: the study's
``QuotaCount`` (a count with no link to the person; a deleted finisher still used a place
of the quota, so the study does not reopen to one more participant).

The audit row ``participant_deleted`` names the study and the counts, never the
participant's id (the trail must not keep what was deleted). It is written in the same
transaction: a failure anywhere deletes nothing.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from uxlab import audit
from uxlab.errors import NotFound
from uxlab.models import (
    Attempt,
    Event,
    ParticipantExclusion,
    ParticipantSession,
    QuestionAnswer,
    Response,
    Screening,
    Study,
    StudyVersion,
)


@dataclass(frozen=True)
class DeletedRows:
    """How many rows of each table one deletion removed."""

    sessions: int
    attempts: int
    events: int
    responses: int
    answers: int
    screenings: int

    def describe(self) -> str:
        names = ("session", "attempts", "events", "questionnaire responses", "question answers", "screening")
        return ", ".join(f"{n} {name}" for n, name in zip(astuple(self), names, strict=True))


def find_participant(db: Session, public_id: str, study_slug: str | None = None) -> ParticipantSession:
    """The session with this public id (of that study when given), or NotFound."""
    query = select(ParticipantSession).where(ParticipantSession.public_id == public_id)
    if study_slug is not None:
        query = (
            query.join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
            .join(Study, col(Study.id) == StudyVersion.study_id)
            .where(Study.slug == study_slug)
        )
    participant = db.exec(query).first()
    if participant is None:
        that_study = select(Study.id).where(Study.slug == study_slug)
        if study_slug is not None and db.exec(that_study).first() is None:
            raise NotFound(f"no study {study_slug!r}", field="study")  # the slug is the mistake
        where = f" in study {study_slug!r}" if study_slug else ""
        raise NotFound(f"no participant {public_id!r}{where}", field="participant")
    return participant


def delete_participant(
    db: Session, public_id: str, *, study_slug: str | None = None, actor: str = ""
) -> DeletedRows:
    """Delete every row of the participant ``public_id``; return the counts (NotFound: nothing deleted)."""
    participant = find_participant(db, public_id, study_slug)
    version = db.get(StudyVersion, participant.study_version_id)
    study = db.get(Study, version.study_id) if version else None
    attempt_ids = select(Attempt.id).where(Attempt.session_id == participant.id)
    try:
        _delete(
            db, delete(ParticipantExclusion).where(col(ParticipantExclusion.session_id) == participant.id)
        )
        counts = DeletedRows(
            events=_delete(db, delete(Event).where(col(Event.attempt_id).in_(attempt_ids))),
            attempts=_delete(db, delete(Attempt).where(col(Attempt.session_id) == participant.id)),
            responses=_delete(db, delete(Response).where(col(Response.session_id) == participant.id)),
            answers=_delete(
                db, delete(QuestionAnswer).where(col(QuestionAnswer.session_id) == participant.id)
            ),
            screenings=_delete(db, delete(Screening).where(col(Screening.public_id) == public_id)),
            sessions=_delete(
                db, delete(ParticipantSession).where(col(ParticipantSession.id) == participant.id)
            ),
        )
        slug = study.slug if study else None
        audit.record(db, "participant_deleted", actor=actor, study_slug=slug, detail=counts.describe())
    except BaseException:
        db.rollback()
        raise
    return counts


def _delete(db: Session, statement: object) -> int:
    return int(db.exec(statement).rowcount)  # type: ignore[call-overload]

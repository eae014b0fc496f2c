"""Recruiting: who may start (close date, quota), the screener, captured link parameters, completion.

The scenario's ``recruit:`` section (``uxlab.scenarios.recruit``) of the study's current
version decides. The quota counts finished participants: a participant takes a place
when finishing (``claim_place``), in the same transaction that marks the session
finished, by conditional UPDATEs of ``QuotaCount`` rows that the database applies one
at a time, so parallel finishes never overshoot it; a newcomer is turned away
(``admit``) once the places are taken. A screened-out browser is stored as
``Screening`` (counted) and never becomes a participant session. A participant who
started before the places were taken and finishes after is not turned away empty-handed:
their session is finished and kept, excluded from the reports with a reason, and they see
that the study filled up while they took part.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from uxlab import studies
from uxlab.errors import InvalidAnswers, StudyFull
from uxlab.models import (
    ParticipantSession,
    QuotaCount,
    Screening,
    Study,
    StudyVersion,
    utcnow,
)
from uxlab.participants import exclusions
from uxlab.scenarios.recruit import PARAM_MAX_CHARS, RecruitSpec

ALL_DEVICES = ""  # the QuotaCount row of the total
OVER_QUOTA_REASON = "finished after the quota was full"


def recruit_of(db: Session, study: Study) -> RecruitSpec | None:
    """The recruit section of the study's current version (None when it has none)."""
    return studies.scenario_of(studies.current_version(db, study)).recruit


def captured_params(recruit: RecruitSpec | None, args: Mapping[str, str]) -> dict[str, str]:
    """The link parameters the scenario captures, as sent (cut to PARAM_MAX_CHARS, no control characters)."""
    if recruit is None:
        return {}
    found = {name: str(args.get(name, "")) for name in recruit.capture}
    return {k: "".join(c for c in v if c.isprintable())[:PARAM_MAX_CHARS] for k, v in found.items() if v}


def admit(db: Session, study: Study, device: str) -> None:
    """Raise StudyFull ("closed" or "full") when a newcomer on ``device`` may not start."""
    recruit = recruit_of(db, study)
    if recruit is None:
        return
    if recruit.is_closed(utcnow()):
        raise StudyFull("closed")
    for key, quota in _quotas(recruit, device):
        if _count(db, study, key).finished >= quota:
            raise StudyFull("full")


def claim_place(db: Session, session: ParticipantSession) -> dict[str, Any] | None:
    """Take the finishing session's quota places; return the session's values to store with finished_at.

    Call first in the transaction that marks the session finished (nothing of it pending
    yet): the caller's rollback gives the places back. None (after a rollback) when the
    quota filled while this participant was taking part: the caller finishes the session
    all the same, with ``exclude_over_quota``, so nothing they gave is lost.
    """
    version = db.get(StudyVersion, session.study_version_id)
    study = db.get(Study, version.study_id) if version else None
    assert version is not None and study is not None and study.id is not None
    recruit = recruit_of(db, study)
    if recruit is None:
        return {}
    for key, quota in _quotas(recruit, session.device_class):
        row = _count(db, study, key)
        taken = db.exec(
            update(QuotaCount)
            .where(col(QuotaCount.id) == row.id, col(QuotaCount.finished) < quota)
            .values(finished=QuotaCount.finished + 1)
        )
        if taken.rowcount != 1:
            db.rollback()
            return None
    own = studies.scenario_of(version).recruit
    if own is None or not (own.completion_url or own.completion_code):
        return {}
    return {"completion_code": own.completion_code or new_completion_code()}


def exclude_over_quota(db: Session, session: ParticipantSession) -> None:
    """Leave a session that finished over the quota out of the reports (pending: the caller
    commits it with the session's end). Its answers stay; "Include" counts them again."""
    exclusions.add_exclusion(db, session, OVER_QUOTA_REASON, actor="uxlab")


def finish(db: Session, session: ParticipantSession) -> None:
    """Mark a session finished (after its last SEQ), taking its quota places and completion code.

    StudyFull("filled") after the commit when the quota filled meanwhile: the session is
    finished and kept, but excluded from the reports (``claim_place``).
    """
    places = claim_place(db, session)
    session.finished_at = utcnow()
    for name, value in (places or {}).items():
        setattr(session, name, value)
    db.add(session)
    if places is None:
        exclude_over_quota(db, session)
    db.commit()
    if places is None:
        filled_up()


def finished_over_quota(db: Session, session: ParticipantSession) -> bool:
    """True when ``session`` finished after the quota was full and is still left out for it."""
    row = exclusions.exclusion_of(db, session)
    return row is not None and row.reason == OVER_QUOTA_REASON


def filled_up() -> NoReturn:
    """Tell a participant who finished over the quota (answers kept) that the study filled up."""
    raise StudyFull("filled")


def new_completion_code() -> str:
    """A code a participant shows a panel (MTurk): 10 characters, no look-alikes (0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def completion_target(version: StudyVersion, session: ParticipantSession) -> str | None:
    """Where a finished participant goes next: the filled completion_url, or None (the thanks page).

    A session that finished over the quota took no place and has no code (``claim_place``
    gives every placed finisher one when there is a completion_url): the thanks page, not the
    panel's completion link.
    """
    recruit = studies.scenario_of(version).recruit
    if recruit is None or not recruit.completion_url or session.finished_at is None:
        return None
    if session.completion_code is None:
        return None
    return recruit.completion_target(session.public_id, session.completion_code, session.link_params or {})


def screens(db: Session, study: Study) -> bool:
    """True when the study's current version has screener questions."""
    recruit = recruit_of(db, study)
    return recruit is not None and bool(recruit.screener)


def keep_link_params(db: Session, session: ParticipantSession, args: Mapping[str, str]) -> None:
    """Store the captured link parameters on a new session (a second consent post keeps the first's)."""
    version = db.get(StudyVersion, session.study_version_id)
    assert version is not None
    params = captured_params(studies.scenario_of(version).recruit, args)
    if params and session.link_params is None:
        session.link_params = params
        db.add(session)
        db.commit()


def is_screened_out(db: Session, study: Study, public_id: str | None) -> bool:
    """True when the study's screener turned this browser away."""
    return _screened(db, study, public_id) is False


def screened_in(db: Session, study: Study, public_id: str | None) -> bool:
    """True when the study's screener let this browser in."""
    return _screened(db, study, public_id) is True


def _screened(db: Session, study: Study, public_id: str | None) -> bool | None:
    # The study counts: one study's result, in a cookie copied to another's, decides nothing there.
    if not public_id:
        return None
    found = select(Screening.passed).where(Screening.public_id == public_id, Screening.study_id == study.id)
    return db.exec(found).first()


def screen(
    db: Session, study: Study, public_id: str, device: str, answers: Mapping[str, Sequence[str]]
) -> bool:
    """Check the screener answers (option texts per question id); store the result; True when let in.

    Raises InvalidAnswers naming each unanswered or unknown choice (nothing stored).
    """
    version = studies.current_version(db, study)
    recruit = studies.scenario_of(version).recruit
    assert recruit is not None and study.id is not None and version.id is not None
    errors: dict[str, str] = {}
    rejected = False
    for question in recruit.screener:
        chosen = list(answers.get(question.id, ()))
        if not chosen or any(c not in question.options for c in chosen):
            errors[question.id] = "missing" if not chosen else "not one of the options"
        elif question.type == "single" and len(chosen) > 1:
            errors[question.id] = "choose one"
        rejected = rejected or question.screens_out(chosen)
    if errors:
        raise InvalidAnswers(errors)
    row = Screening(study_id=study.id, study_version_id=version.id, public_id=public_id, device_class=device)
    row.passed = not rejected
    db.add(row)
    try:
        db.commit()
    except IntegrityError:  # sent twice: the first answer stands
        db.rollback()
    return screened_in(db, study, public_id)


def _quotas(recruit: RecruitSpec, device: str) -> list[tuple[str, int]]:
    found = [(ALL_DEVICES, recruit.quota_total)] if recruit.quota_total is not None else []
    per_device = recruit.quota_of(device)
    return found + ([(device, per_device)] if per_device is not None else [])


def _count(db: Session, study: Study, device: str) -> QuotaCount:
    """The study's count row for ``device``, made on first use from the sessions finished so far."""
    query = select(QuotaCount).where(QuotaCount.study_id == study.id, QuotaCount.device == device)
    row = db.exec(query).first()
    if row is not None:
        return row
    finished = (
        select(func.count())
        .select_from(ParticipantSession)
        .join(StudyVersion, col(StudyVersion.id) == ParticipantSession.study_version_id)
        .where(StudyVersion.study_id == study.id, col(ParticipantSession.finished_at).is_not(None))
    )
    if device != ALL_DEVICES:
        finished = finished.where(ParticipantSession.device_class == device)
    assert study.id is not None
    db.add(QuotaCount(study_id=study.id, device=device, finished=int(db.exec(finished).one())))
    try:
        db.commit()  # before any claim: nothing else of this request is pending yet
    except IntegrityError:  # another request made the row first: use theirs
        db.rollback()
    return db.exec(query).one()

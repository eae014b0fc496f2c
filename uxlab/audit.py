"""The audit trail: security-relevant actions, newest first on the researcher page ``/audit``.

Each row says when, what (one of ``ACTIONS``), who (the researcher's email; for a failed
sign-in, the email that was typed) and on which study. No client address and no secret
(password, token, share link) is ever written here.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from uxlab.security_models import AuditEvent

ACTIONS = {
    "sign_in": "signed in",
    "sign_in_failed": "failed to sign in",
    "sign_out": "signed out",
    "password_changed": "password changed (every session ended)",
    "account_disabled": "account disabled (every session ended)",
    "account_enabled": "account enabled again (it may sign in)",
    "study_opened": "opened the study",
    "study_closed": "closed the study",
    "study_saved": "saved a new version of the study (browser editor)",
    "token_created": "created an upload token",
    "token_revoked": "revoked an upload token",
    "share_created": "made a share link",
    "share_revoked": "revoked a share link",
    "participant_deleted": "deleted one participant's every row (the id is not kept)",
    "role_changed": "changed an account's role",
    "study_owner_set": "gave the study an owner",
    "study_shared": "shared the study with an account",
    "study_unshared": "stopped sharing the study with an account",
    "participant_excluded": "excluded a participant from the reports (with the reason)",
    "participant_included": "included an excluded participant in the reports again",
}


def record(
    db: Session, action: str, *, actor: str = "", study_slug: str | None = None, detail: str = ""
) -> None:
    """Add one event and commit (with whatever the caller has pending: the action it records)."""
    add(db, action, actor=actor, study_slug=study_slug, detail=detail)
    db.commit()


def add(
    db: Session, action: str, *, actor: str = "", study_slug: str | None = None, detail: str = ""
) -> None:
    """Add one event to ``db``'s transaction, for the caller to commit with the action it records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditEvent(action=action, actor=actor[:320], study_slug=study_slug, detail=detail[:500]))


def recent(db: Session, *, offset: int = 0, limit: int = 100) -> list[AuditEvent]:
    """The newest events first."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)
    return list(db.exec(query).all())


def count(db: Session) -> int:
    return int(db.exec(select(func.count()).select_from(AuditEvent)).one())

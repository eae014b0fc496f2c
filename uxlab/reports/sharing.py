"""Read-only share links to a study's summary: created by a researcher, revocable, stored hashed.

The secret appears once, in the link made at creation; the database keeps its sha256. A
revoked or unknown link is NotFound (404), the same answer, so links cannot be probed.
A link shows participants' free-text answers only when made with ``include_free_text``.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.errors import NotFound
from uxlab.models import ShareLink, Study, utcnow


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_share(db: Session, slug: str, include_free_text: bool = False) -> tuple[ShareLink, str]:
    """Create a share link for the study; return it and its secret (shown once)."""
    study = studies.get_study(db, slug)
    secret = secrets.token_urlsafe(24)
    link = ShareLink(
        study_id=int(study.id or 0), token_hash=_digest(secret), include_free_text=include_free_text
    )
    db.add(link)
    db.commit()
    return link, secret


def active_shares(db: Session, slug: str) -> list[ShareLink]:
    """The study's links that are not revoked, newest first."""
    study = studies.get_study(db, slug)
    query = select(ShareLink).where(ShareLink.study_id == study.id, col(ShareLink.revoked_at).is_(None))
    return list(db.exec(query.order_by(col(ShareLink.id).desc())).all())


def revoke_share(db: Session, slug: str, share_id: int) -> None:
    """Revoke one of the study's links (NotFound if it is not the study's or already revoked)."""
    study = studies.get_study(db, slug)
    link = db.get(ShareLink, share_id)
    if link is None or link.study_id != study.id or link.revoked_at is not None:
        raise NotFound("no such share link")
    link.revoked_at = utcnow()
    db.add(link)
    db.commit()


def open_share(db: Session, secret: str) -> tuple[Study, ShareLink]:
    """The study and link of a secret; NotFound when unknown or revoked."""
    link = db.exec(select(ShareLink).where(ShareLink.token_hash == _digest(secret))).first()
    study = db.get(Study, link.study_id) if link is not None and link.revoked_at is None else None
    if link is None or study is None:
        raise NotFound("this share link does not exist or was revoked")
    return study, link

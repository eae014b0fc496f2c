"""SQLModel tables of researchers' security: server-side sessions, failed sign-ins, the audit trail.

Beside ``uxlab.models`` (study and participant data); migrations see both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from uxlab.models import utcnow


class ResearcherSession(SQLModel, table=True):
    """A signed-in researcher's session: the cookie holds a random id, only its sha256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


class LoginFailure(SQLModel, table=True):
    """One failed sign-in of a key (the sha256 of the email and client address), at epoch seconds."""

    __table_args__ = (Index("ix_loginfailure_key_at", "key_hash", "at_s"),)

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64)
    at_s: float = Field(index=True)


class AuditEvent(SQLModel, table=True):
    """One security-relevant action: who (researcher email, if signed in), what, on which study."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=40)
    actor: str = Field(default="", max_length=320)
    study_slug: str | None = Field(default=None, max_length=100)
    detail: str = Field(default="", max_length=500)

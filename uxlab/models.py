"""SQLModel tables. Migrations in uxlab/migrations are generated from these (make migrations)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (SQLModel's datetime columns refuse naive values)."""
    return datetime.now(UTC)


def whole_ms(seconds: float) -> int:
    """``seconds`` as whole milliseconds, halves rounded up (as migration 0002 rounds stored times)."""
    return math.floor(seconds * 1000 + 0.5)


class User(SQLModel, table=True):
    """A researcher account; ``role``: "admin" or "researcher" (``uxlab.access`` says what each may do)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=320)
    password_hash: str
    created_at: datetime = Field(default_factory=utcnow)
    # Set by `uxlab users disable`: the account can no longer sign in (rows it made stay).
    disabled_at: datetime | None = None
    role: str = Field(default="researcher", max_length=20, sa_column_kwargs={"server_default": "researcher"})


class Study(SQLModel, table=True):
    """A study, identified by its slug; its content lives in versions; no owner: admins only."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=100)
    title: str
    is_open: bool = True
    variant_of: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)


class StudyShare(SQLModel, table=True):
    """A researcher a study is shared with: they see and use it as its owner does, but share nothing."""

    __table_args__ = (UniqueConstraint("study_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class StudyVersion(SQLModel, table=True):
    """One loaded version of a scenario file; results keep the version they were recorded under."""

    __table_args__ = (UniqueConstraint("study_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    number: int
    content_hash: str = Field(max_length=64)
    source_path: str = ""
    scenario: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Task(SQLModel, table=True):
    """A task of one study version: what results are recorded against and grouped by.

    Its settings (time limit, target time, success criterion) live in the version's
    scenario only, read through ``studies.scenario_of``.
    """

    __table_args__ = (UniqueConstraint("study_version_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    study_version_id: int = Field(foreign_key="studyversion.id", index=True)
    key: str = Field(max_length=100)
    position: int
    prompt: str
    criterion_kind: str = Field(max_length=20)
    stage: str = Field(max_length=20)
    touchpoint: str = ""


class ParticipantSession(SQLModel, table=True):
    """One participant's pass through a study version."""

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(index=True, unique=True, max_length=64)
    study_version_id: int = Field(foreign_key="studyversion.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    consented_at: datetime | None = None
    finished_at: datetime | None = None
    device_class: str = Field(default="desktop", max_length=10)
    user_agent: str = ""
    language: str = Field(default="en", max_length=10)
    task_order: list[str] = Field(sa_column=Column(JSON, nullable=False))
    # the link parameters the scenario's recruit.capture names (?pid=...), as the panel sent them
    link_params: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    completion_code: str | None = Field(default=None, max_length=40)


class Attempt(SQLModel, table=True):
    """One participant's attempt at one task."""

    # covers the CX summary's reads (uxlab/reports/scan.py): the attempts of a study's sessions
    __table_args__ = (
        Index("ix_attempt_summary", "session_id", "outcome", "task_id", "seq", "direct", "time_on_task_ms"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="participantsession.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    token: str = Field(index=True, unique=True, max_length=64)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=10)
    # whole milliseconds: exact integers, which the summary's scan packs beside the task id
    time_on_task_ms: int | None = None
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    click_count: int = 0
    direct: bool | None = None
    answer: str | None = None
    seq: int | None = None
    # a timeout no client reported: ended by the server (sweep, a page, a report) with the
    # tab gone at the limit (uxlab/participants/sweep.py)
    abandoned: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # the task's site never sent a page view and the participant chose "Skip this task"
    # (uxlab/participants/task_open.py); recorded as give_up
    did_not_open: bool = Field(default=False, sa_column_kwargs={"server_default": false()})

    @property
    def time_on_task_s(self) -> float | None:
        """Time on task in seconds (stored as whole milliseconds), or None while running."""
        return None if self.time_on_task_ms is None else self.time_on_task_ms / 1000


class Event(SQLModel, table=True):
    """One event the tracker sent for an attempt; (attempt, client_id) is stored once."""

    __table_args__ = (UniqueConstraint("attempt_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    client_id: str = Field(max_length=64)
    kind: str = Field(max_length=20)
    url: str = ""
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    client_ms: float | None = None
    received_at: datetime = Field(default_factory=utcnow)


class Response(SQLModel, table=True):
    """One questionnaire answer of a session (item numbers are 1-based)."""

    __table_args__ = (
        UniqueConstraint("session_id", "questionnaire", "item"),
        # covers the CX summary's read of the answers (uxlab/reports/answers.py)
        Index("ix_response_summary", "session_id", "questionnaire", "item", "value", "scale_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="participantsession.id", index=True)
    questionnaire: str = Field(max_length=20)
    item: int = 1
    value: int | None = None
    text: str | None = None
    scale_version: str | None = Field(default=None, max_length=10)
    created_at: datetime = Field(default_factory=utcnow)


class QuestionAnswer(SQLModel, table=True):
    """One answer to a custom question: after a task (``task_key``) or in the final block (``""``).

    A rating stores ``value``; a single choice or short text stores ``text``; a multiple
    choice stores one row per chosen option.
    """

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="participantsession.id", index=True)
    task_key: str = Field(default="", max_length=100)
    question_id: str = Field(max_length=60)
    value: int | None = None
    text: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class QuotaCount(SQLModel, table=True):
    """Finished participants of a study counted against its quota: per device class, ``""`` for all.

    A participant finishes by raising these counts with a conditional UPDATE (below the
    quota only), which both SQLite and PostgreSQL apply one at a time: parallel finishes
    cannot overshoot the quota.
    """

    __table_args__ = (UniqueConstraint("study_id", "device"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    device: str = Field(default="", max_length=10)
    finished: int = 0


class Screening(SQLModel, table=True):
    """A browser's screener result: let in (``passed``) or turned away (counted, never a participant)."""

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    study_version_id: int = Field(foreign_key="studyversion.id")
    public_id: str = Field(unique=True, max_length=64)
    device_class: str = Field(default="desktop", max_length=10)
    passed: bool = False
    at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A probe upload token of one study; only its sha256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    label: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


class ProbeUpload(SQLModel, table=True):
    """One uploaded probe run with its build label (commit, branch, time)."""

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    token_id: int | None = Field(default=None, foreign_key="apitoken.id")
    commit: str | None = Field(default=None, max_length=64)
    branch: str | None = Field(default=None, max_length=200)
    build_time: datetime | None = None
    received_at: datetime = Field(default_factory=utcnow)
    exit_code: int = 0
    report: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ProbeResult(SQLModel, table=True):
    """One page load of an upload: page path, profile, run number, metrics (JSON)."""

    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="probeupload.id", index=True)
    page: str = Field(index=True, max_length=500)
    profile: str = Field(max_length=50)
    run: int
    representative: bool = False
    score: float | None = None
    metrics: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ShareLink(SQLModel, table=True):
    """A read-only link to a study's summary; only its sha256 is stored; a revoked link answers 404."""

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    include_free_text: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ParticipantExclusion(SQLModel, table=True):
    """A participant the researcher left out of the reports, why and by whom (deleted on "include")."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="participantsession.id", unique=True, index=True)
    reason: str = Field(max_length=500)
    excluded_by: str = Field(default="", max_length=320)
    excluded_at: datetime = Field(default_factory=utcnow)

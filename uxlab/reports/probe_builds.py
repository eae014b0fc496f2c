"""Probe builds as Lighthouse CI's server shows them: a list, one build, and two builds compared.

A build is one upload (``ProbeUpload``): its label (commit, branch, time), its exit code and
the report as uploaded, whose budgets are the ones the build was judged by. Stored reports
are read tolerantly (reports stored before the typed contract may lack fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from uxlab.errors import NotFound
from uxlab.models import ProbeResult, ProbeUpload, Study

COMPARED_METRICS = ("score", "ttfb_ms", "fcp_ms", "lcp_ms", "si_ms", "cls", "tbt_ms")
BASE_BRANCHES = ("main", "master")
LIST_LIMIT = 100


@dataclass(frozen=True)
class BuildRow:
    """One build in the list: label, time, and pass/fail per budget level and for task paths."""

    id: int
    commit: str
    branch: str
    time: datetime
    exit_code: int
    errors_failed: int
    warnings_failed: int
    tasks_failed: int
    pages: int


@dataclass(frozen=True)
class MetricDelta:
    """A metric of a page and profile in the base build and this one."""

    metric: str
    base: float | None
    value: float | None

    @property
    def delta(self) -> float | None:
        return None if self.base is None or self.value is None else self.value - self.base


def _study(db: Session, slug: str) -> Study:
    study = db.exec(select(Study).where(Study.slug == slug)).first()
    if study is None:
        raise NotFound(f"no study {slug!r}", field="study")
    return study


def _row(upload: ProbeUpload) -> BuildRow:
    summary = (upload.report or {}).get("summary") or {}
    return BuildRow(
        id=int(upload.id or 0),
        commit=upload.commit or "",
        branch=upload.branch or "",
        time=upload.build_time or upload.received_at,
        exit_code=upload.exit_code,
        errors_failed=int(summary.get("budgets_failed_error") or 0),
        warnings_failed=int(summary.get("budgets_failed_warn") or 0),
        tasks_failed=int(summary.get("tasks_failed") or 0),
        pages=int(summary.get("pages") or len((upload.report or {}).get("pages") or ())),
    )


def builds(db: Session, slug: str, branch: str = "") -> tuple[list[BuildRow], list[str]]:
    """Return the study's builds, newest first (only ``branch``'s if given), and every branch seen."""
    study = _study(db, slug)
    query = select(ProbeUpload).where(ProbeUpload.study_id == study.id)
    if branch:
        query = query.where(ProbeUpload.branch == branch)
    rows = [_row(u) for u in db.exec(query.order_by(col(ProbeUpload.id).desc()).limit(LIST_LIMIT))]
    return rows, branches(db, slug)


def branches(db: Session, slug: str) -> list[str]:
    """Return every branch the study's builds name, in name order."""
    study = _study(db, slug)
    of_study = select(ProbeUpload.branch).where(ProbeUpload.study_id == study.id)
    names = db.exec(of_study.distinct().order_by(ProbeUpload.branch))
    return [name for name in names if name]


def build(db: Session, slug: str, build_id: int) -> tuple[BuildRow, dict[str, Any]]:
    """Return one build's row and its report as uploaded; NotFound for a build of another study."""
    study = _study(db, slug)
    upload = db.get(ProbeUpload, build_id)
    if upload is None or upload.study_id != study.id:
        raise NotFound(f"no build {build_id} in study {slug!r}", field="build")
    return _row(upload), dict(upload.report or {})


def default_base(db: Session, slug: str, build_id: int) -> int | None:
    """The build to compare with: the latest earlier build of a base branch (main, master)
    that measured one of this build's pages in one of its profiles, else the latest earlier
    build of any branch that did; None if none did (a comparison would have no rows)."""
    study = _study(db, slug)
    representative = col(ProbeResult.representative)
    mine = set(
        db.exec(
            select(ProbeResult.page, ProbeResult.profile).where(
                ProbeResult.upload_id == build_id, representative
            )
        )
    )
    earlier = (
        select(ProbeUpload.id, ProbeUpload.branch, ProbeResult.page, ProbeResult.profile)
        .join(ProbeResult, col(ProbeResult.upload_id) == ProbeUpload.id)
        .where(ProbeUpload.study_id == study.id, col(ProbeUpload.id) < build_id, representative)
        .where(col(ProbeResult.page).in_({page for page, _ in mine}))
        .order_by(col(ProbeUpload.id).desc())
    )
    fallback = None
    for upload_id, branch, page, profile in db.exec(earlier) if mine else ():
        if (page, profile) in mine:
            if branch in BASE_BRANCHES:
                return upload_id
            fallback = fallback or upload_id
    return fallback


def page_metrics(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, float | None]]:
    """Return each page and profile's representative metrics and score from a stored report."""
    out: dict[tuple[str, str], dict[str, float | None]] = {}
    for page in report.get("pages") or ():
        metrics = page.get("metrics") or {}
        values = {m: page.get("score") if m == "score" else metrics.get(m) for m in COMPARED_METRICS}
        out[(str(page.get("path", "")), str(page.get("profile", "")))] = values
    return out


def compare(base: dict[str, Any], head: dict[str, Any]) -> dict[tuple[str, str], list[MetricDelta]]:
    """Per page and profile of either build, each compared metric in both (None where one lacks it)."""
    before, after = page_metrics(base), page_metrics(head)
    keys = sorted(set(before) | set(after))
    return {
        key: [MetricDelta(m, before.get(key, {}).get(m), after.get(key, {}).get(m)) for m in COMPARED_METRICS]
        for key in keys
    }

"""Page speed for the CX summary: probe runs -> p75 per page and profile -> Core Web Vitals ratings.

The p75 of each metric is taken over every run of the study's latest ``UPLOADS`` probe
uploads received in the date filter (the field assessment's percentile applied to lab
runs); the history holds the representative run's score of the latest ``HISTORY``
uploads, and the score budget of a page in a profile comes from the latest upload's report. A page passes when
its p75 LCP, CLS and (when measured) INP are all "good"; lab probes cannot measure INP,
so they pass on LCP and CLS. Device filter: ``desktop`` keeps the desktop profile,
``phone`` and ``tablet`` the mobile one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import numpy as np
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from uxlab import probe_report
from uxlab.metrics.pagespeed import CWV_THRESHOLDS, cwv_rating
from uxlab.models import ProbeResult, ProbeUpload, Study
from uxlab.reports.filters import Filters
from uxlab.reports.types import PageSpeed

UPLOADS = 10
HISTORY = 20
CORE = ("lcp_ms", "cls", "inp_ms")
PROFILE_OF_DEVICE = {"desktop": "desktop", "phone": "mobile", "tablet": "mobile"}
_STATUS = {"good": "good", "needs-improvement": "watch", "poor": "poor"}


def normalize_path(path: str) -> str:
    """A page path without query, fragment or trailing slash ("/" stays "/")."""
    bare = path.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return bare or "/"


def page_speed(db: Session, study: Study, filters: Filters) -> tuple[PageSpeed, ...]:
    """p75 Core Web Vitals per probed page and profile (empty when the study has no probe uploads)."""
    uploads = select(ProbeUpload.id, ProbeUpload.commit).where(ProbeUpload.study_id == study.id)
    if filters.since:
        uploads = uploads.where(
            col(ProbeUpload.received_at) >= datetime.combine(filters.since, time(), tzinfo=UTC)
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=UTC)
        uploads = uploads.where(col(ProbeUpload.received_at) < end)
    recent = list(db.exec(uploads.order_by(col(ProbeUpload.id).desc()).limit(HISTORY)).all())
    if not recent:
        return ()
    labels = {upload_id: (commit or "")[:7] or f"#{upload_id}" for upload_id, commit in recent}
    columns = ("upload_id", "page", "profile", "metrics", "representative", "score")
    query = sql_select(*(getattr(ProbeResult, c) for c in columns)).where(
        col(ProbeResult.upload_id).in_(list(labels))
    )
    if filters.device:
        query = query.where(col(ProbeResult.profile) == PROFILE_OF_DEVICE[filters.device])
    latest = {upload_id for upload_id, _ in recent[:UPLOADS]}
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    history: dict[tuple[str, str], dict[int, float | None]] = {}
    for upload_id, page, profile, values, representative, score in db.connection().execute(query).all():
        if upload_id in latest:
            runs.setdefault((page, profile), []).append(dict(values))
        if representative:
            history.setdefault((page, profile), {})[upload_id] = score
    budgets = _score_budgets(db, int(recent[0][0] or 0))
    out = []
    for (page, profile), found in sorted(runs.items()):
        points = history.get((page, profile), {})
        line = tuple((labels[u], points[u]) for u in sorted(points))
        out.append(_assess(page, profile, found, line, budgets.get((page, profile))))
    return tuple(out)


def _score_budgets(db: Session, upload_id: int) -> dict[tuple[str, str], float]:
    """Minimum "score" budget per page path and profile in an upload's report.

    Per profile: a report judges a page in each profile by that profile's budgets (a phone
    page's score budget is often lower), and keyed by path alone the first profile's won.
    """
    upload = db.get(ProbeUpload, upload_id)
    pages = upload.report.get("pages") if upload is not None and isinstance(upload.report, dict) else None
    entries = [p for p in pages if isinstance(p, dict)] if isinstance(pages, list) else []
    out: dict[tuple[str, str], float] = {}
    for profile in {p.get("profile") for p in entries if isinstance(p.get("profile"), str)}:
        mine = {"pages": [p for p in entries if p.get("profile") == profile]}
        for path, budgets in probe_report.stored_budgets(mine).items():
            for budget in budgets:
                if budget.metric == "score" and budget.min is not None:
                    out[(path, str(profile))] = budget.min
    return out


def _assess(
    page: str,
    profile: str,
    runs: list[dict[str, float]],
    history: tuple[tuple[str, float | None], ...],
    score_budget: float | None,
) -> PageSpeed:
    p75: dict[str, float] = {}
    ratings: dict[str, str] = {}
    for metric in CWV_THRESHOLDS:
        values = np.array([r[metric] for r in runs if isinstance(r.get(metric), int | float)], dtype=float)
        values = values[np.isfinite(values)]
        if values.size:
            p75[metric] = float(np.percentile(values, 75))
            ratings[metric] = cwv_rating(metric, p75[metric])
    core = [ratings[m] for m in CORE if m in ratings]
    passes = bool(core) and all(r == "good" for r in core)
    worst = "poor" if "poor" in core else "needs-improvement" if "needs-improvement" in core else "good"
    status = _STATUS[worst] if core else "no-data"
    return PageSpeed(page, profile, len(runs), p75, ratings, passes, status, history, score_budget)


def page_status_of(pages: Sequence[PageSpeed], path: str) -> str:
    """The worst status of the probed pages at ``path`` (any profile); "no-data" when none."""
    if not path:
        return "no-data"
    target = normalize_path(path)
    found = {p.status for p in pages if normalize_path(p.page) == target and p.status != "no-data"}
    for status in ("poor", "watch", "good"):
        if status in found:
            return status
    return "no-data"

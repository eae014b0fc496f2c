"""Page speed for the CX summary: probe runs -> p75 per page and profile -> Core Web Vitals ratings.

The p75 of each metric is taken over every run of the study's latest ``UPLOADS`` probe
uploads received in the date filter (the field assessment's percentile applied to lab
runs). A page passes when its p75 LCP, CLS and (when measured) INP are all "good"; lab
probes cannot measure INP, so they pass on LCP and CLS. Device filter: ``desktop`` keeps
the desktop profile, ``phone`` and ``tablet`` the mobile one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import numpy as np
from sqlmodel import Session, col, select

from uxlab.metrics.pagespeed import CWV_THRESHOLDS, cwv_rating
from uxlab.models import ProbeResult, ProbeUpload, Study
from uxlab.summary_types import Filters, PageSpeed

UPLOADS = 10
CORE = ("lcp_ms", "cls", "inp_ms")
PROFILE_OF_DEVICE = {"desktop": "desktop", "phone": "mobile", "tablet": "mobile"}
_STATUS = {"good": "good", "needs-improvement": "watch", "poor": "poor"}


def normalize_path(path: str) -> str:
    """A page path without query, fragment or trailing slash ("/" stays "/")."""
    bare = path.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return bare or "/"


def page_speed(db: Session, study: Study, filters: Filters) -> tuple[PageSpeed, ...]:
    """p75 Core Web Vitals per probed page and profile (empty when the study has no probe uploads)."""
    uploads = select(ProbeUpload.id).where(ProbeUpload.study_id == study.id)
    if filters.since:
        uploads = uploads.where(
            col(ProbeUpload.received_at) >= datetime.combine(filters.since, time(), tzinfo=UTC)
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=UTC)
        uploads = uploads.where(col(ProbeUpload.received_at) < end)
    ids = list(db.exec(uploads.order_by(col(ProbeUpload.id).desc()).limit(UPLOADS)).all())
    if not ids:
        return ()
    query = select(ProbeResult.page, ProbeResult.profile, ProbeResult.metrics).where(
        col(ProbeResult.upload_id).in_(ids)
    )
    if filters.device:
        query = query.where(ProbeResult.profile == PROFILE_OF_DEVICE[filters.device])
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    for page, profile, values in db.exec(query).all():
        runs.setdefault((page, profile), []).append(dict(values))
    return tuple(_assess(page, profile, found) for (page, profile), found in sorted(runs.items()))


def _assess(page: str, profile: str, runs: list[dict[str, float]]) -> PageSpeed:
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
    return PageSpeed(page, profile, len(runs), p75, ratings, passes, _STATUS[worst] if core else "no-data")


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

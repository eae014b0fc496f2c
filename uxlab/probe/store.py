"""Server side of probe uploads: tokens (stored as sha256), validated uploads, per-page history.

No Playwright here: the web blueprint and ``uxlab tokens`` use this module.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from uxlab.errors import BadRequest, Forbidden, NotFound, Unauthorized
from uxlab.models import ApiToken, ProbeResult, ProbeUpload, Study, utcnow

SCHEMA_VERSION = "uxlab-probe/1"
HISTORY_METRICS = ("score", "ttfb_ms", "fcp_ms", "lcp_ms", "cls", "tbt_ms")


def hash_token(secret: str) -> str:
    """Return the stored form of a token: its sha256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _study(db: Session, slug: str) -> Study:
    study = db.exec(select(Study).where(Study.slug == slug)).first()
    if study is None:
        raise NotFound(f"no study {slug!r}", field="study")
    return study


def create_token(db: Session, slug: str, label: str = "") -> str:
    """Create an upload token for the study; return the secret (shown once, stored hashed)."""
    study = _study(db, slug)
    secret = "uxp_" + secrets.token_urlsafe(32)
    db.add(ApiToken(study_id=int(study.id or 0), token_hash=hash_token(secret), label=label[:200]))
    db.commit()
    return secret


def authenticate(db: Session, authorization: str | None) -> ApiToken:
    """Return the token named by an ``Authorization: Bearer ...`` header; Unauthorized if none."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("send the upload token as 'Authorization: Bearer <token>'")
    digest = hash_token(secret.strip())
    token = db.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise Unauthorized("unknown upload token")
    return token


def _check_report(report: Any) -> list[dict[str, Any]]:
    """Validate the parts of a report the server reads; return its pages."""
    if not isinstance(report, dict):
        raise BadRequest("the body must be a JSON object (a uxlab probe --json report)")
    if report.get("schema") != SCHEMA_VERSION:
        raise BadRequest(f"schema must be {SCHEMA_VERSION!r}", field="schema")
    pages = report.get("pages")
    if not isinstance(pages, list):
        raise BadRequest("pages must be a list", field="pages")
    for i, page in enumerate(pages):
        where = f"pages[{i}]"
        if not isinstance(page, dict) or not isinstance(page.get("path"), str) or not page["path"]:
            raise BadRequest("each page needs a path", field=f"{where}.path")
        if not isinstance(page.get("profile"), str) or not isinstance(page.get("runs"), list):
            raise BadRequest("each page needs a profile and a list of runs", field=where)
        for j, run in enumerate(page["runs"]):
            if not isinstance(run, dict) or not isinstance(run.get("metrics"), dict):
                raise BadRequest("each run needs a metrics object", field=f"{where}.runs[{j}].metrics")
    return pages


def _build_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        raise BadRequest("build.time must be an ISO 8601 time", field="build.time") from None


def store_upload(db: Session, token: ApiToken, report: Any) -> ProbeUpload:
    """Store a report uploaded with ``token``; Forbidden when it names another study."""
    pages = _check_report(report)
    study = db.get(Study, token.study_id)
    assert study is not None
    if report.get("study") not in (None, study.slug):
        raise Forbidden(f"this token uploads to study {study.slug!r}, not {report['study']!r}", field="study")
    build = report.get("build") if isinstance(report.get("build"), dict) else {}
    upload = ProbeUpload(
        study_id=int(study.id or 0),
        token_id=token.id,
        commit=str(build.get("commit") or "")[:64] or None,
        branch=str(build.get("branch") or "")[:200] or None,
        build_time=_build_time(build.get("time")),
        exit_code=int((report.get("summary") or {}).get("exit_code") or 0),
        report=report,
    )
    db.add(upload)
    db.flush()
    for page in pages:
        rep = page.get("representative_run")
        for number, run in enumerate(page["runs"]):
            score = run.get("score")
            db.add(
                ProbeResult(
                    upload_id=int(upload.id or 0),
                    page=page["path"][:500],
                    profile=page["profile"][:50],
                    run=number,
                    representative=number == rep,
                    score=float(score) if isinstance(score, int | float) else None,
                    metrics={k: v for k, v in run["metrics"].items() if isinstance(v, int | float)},
                )
            )
    token.last_used_at = utcnow()
    db.add(token)
    db.commit()
    db.refresh(upload)
    return upload


@dataclass(frozen=True)
class HistoryPoint:
    """One upload's representative run of a page and profile."""

    upload_id: int
    label: str
    values: dict[str, float | None]


def study_pages(db: Session, slug: str) -> list[str]:
    """Return the page paths the study's uploads measured."""
    study = _study(db, slug)
    query = (
        select(ProbeResult.page)
        .join(ProbeUpload, col(ProbeUpload.id) == ProbeResult.upload_id)
        .where(ProbeUpload.study_id == study.id)
        .distinct()
        .order_by(ProbeResult.page)
    )
    return list(db.exec(query))


def page_history(db: Session, slug: str, page: str, limit: int = 50) -> dict[str, list[HistoryPoint]]:
    """Return, per profile, the last ``limit`` uploads' representative values for ``page``."""
    study = _study(db, slug)
    query = (
        select(ProbeResult, ProbeUpload)
        .join(ProbeUpload, col(ProbeUpload.id) == ProbeResult.upload_id)
        .where(ProbeUpload.study_id == study.id, ProbeResult.page == page, col(ProbeResult.representative))
        .order_by(col(ProbeUpload.id).desc())
        .limit(limit * 4)
    )
    out: dict[str, list[HistoryPoint]] = {}
    for result, upload in db.exec(query):
        label = (upload.commit or "")[:7] or f"#{upload.id}"
        values = {m: (result.score if m == "score" else result.metrics.get(m)) for m in HISTORY_METRICS}
        points = out.setdefault(result.profile, [])
        if len(points) < limit:
            points.append(HistoryPoint(int(upload.id or 0), label, values))
    return {profile: points[::-1] for profile, points in sorted(out.items())}


def page_budgets(db: Session, slug: str, page: str) -> dict[str, dict[str, float]]:
    """Return the latest upload's budget limits for ``page`` per metric ({"max": ..} / {"min": ..})."""
    study = _study(db, slug)
    uploads = db.exec(
        select(ProbeUpload)
        .where(ProbeUpload.study_id == study.id)
        .order_by(col(ProbeUpload.id).desc())
        .limit(20)
    )
    for upload in uploads:
        for entry in upload.report.get("pages", []):
            if isinstance(entry, dict) and entry.get("path") == page:
                return {
                    b["metric"]: {k: b[k] for k in ("max", "min") if b.get(k) is not None}
                    for b in entry.get("budgets", [])
                    if isinstance(b, dict) and "metric" in b
                }
    return {}

"""Server side of probe uploads: tokens (stored as sha256), validated uploads, per-page history.

No Playwright here: the web blueprint and ``uxlab tokens`` use this module.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

from sqlmodel import Session, col, select

from uxlab import probe_report
from uxlab.errors import BadRequest, Forbidden, NotFound, Unauthorized
from uxlab.models import ApiToken, ProbeResult, ProbeUpload, Study, utcnow

SCHEMA_VERSION = probe_report.SCHEMA_VERSION
HISTORY_METRICS = ("score", "ttfb_ms", "fcp_ms", "lcp_ms", "si_ms", "cls", "tbt_ms")
# RFC 3339's date-time (section 5.6), what the schema's ``format: date-time`` means:
# 2026-11-25T12:00:00Z, 2026-11-25T13:00:00.5+01:00; a second of 60 is a leap second.
DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)


def hash_token(secret: str) -> str:
    """Return the stored form of a token: its sha256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _study(db: Session, slug: str) -> Study:
    study = db.exec(select(Study).where(Study.slug == slug)).first()
    if study is None:
        raise NotFound(f"no study {slug!r}", field="study")
    return study


def study_slug(db: Session, study_id: int) -> str:
    """Return the slug of the study with ``study_id``."""
    study = db.get(Study, study_id)
    return study.slug if study else ""


def create_token(db: Session, slug: str, label: str = "") -> str:
    """Create an upload token for the study; return the secret (shown once, stored hashed)."""
    study = _study(db, slug)
    secret = "uxp_" + secrets.token_urlsafe(32)
    db.add(ApiToken(study_id=int(study.id or 0), token_hash=hash_token(secret), label=label[:200]))
    db.commit()
    return secret


def list_tokens(db: Session, slug: str) -> list[ApiToken]:
    """Return the study's upload tokens, oldest first (their hashes, never the secrets)."""
    study = _study(db, slug)
    return list(db.exec(select(ApiToken).where(ApiToken.study_id == study.id).order_by(col(ApiToken.id))))


def revoke_token(db: Session, slug: str, token_id: int) -> ApiToken:
    """Delete the study's token ``token_id``: it uploads no more; its uploads stay, unlinked.
    NotFound for a token of another study (or none)."""
    study = _study(db, slug)
    token = db.get(ApiToken, token_id)
    if token is None or token.study_id != study.id:
        raise NotFound(f"no upload token {token_id} in study {slug!r}", field="token")
    for upload in db.exec(select(ProbeUpload).where(ProbeUpload.token_id == token_id)):
        upload.token_id = None
        db.add(upload)
    db.flush()
    db.delete(token)
    db.commit()
    return token


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


def _date_time(value: str | None, where: str) -> datetime | None:
    """Return an RFC 3339 date-time as a datetime in UTC (None for None); BadRequest naming ``where``
    else, also for an instant a datetime cannot hold (9999-12-31T23:59:59-23:59 is in the year 10000).

    The schema's ``format: date-time`` is checked here: jsonschema checks formats only when
    asked to, and this one only with the rfc3339-validator package.
    """
    if value is None:
        return None
    shown = value if len(value) <= 40 else value[:40] + "..."
    if DATE_TIME.fullmatch(value):
        try:  # a leap second is stored as :59, which is all a datetime can hold
            moment = datetime.fromisoformat((value[:17] + min(value[17:19], "59") + value[19:]).upper())
        except ValueError:  # a month or a day that does not exist (2026-02-30)
            pass
        else:
            try:  # converted here, not when stored: an offset can carry the instant out of years 1-9999
                return moment.astimezone(UTC)
            except OverflowError:
                raise BadRequest(
                    f"{where}: {shown!r} is an instant outside the years 1 to 9999 in UTC", field=where
                ) from None
    raise BadRequest(
        f"{where}: expected an RFC 3339 date-time such as 2026-11-25T12:00:00Z, got {shown!r}", field=where
    )


def _check_runs(report: probe_report.ProbeReport) -> None:
    """BadRequest naming the field unless the report agrees with itself (a JSON schema cannot say so).

    ``runs`` is the runs per page and profile: odd, so that a median run exists, and the
    number of runs of every page. Each page's representative run is one of its runs, and
    the page's metrics and score are that run's, as sent: the build page shows the page's,
    the history the run's.
    """
    if report.runs % 2 == 0:
        raise BadRequest(f"runs: must be odd (a median run is picked), got {report.runs}", field="runs")
    for i, page in enumerate(report.pages):
        if len(page.runs) != report.runs:
            where = f"pages[{i}].runs"
            raise BadRequest(
                f"{where}: has {len(page.runs)} runs, but the report's runs is {report.runs}", field=where
            )
        if page.representative_run >= len(page.runs):
            where, last = f"pages[{i}].representative_run", len(page.runs) - 1
            raise BadRequest(
                f"{where}: {page.representative_run} is not a run of the page (0 to {last})", field=where
            )
        chosen = page.runs[page.representative_run]
        for key in sorted(set(page.metrics) | set(chosen.metrics)):
            if page.metrics.get(key) != chosen.metrics.get(key):
                _differs(f"pages[{i}].metrics.{key}", page.metrics.get(key), chosen.metrics.get(key), page)
        if page.score != chosen.score:
            _differs(f"pages[{i}].score", page.score, chosen.score, page)


def _differs(
    where: str, value: float | None, run_value: float | None, page: probe_report.PageResult
) -> NoReturn:
    raise BadRequest(
        f"{where}: {value} differs from the representative run's {run_value} "
        f"(runs[{page.representative_run}]); a page's metrics and score are its representative run's",
        field=where,
    )


def store_upload(db: Session, token: ApiToken, body: Any) -> ProbeUpload:
    """Validate and store a report uploaded with ``token``; BadRequest stores nothing,
    Forbidden when the report names another study."""
    report = probe_report.from_json(body)
    _date_time(report.started_at, "started_at")
    _check_runs(report)
    study = db.get(Study, token.study_id)
    assert study is not None
    if report.study not in (None, study.slug):
        raise Forbidden(f"this token uploads to study {study.slug!r}, not {report.study!r}", field="study")
    build = report.build or probe_report.Build()
    upload = ProbeUpload(
        study_id=int(study.id or 0),
        token_id=token.id,
        commit=build.commit,
        branch=build.branch,
        build_time=_date_time(build.time, "build.time"),
        exit_code=report.summary.exit_code,
        report=probe_report.to_json(report),
    )
    db.add(upload)
    db.flush()
    for page in report.pages:
        for number, run in enumerate(page.runs):
            db.add(
                ProbeResult(
                    upload_id=int(upload.id or 0),
                    page=page.path,
                    profile=page.profile,
                    run=number,
                    representative=number == page.representative_run,
                    score=run.score,
                    metrics={k: v for k, v in run.metrics.items() if v is not None},
                )
            )
    token.last_used_at = utcnow()
    db.add(token)
    db.commit()
    db.refresh(upload)
    return upload


@dataclass(frozen=True)
class HistoryPoint:
    """One upload's representative run of a page and profile, with the budget limits it was judged by."""

    upload_id: int
    label: str
    values: dict[str, float | None]
    budgets: dict[str, float] = field(default_factory=dict)


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


def page_history(
    db: Session, slug: str, page: str, branch: str = "", limit: int = 50
) -> dict[str, list[HistoryPoint]]:
    """Return, per profile, the last ``limit`` uploads' representative values for ``page``
    (only ``branch``'s uploads if given)."""
    study = _study(db, slug)
    query = (
        select(ProbeResult, ProbeUpload)
        .join(ProbeUpload, col(ProbeUpload.id) == ProbeResult.upload_id)
        .where(ProbeUpload.study_id == study.id, ProbeResult.page == page, col(ProbeResult.representative))
    )
    if branch:
        query = query.where(ProbeUpload.branch == branch)
    out: dict[str, list[HistoryPoint]] = {}
    for result, upload in db.exec(query.order_by(col(ProbeUpload.id).desc()).limit(limit * 4)):
        label = (upload.commit or "")[:7] or f"#{upload.id}"
        values = {m: (result.score if m == "score" else result.metrics.get(m)) for m in HISTORY_METRICS}
        points = out.setdefault(result.profile, [])
        if len(points) < limit:
            budgets = _budget_limits(upload.report, page, result.profile)
            points.append(HistoryPoint(int(upload.id or 0), label, values, budgets))
    return {profile: points[::-1] for profile, points in sorted(out.items())}


def _budget_limits(stored: Any, page: str, profile: str) -> dict[str, float]:
    """Return the limit per metric of the budgets a stored report judged ``page`` in ``profile`` by.

    Of a warn and an error budget on one metric, the error one is the line that fails a build.
    """
    pages = stored.get("pages") if isinstance(stored, dict) else None
    mine = (
        [p for p in pages if isinstance(p, dict) and p.get("profile") == profile]
        if isinstance(pages, list)
        else []
    )
    limits: dict[str, float] = {}
    for budget in probe_report.stored_budgets({"pages": mine}).get(page, ()):
        limit = budget.limit()
        if limit is not None and (budget.metric not in limits or budget.level == "error"):
            limits[budget.metric] = limit
    return limits

"""Probe uploads (``POST /api/v1/probes`` with a bearer token) and the researcher's history pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from uxlab import auth
from uxlab.charts.lines import Series, line_chart
from uxlab.db import get_session
from uxlab.errors import BadRequest, PayloadTooLarge
from uxlab.probe import store

bp = Blueprint("probes", __name__)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CHART_TITLES = {
    "score": "Performance score (Lighthouse-compatible)",
    "ttfb_ms": "Time to first byte (ms)",
    "fcp_ms": "First contentful paint (ms)",
    "lcp_ms": "Largest contentful paint (ms)",
    "cls": "Cumulative layout shift",
    "tbt_ms": "Total blocking time (ms)",
}


@bp.context_processor
def _researcher_context() -> dict[str, object]:
    return {
        "researcher": auth.current_user(get_session()),
        "public_url": str(current_app.config["PUBLIC_URL"]).rstrip("/"),
    }


@bp.post("/api/v1/probes")
def upload() -> ResponseReturnValue:
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"a probe report may be at most {MAX_UPLOAD_BYTES} bytes")
    db = get_session()
    token = store.authenticate(db, request.headers.get("Authorization"))
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest("the body must be JSON (Content-Type: application/json)")
    saved = store.store_upload(db, token, body)
    slug = body.get("study") or _slug_of(token.study_id)
    history = str(current_app.config["PUBLIC_URL"]).rstrip("/") + url_for("probes.pages", slug=slug)
    return {"id": saved.id, "history_url": history}, 201


def _slug_of(study_id: int) -> str:
    from uxlab.models import Study

    study = get_session().get(Study, study_id)
    return study.slug if study else ""


@bp.route("/studies/<slug>/probes", methods=["GET", "POST"])
@auth.login_required
def pages(slug: str) -> ResponseReturnValue:
    db = get_session()
    new_token = None
    if request.method == "POST":
        new_token = store.create_token(db, slug, request.form.get("label", ""))
    return render_template(
        "probes/pages.html", slug=slug, pages=store.study_pages(db, slug), new_token=new_token
    )


@bp.get("/studies/<slug>/probes/page")
@auth.login_required
def history(slug: str) -> ResponseReturnValue:
    path = request.args.get("path", "")
    db = get_session()
    by_profile = store.page_history(db, slug, path)
    charts = history_charts(path, by_profile, store.page_budgets(db, slug, path))
    return render_template("probes/history.html", slug=slug, path=path, charts=charts, by_profile=by_profile)


def history_charts(
    path: str, by_profile: dict[str, list[store.HistoryPoint]], limits: dict[str, dict[str, float]]
) -> list[tuple[str, Markup]]:
    """Return (title, SVG line chart) per metric: one line per profile, the budget dashed."""
    labels = [p.label for p in next(iter(by_profile.values()), [])]
    charts = []
    for metric, title in CHART_TITLES.items():
        series = [Series(prof, [p.values.get(metric) for p in points]) for prof, points in by_profile.items()]
        limit = limits.get(metric, {})
        budget = limit.get("max", limit.get("min"))
        top = 1.0 if metric == "score" else None
        charts.append((title, line_chart(f"{title}, {path}", labels, series, budget=budget, y_max=top)))
    return charts

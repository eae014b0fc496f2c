"""Report pages of a study (researcher login): dashboard, journey map, comparison, JSON and CSV exports.

Every view parses the filters (``device``, ``since``, ``until``, ``version`` query
parameters), calls ``summary.build_summary`` (or a streamed export) and renders.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue

from uxlab import auth, comparison, report_export, report_format, sharing, studies, summary_queries
from uxlab.charts.report import dashboard_charts, history_charts
from uxlab.db import get_session
from uxlab.summary import build_summary
from uxlab.summary_types import DEVICE_CLASSES, STAGES, CXSummary, Filters

bp = Blueprint("reports", __name__)
for _name, _function in report_format.FILTERS.items():
    bp.add_app_template_filter(_function, _name)


@bp.context_processor
def _reports_context() -> dict[str, object]:
    db, slug = get_session(), (request.view_args or {}).get("slug")
    variants = studies.variants_of(db, slug) if slug else []
    return {"researcher": auth.current_user(db), "device_classes": DEVICE_CLASSES, "variants": variants}


def _summary(slug: str) -> CXSummary:
    return build_summary(get_session(), slug, Filters.from_args(request.args))


@bp.get("/studies/<slug>/summary")
@auth.login_required
def summary(slug: str) -> ResponseReturnValue:
    s = _summary(slug)
    shares = sharing.active_shares(get_session(), slug)
    return render_template(
        "reports/summary.html", s=s, charts=dashboard_charts(s), history=history_charts(s), shares=shares
    )


@bp.post("/studies/<slug>/shares")
@auth.login_required
def create_share(slug: str) -> ResponseReturnValue:
    include = request.form.get("include_free_text") == "1"
    _link, secret = sharing.create_share(get_session(), slug, include)
    url = str(current_app.config["PUBLIC_URL"]).rstrip("/") + url_for("reports.shared", secret=secret)
    flash(f"New share link (copy it now, it is shown only once): {url}")
    return redirect(url_for("reports.summary", slug=slug) + "#share")


@bp.post("/studies/<slug>/shares/<int:share_id>/revoke")
@auth.login_required
def revoke_share(slug: str, share_id: int) -> ResponseReturnValue:
    sharing.revoke_share(get_session(), slug, share_id)
    flash(f"Share link {share_id} is revoked.")
    return redirect(url_for("reports.summary", slug=slug) + "#share")


@bp.get("/share/<secret>")
def shared(secret: str) -> ResponseReturnValue:
    study, link = sharing.open_share(get_session(), secret)
    s = build_summary(get_session(), study.slug, Filters.from_args(request.args))
    s = s if link.include_free_text else s.without_free_text()
    page = render_template("reports/shared.html", s=s, charts=dashboard_charts(s), history=history_charts(s))
    return page, 200, {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@bp.get("/studies/<slug>/journey")
@auth.login_required
def journey(slug: str) -> ResponseReturnValue:
    s = _summary(slug)
    stages = {stage.stage: stage for stage in s.stages}
    return render_template("reports/journey.html", s=s, stages=stages, stage_names=STAGES)


@bp.get("/studies/<slug>/compare")
@auth.login_required
def compare(slug: str) -> ResponseReturnValue:
    result = comparison.compare_from_args(get_session(), slug, request.args)
    return render_template("reports/compare.html", s=result.a if result.variant else result.b, c=result)


@bp.get("/studies/<slug>/live.json")
@auth.login_required
def live(slug: str) -> ResponseReturnValue:
    return jsonify(summary_queries.live_counts(get_session(), slug))


@bp.get("/studies/<slug>/summary.json")
@auth.login_required
def summary_json(slug: str) -> ResponseReturnValue:
    return jsonify(_summary(slug).to_dict())


def _csv(slug: str, table: str) -> ResponseReturnValue:
    db = get_session()
    studies.get_study(db, slug)
    filters = Filters.from_args(request.args)
    chunks = {
        "attempts": report_export.attempts_csv,
        "responses": report_export.responses_csv,
        "probes": report_export.probes_csv,
    }[table]
    headers = {"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'}
    return Response(stream_with_context(chunks(db, slug, filters)), mimetype="text/csv", headers=headers)


@bp.get("/studies/<slug>/attempts.csv")
@auth.login_required
def attempts_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "attempts")


@bp.get("/studies/<slug>/responses.csv")
@auth.login_required
def responses_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "responses")


@bp.get("/studies/<slug>/probes.csv")
@auth.login_required
def probes_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "probes")

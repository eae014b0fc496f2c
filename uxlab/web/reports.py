"""Report pages of a study (researcher login): dashboard, journey map, comparison, JSON, CSV and
PDF exports, and excluding participants from them (with a reason, reversible).

Every view parses the filters (``reports.filters``: device, dates, version, language,
finished, link parameter, outcome, task, excluded), calls ``summary.build_summary`` (or a
streamed export) and renders.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

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
from sqlmodel import Session

from uxlab import auth, studies
from uxlab.config import LANGUAGES
from uxlab.db import get_engine, get_session
from uxlab.errors import BadRequest, Conflict
from uxlab.participants import exclusions, sweep
from uxlab.reports import abandonment, comparison, downloads, format, pdf, queries, sharing
from uxlab.reports import questions as own_questions
from uxlab.reports.charts import dashboard_charts, history_charts
from uxlab.reports.filters import DEVICE_CLASSES, OUTCOMES, Filters
from uxlab.reports.sql import check_filters
from uxlab.reports.summary import build_summary
from uxlab.reports.types import SCHEMA_V1, SCHEMA_VERSION, STAGES, CXSummary
from uxlab.web.study_access import visible_variants

bp = Blueprint("reports", __name__)
SUMMARY_SCHEMAS = {SCHEMA_VERSION: 2, SCHEMA_V1: 1}  # summary.json?schema=... (default: the newest)
for _name, _function in format.FILTERS.items():
    bp.add_app_template_filter(_function, _name)


@bp.context_processor
def _reports_context() -> dict[str, object]:
    db, slug = get_session(), (request.view_args or {}).get("slug")
    variants = visible_variants(slug) if slug else []
    return {
        "researcher": auth.current_user(db),
        "device_classes": DEVICE_CLASSES,
        "outcomes": OUTCOMES,
        "languages": LANGUAGES,
        "variants": variants,
    }


def _end_abandoned(slug: str) -> None:
    """Abandoned attempts of the study end before any figure is read (uxlab/participants/sweep.py)."""
    sweep.end_overdue_of(get_session(), slug)


def _summary(slug: str) -> CXSummary:
    _end_abandoned(slug)
    return build_summary(get_session(), slug, Filters.from_args(request.args))


@bp.get("/studies/<slug>/summary")
@auth.login_required
def summary(slug: str) -> ResponseReturnValue:
    s = _summary(slug)
    shares = sharing.active_shares(get_session(), slug)
    left = abandonment.by_task(get_session(), slug)
    return render_template(
        "reports/summary.html",
        s=s,
        charts=dashboard_charts(s),
        history=history_charts(s),
        shares=shares,
        abandonment=left,
    )


@bp.post("/studies/<slug>/shares")
@auth.login_required
def create_share(slug: str) -> ResponseReturnValue:
    include = request.form.get("include_free_text") == "1"
    link, secret = sharing.create_share(get_session(), slug, include)
    auth.record_action("share_created", slug, f"link {link.id}")
    url = str(current_app.config["PUBLIC_URL"]).rstrip("/") + url_for("reports.shared", secret=secret)
    flash(url, "share-url")  # shown once, in the share section the page jumps to
    return redirect(url_for("reports.summary", slug=slug) + "#share")


@bp.post("/studies/<slug>/shares/<int:share_id>/revoke")
@auth.login_required
def revoke_share(slug: str, share_id: int) -> ResponseReturnValue:
    sharing.revoke_share(get_session(), slug, share_id)
    auth.record_action("share_revoked", slug, f"link {share_id}")
    flash(f"Share link {share_id} is revoked.")
    return redirect(url_for("reports.summary", slug=slug) + "#share")


@bp.get("/share/<secret>")
def shared(secret: str) -> ResponseReturnValue:
    study, link = sharing.open_share(get_session(), secret)
    _end_abandoned(study.slug)
    # Researchers' choices only: excluded participants, and the captured link parameters, whose
    # filter would tell an outside viewer whether a given panel ID took part.
    filters = replace(Filters.from_args(request.args), with_excluded=False, link=None)
    s = build_summary(get_session(), study.slug, filters)
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
    result = _comparison(slug)
    return render_template("reports/compare.html", s=result.a if result.variant else result.b, c=result)


@bp.get("/studies/<slug>/compare.json")
@auth.login_required
def compare_json(slug: str) -> ResponseReturnValue:
    return jsonify(_comparison(slug).to_dict())


def _comparison(slug: str) -> comparison.Comparison:
    """The comparison the query asks for, abandoned attempts of both sides ended first."""
    variants = visible_variants(slug)
    for study in (slug, *variants):
        _end_abandoned(study)
    return comparison.compare_from_args(get_session(), slug, request.args, variants)


@bp.get("/studies/<slug>/live.json")
@auth.login_required
def live(slug: str) -> ResponseReturnValue:
    _end_abandoned(slug)
    return jsonify(queries.live_counts(get_session(), slug))


@bp.get("/studies/<slug>/summary.json")
@auth.login_required
def summary_json(slug: str) -> ResponseReturnValue:
    version = SUMMARY_SCHEMAS.get(request.args.get("schema") or SCHEMA_VERSION)
    if version is None:
        raise BadRequest(f"schema must be one of {', '.join(SUMMARY_SCHEMAS)}", field="schema")
    return jsonify(_summary(slug).to_dict(version))


def _csv(slug: str, table: str) -> ResponseReturnValue:
    db = get_session()
    filters = Filters.from_args(request.args)
    check_filters(db, int(studies.get_study(db, slug).id or 0), filters)
    _end_abandoned(slug)  # as the dashboard: the download counts what the summary counts
    chunks = {
        "attempts": downloads.attempts_csv,
        "responses": downloads.responses_csv,
        "questions": downloads.questions_csv,
        "sessions": downloads.sessions_csv,
        "probes": downloads.probes_csv,
    }[table]
    headers = {"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'}

    def rows() -> Iterator[str]:
        # Its own session, closed when the stream ends or is dropped: the request's session
        # is closed at the first teardown, and a query after that opened a connection that
        # nothing closed (one leaked per download on PostgreSQL).
        with Session(get_engine(), expire_on_commit=False) as own:
            yield from chunks(own, slug, filters)

    return Response(stream_with_context(rows()), mimetype="text/csv", headers=headers)


@bp.get("/studies/<slug>/attempts.csv")
@auth.login_required
def attempts_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "attempts")


@bp.get("/studies/<slug>/responses.csv")
@auth.login_required
def responses_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "responses")


@bp.get("/studies/<slug>/questions.csv")
@auth.login_required
def questions_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "questions")


@bp.get("/studies/<slug>/sessions.csv")
@auth.login_required
def sessions_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "sessions")


@bp.get("/studies/<slug>/questions")
@auth.login_required
def questions(slug: str) -> ResponseReturnValue:
    s, db = _summary(slug), get_session()
    figures = own_questions.question_figures(db, slug, s.filters)
    state = own_questions.recruiting_state(db, slug, s.finished)
    return render_template("reports/questions.html", s=s, figures=figures, recruiting=state)


@bp.get("/studies/<slug>/probes.csv")
@auth.login_required
def probes_csv(slug: str) -> ResponseReturnValue:
    return _csv(slug, "probes")


@bp.get("/studies/<slug>/summary.pdf")
@auth.login_required
def summary_pdf(slug: str) -> ResponseReturnValue:
    chromium = str(current_app.config.get("CHROMIUM_PATH") or "")
    document = pdf.render_pdf(pdf.print_html(_summary(slug)), chromium=chromium)
    name = f"{slug}-summary.pdf"
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/studies/<slug>/exclusions")
@auth.login_required
def exclusions_list(slug: str) -> ResponseReturnValue:
    db = get_session()
    study = studies.get_study(db, slug)
    rows = exclusions.excluded_in(db, int(study.id or 0))
    return render_template("reports/exclusions.html", study=study, rows=rows)


@bp.post("/studies/<slug>/participants/<public_id>/exclude")
@auth.login_required
def exclude(slug: str, public_id: str) -> ResponseReturnValue:
    db = get_session()
    try:
        exclusions.exclude(
            db, public_id, request.form.get("reason", ""), study_slug=slug, actor=auth.current_email(db)
        )
        flash(f"Participant {public_id[:8]} is excluded from the reports (undo: the excluded list).")
    except Conflict:  # a double click: the first post excluded them, and the browser shows the second
        flash(f"Participant {public_id[:8]} is excluded already (undo: the excluded list).")
    return redirect(url_for("researcher.attempts", slug=slug))


@bp.post("/studies/<slug>/participants/<public_id>/include")
@auth.login_required
def include(slug: str, public_id: str) -> ResponseReturnValue:
    db = get_session()
    exclusions.include(db, public_id, study_slug=slug, actor=auth.current_email(db))
    flash(f"Participant {public_id[:8]} counts in the reports again.")
    return redirect(url_for("reports.exclusions_list", slug=slug))

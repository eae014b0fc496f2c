"""Probe uploads (``POST /api/v1/probes`` with a bearer token) and the researcher's history pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from uxlab import auth, probe_uploads
from uxlab.charts.lines import Series, line_chart
from uxlab.db import get_session
from uxlab.errors import BadRequest
from uxlab.reports import probe_builds
from uxlab.web import request_bodies

bp = Blueprint("probes", __name__)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CHART_TITLES = {
    "score": "Performance score (Lighthouse-compatible)",
    "ttfb_ms": "Time to first byte (ms)",
    "fcp_ms": "First contentful paint (ms)",
    "lcp_ms": "Largest contentful paint (ms)",
    "si_ms": "Speed Index (ms)",
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
    db = get_session()
    # The token before the body: without a valid one, the body is neither read nor parsed.
    token = probe_uploads.authenticate(db, request.headers.get("Authorization"))
    if not request.is_json:
        raise BadRequest("the body must be JSON (Content-Type: application/json)")
    body = request_bodies.read_json_body(MAX_UPLOAD_BYTES, required=True)
    saved = probe_uploads.store_upload(db, token, body)
    slug = probe_uploads.study_slug(db, saved.study_id)
    public = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    history = public + url_for("probes.pages", slug=slug)
    build = public + url_for("probes.build", slug=slug, build_id=saved.id)
    return {"id": saved.id, "history_url": history, "build_url": build}, 201


@bp.route("/studies/<slug>/probes", methods=["GET", "POST"])
@auth.login_required
def pages(slug: str) -> ResponseReturnValue:
    db = get_session()
    new_token = None
    if request.method == "POST":
        new_token = probe_uploads.create_token(db, slug, request.form.get("label", ""))
        auth.record_action("token_created", slug)
    return render_template(
        "probes/pages.html",
        slug=slug,
        pages=probe_uploads.study_pages(db, slug),
        new_token=new_token,
        tokens=probe_uploads.list_tokens(db, slug),
    )


@bp.post("/studies/<slug>/probes/tokens/<int:token_id>/revoke")
@auth.login_required
def revoke_token(slug: str, token_id: int) -> ResponseReturnValue:
    probe_uploads.revoke_token(get_session(), slug, token_id)
    auth.record_action("token_revoked", slug, f"token {token_id}")
    flash(f"Upload token {token_id} is revoked: it uploads no more.")
    return redirect(url_for("probes.pages", slug=slug) + "#tokens")


@bp.get("/studies/<slug>/builds")
@auth.login_required
def builds(slug: str) -> ResponseReturnValue:
    branch = _one_arg("branch", 200)
    rows, branches = probe_builds.builds(get_session(), slug, branch)
    return render_template("probes/builds.html", slug=slug, rows=rows, branches=branches, branch=branch)


@bp.get("/studies/<slug>/builds/<int:build_id>")
@auth.login_required
def build(slug: str, build_id: int) -> ResponseReturnValue:
    db = get_session()
    row, report = probe_builds.build(db, slug, build_id)
    base = probe_builds.default_base(db, slug, build_id)
    return render_template("probes/build.html", slug=slug, row=row, report=report, base=base)


@bp.get("/studies/<slug>/builds/<int:build_id>/compare")
@auth.login_required
def compare(slug: str, build_id: int) -> ResponseReturnValue:
    db = get_session()
    base_id = _build_id(_one_arg("base", 12))
    if base_id == build_id:
        raise BadRequest(f"base is this build ({build_id}): give another build to compare with", field="base")
    if base_id is None:
        base_id = probe_builds.default_base(db, slug, build_id)
    if base_id is None:
        raise BadRequest(
            "no earlier build measured this build's pages and profiles: give one to compare with as ?base=N",
            field="base",
        )
    head, head_report = probe_builds.build(db, slug, build_id)
    base, base_report = probe_builds.build(db, slug, base_id)
    rows = probe_builds.compare(base_report, head_report)
    return render_template("probes/compare.html", slug=slug, head=head, base=base, rows=rows)


def _one_arg(name: str, longest: int) -> str:
    """The query parameter ``name`` ('' if absent); BadRequest naming it if repeated or too long."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"give one {name}, not {len(values)}", field=name)
    value = values[0] if values else ""
    if len(value) > longest:
        raise BadRequest(f"{name} is longer than {longest} characters", field=name)
    return value


def _build_id(text: str | None) -> int | None:
    """A build id from the query string: a positive number in ASCII digits, else BadRequest."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        raise BadRequest("base must be a build number", field="base")
    return int(text)


@bp.get("/studies/<slug>/probes/page")
@auth.login_required
def history(slug: str) -> ResponseReturnValue:
    path = _one_arg("path", 500)
    if not path:
        raise BadRequest("path is required: the probed page, such as ?path=/", field="path")
    branch = _one_arg("branch", 200)
    db = get_session()
    by_profile = probe_uploads.page_history(db, slug, path, branch)
    return render_template(
        "probes/history.html",
        slug=slug,
        path=path,
        branch=branch,
        branches=probe_builds.branches(db, slug),
        charts=history_charts(path, by_profile),
        by_profile=by_profile,
    )


def history_charts(
    path: str, by_profile: dict[str, list[probe_uploads.HistoryPoint]]
) -> list[tuple[str, Markup]]:
    """Return (title, SVG line chart) per metric: one line per profile, the budget dashed.

    The x axis holds every build that measured the page in any profile, in build order; a
    profile without a run in a build leaves a gap there, so each point sits at its own build.
    A profile's budget is the one its latest build on the chart was judged by; profiles whose
    budgets differ get a chart each, since one chart draws one budget line.
    """
    labels = {p.upload_id: p.label for points in by_profile.values() for p in points}
    axis = sorted(labels)
    x_labels = [labels[u] for u in axis]
    charts = []
    for metric, title in CHART_TITLES.items():
        series = {}
        for prof, points in by_profile.items():
            at = {p.upload_id: p.values.get(metric) for p in points}
            series[prof] = Series(prof, [at.get(u) for u in axis])
        limits = {
            prof: points[-1].budgets[metric]
            for prof, points in by_profile.items()
            if metric in points[-1].budgets
        }
        top = 1.0 if metric == "score" else None
        if len(set(limits.values())) > 1:
            for prof, one in series.items():
                chart = line_chart(
                    f"{title}, {prof}, {path}", x_labels, [one], budget=limits.get(prof), y_max=top
                )
                charts.append((f"{title}: {prof}", chart))
            continue
        budget = next(iter(limits.values()), None)
        owners = "budget" if len(limits) == len(series) else f"{', '.join(limits)} budget"
        chart = line_chart(
            f"{title}, {path}", x_labels, list(series.values()), budget=budget, budget_label=owners, y_max=top
        )
        charts.append((title, chart))
    return charts

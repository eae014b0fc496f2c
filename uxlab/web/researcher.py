"""Researcher pages: sign in/out, the study list with open/close, a study's raw attempts.

Every page but /login needs a signed-in researcher; every POST carries the CSRF token
(``uxlab.web.security``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from uxlab import auth, export, login_limits, studies
from uxlab.db import get_session

bp = Blueprint("researcher", __name__)
ATTEMPTS_PER_PAGE = 50
MAX_PER_PAGE = 500


@bp.context_processor
def _researcher_context() -> dict[str, object]:
    return {
        "researcher": auth.current_user(get_session()),
        "public_url": str(current_app.config["PUBLIC_URL"]).rstrip("/"),
    }


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("researcher.study_list"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = auth.safe_next(request.values.get("next"), url_for("researcher.study_list"))
    if request.method == "GET":
        return render_template("researcher/login.html", next=target, email="", failed=False)
    email = request.form.get("email", "")
    key = login_limits.key_for(email, request.remote_addr)
    login_limits.limits().check(key)
    user = auth.authenticate(get_session(), email, request.form.get("password", ""))
    if user is None:
        login_limits.limits().failed(key)
        page = render_template("researcher/login.html", next=target, email=email, failed=True)
        return page, 401
    login_limits.limits().succeeded(key)
    auth.login(user)
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    auth.logout()
    flash("You are signed out.")
    return redirect(url_for("researcher.login"))


@bp.get("/studies")
@auth.login_required
def study_list() -> ResponseReturnValue:
    rows = studies.list_studies(get_session())
    return render_template("researcher/studies.html", studies=rows)


@bp.post("/studies/<slug>/<any(open, close):action>")
@auth.login_required
def set_open(slug: str, action: str) -> ResponseReturnValue:
    study = studies.set_open(get_session(), slug, action == "open")
    flash(f"“{study.title}” is now {'open' if study.is_open else 'closed'} to participants.")
    return redirect(url_for("researcher.study_list"))


@bp.get("/studies/<slug>/attempts")
@auth.login_required
def attempts(slug: str) -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int)
    per_page = min(request.args.get("per_page", ATTEMPTS_PER_PAGE, type=int), MAX_PER_PAGE)
    if page < 1 or per_page < 1:
        abort(404)
    db = get_session()
    study = studies.get_study(db, slug)
    total = export.count_attempts(db, slug)
    offset = (page - 1) * per_page
    rows = list(export.iter_attempt_rows(db, slug, offset=offset, limit=per_page))
    pages = max(1, -(-total // per_page))
    return render_template(
        "researcher/attempts.html",
        study=study,
        rows=rows,
        total=total,
        offset=offset,
        page=page,
        pages=pages,
        per_page=per_page,
    )

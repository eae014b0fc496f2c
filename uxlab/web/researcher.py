"""Researcher pages: sign in/out, the study list with open/close, a study's raw attempts (and
deleting one participant from there), who a study is shared with, and (admins) accounts.

Every page but /login needs a signed-in researcher; every POST carries the CSRF token
(``uxlab.web.security``); which studies and pages an account may open is checked before
any view runs (``uxlab.web.study_access``).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from uxlab import access, audit, auth, login_limits, studies
from uxlab.db import get_session
from uxlab.errors import BadRequest
from uxlab.models import User
from uxlab.participants import sweep
from uxlab.participants.deletion import delete_participant
from uxlab.reports import export
from uxlab.reports.filters import DEVICE_CLASSES, OUTCOMES, Filters
from uxlab.reports.sql import check_filters

bp = Blueprint("researcher", __name__)
ATTEMPTS_PER_PAGE = 50
AUDIT_PER_PAGE = 100
MAX_PER_PAGE = 500
# Pages beyond this are refused: the offset they make must fit a 64-bit database integer.
MAX_COUNT_ARG = 1_000_000_000


@bp.context_processor
def researcher_context() -> dict[str, object]:
    """The signed-in researcher and the public URL, for every researcher page."""
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
    limits, client = login_limits.limits(), request.remote_addr
    # Counted as failed unless it succeeds below; refused here, before argon2 runs, if over a limit.
    attempt = limits.attempt(login_limits.key_for(email, client), address=login_limits.address_key(client))
    db = get_session()
    user = auth.authenticate(db, email, request.form.get("password", ""))
    if user is None:
        audit.record(db, "sign_in_failed", actor=email.strip().lower())
        page = render_template("researcher/login.html", next=target, email=email, failed=True)
        return page, 401
    limits.succeeded(attempt)
    auth.login(db, user)
    audit.record(db, "sign_in", actor=user.email)
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if auth.current_user(get_session()) is not None:
        auth.record_action("sign_out")
    auth.logout(get_session())
    flash("You are signed out.")
    return redirect(url_for("researcher.login"))


def _me() -> User:
    """The signed-in account (``login_required`` has let only signed-in ones through)."""
    user = auth.current_user(get_session())
    assert user is not None, "login_required lets only signed-in accounts through"
    return user


@bp.get("/studies")
@auth.login_required
def study_list() -> ResponseReturnValue:
    rows = access.visible_studies(get_session(), _me())
    return render_template("researcher/studies.html", studies=rows)


@bp.get("/studies/<slug>/access")
@auth.login_required
def study_access(slug: str) -> ResponseReturnValue:
    db, user = get_session(), _me()
    study = access.study_for(db, user, slug)
    owner, shared = access.owner_of(db, study), access.shared_with(db, study)
    manages = access.may_manage(user, study)
    return render_template("researcher/access.html", study=study, owner=owner, shared=shared, manages=manages)


@bp.post("/studies/<slug>/access/<any(share, unshare):action>")
@auth.login_required
def share_study(slug: str, action: str) -> ResponseReturnValue:
    db, user = get_session(), _me()
    study = access.study_for(db, user, slug)
    access.require_manager(user, study)
    change = access.share if action == "share" else access.unshare
    other = change(db, study, request.form.get("email", ""), actor=user.email)
    flash(f"“{study.title}” is {'now' if action == 'share' else 'no longer'} shared with {other.email}.")
    return redirect(url_for("researcher.study_access", slug=slug))


@bp.post("/studies/<slug>/<any(open, close):action>")
@auth.login_required
def set_open(slug: str, action: str) -> ResponseReturnValue:
    db = get_session()
    study = studies.set_open(db, slug, action == "open", actor=auth.current_email(db))
    flash(f"“{study.title}” is now {'open' if study.is_open else 'closed'} to participants.")
    return redirect(url_for("researcher.study_list"))


def _count_arg(name: str, default: int, *, least: int = 0) -> int:
    """A whole-number query parameter; BadRequest for anything else, below ``least`` or beyond
    MAX_COUNT_ARG."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not least <= int(raw) <= MAX_COUNT_ARG:
        raise BadRequest(f"{name} must be a whole number from {least} to {MAX_COUNT_ARG}", field=name)
    return int(raw)


@bp.get("/studies/<slug>/attempts")
@auth.login_required
def attempts(slug: str) -> ResponseReturnValue:
    page = _count_arg("page", 1, least=1)
    per_page = min(_count_arg("per_page", ATTEMPTS_PER_PAGE, least=1), MAX_PER_PAGE)
    db = get_session()
    study = studies.get_study(db, slug)
    filters = Filters.from_args(request.args)
    check_filters(db, int(study.id or 0), filters)
    sweep.end_overdue_of(db, slug)  # an abandoned attempt reads as ended, as on the dashboard
    every = replace(filters, with_excluded=True)  # excluded participants too, marked
    total = export.count_attempts(db, slug, every)
    offset = (page - 1) * per_page
    rows = list(export.iter_attempt_rows(db, slug, every, offset=offset, limit=per_page))
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
        filters=filters,
        choices={"outcome": OUTCOMES, "task": export.task_keys(db, slug), "device": DEVICE_CLASSES},
    )


@bp.post("/studies/<slug>/participants/<public_id>/delete")
@auth.login_required
def delete_participant_rows(slug: str, public_id: str) -> ResponseReturnValue:
    if request.form.get("confirm") != "yes":
        raise BadRequest("tick the box to confirm the deletion", field="confirm")
    db = get_session()
    counts = delete_participant(db, public_id, study_slug=slug, actor=auth.current_email(db))
    flash(f"Deleted participant {public_id[:8]}: {counts.describe()}.")
    return redirect(url_for("researcher.attempts", slug=slug))


@bp.get("/audit")
@auth.login_required
def audit_log() -> ResponseReturnValue:
    db, per_page = get_session(), AUDIT_PER_PAGE
    page = _count_arg("page", 1, least=1)
    events = audit.recent(db, offset=(page - 1) * per_page, limit=per_page)
    pages = max(1, -(-audit.count(db) // per_page))
    return render_template(
        "researcher/audit.html", events=events, actions=audit.ACTIONS, page=page, pages=pages
    )


@bp.get("/accounts")
@auth.login_required
def accounts() -> ResponseReturnValue:
    return render_template("researcher/accounts.html", users=auth.list_users(get_session()), roles=auth.ROLES)


@bp.post("/accounts/role")
@auth.login_required
def set_role() -> ResponseReturnValue:
    email, role = request.form.get("email", ""), request.form.get("role", "")
    user = auth.set_role(get_session(), email, role, actor=_me().email)
    flash(f"{user.email} is now {'an' if user.role == auth.ADMIN else 'a'} {user.role}.")
    return redirect(url_for("researcher.accounts"))

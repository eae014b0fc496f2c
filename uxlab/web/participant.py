"""Participant pages under /s/<slug>: consent, task prompt + Start, SEQ, questionnaires, thanks.

A participant is identified by a signed cookie per study (``uxlab_p_<slug>``, path
``/s/<slug>``) holding the session's public id. Every page asks ``participation.progress``
where the participant is and redirects there, so reloading any page resumes the study.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import flask_babel
from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from uxlab import participation
from uxlab.answer_scales import InvalidAnswers
from uxlab.db import get_session
from uxlab.errors import Gone, UxlabError
from uxlab.models import ParticipantSession, Study, StudyVersion
from uxlab.participation import OutOfStep, Progress
from uxlab.web import questionnaire_text

bp = Blueprint("participant", __name__, url_prefix="/s/<slug>")
COOKIE_MAX_AGE_S = 90 * 24 * 3600


class NoSession(UxlabError):
    """The browser has no session for this study yet: send it to the consent page."""

    status = 303


def _cookie_name(slug: str) -> str:
    return f"uxlab_p_{slug}"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="uxlab-participant")


def _public_id(slug: str) -> str | None:
    try:
        value = _signer().loads(request.cookies.get(_cookie_name(slug), ""))
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def _set_language(language: str) -> None:
    g.uxlab_locale = language
    flask_babel.refresh()


def _study(slug: str) -> tuple[Study, StudyVersion, ParticipantSession | None]:
    """Find the study and this browser's session, set the page language, refuse a closed study."""
    db = get_session()
    study, version = participation.find_study(db, slug)
    session = participation.find_session(db, study, _public_id(slug))
    if session is not None:
        _set_language(session.language)
    else:
        scenario = participation.scenario_of(version)
        _set_language(
            participation.choose_language(
                scenario.language,
                request.headers.get("Accept-Language", ""),
                current_app.config["DEFAULT_LANGUAGE"],
            )
        )
    participation.ensure_open(study)
    return study, version, session


def _participant(slug: str) -> tuple[ParticipantSession, Progress]:
    session = _study(slug)[2]
    if session is None:
        raise NoSession("No participant session.")
    return session, _progress(session)


def _progress(session: ParticipantSession) -> Progress:
    tolerance_s = float(current_app.config["CLOCK_TOLERANCE_S"])
    return participation.progress(get_session(), session, clock_tolerance_s=tolerance_s)


def _url(slug: str, where: Progress) -> str:
    if where.step in ("task", "seq"):
        return url_for(f"participant.{where.step}", slug=slug, number=where.number)
    return url_for(f"participant.{where.step}", slug=slug)


def _render(template: str, session: ParticipantSession | None, version: StudyVersion, **context: Any) -> str:
    scenario = participation.scenario_of(version)
    return render_template(
        template, page_lang=g.uxlab_locale, scenario=scenario, session=session, slug=scenario.slug, **context
    )


def _version(session: ParticipantSession) -> StudyVersion:
    version = get_session().get(StudyVersion, session.study_version_id)
    assert version is not None
    return version


@bp.get("")
def consent(slug: str) -> ResponseReturnValue:
    _, version, session = _study(slug)
    if session is not None:
        return redirect(_url(slug, _progress(session)))
    return _render("participant/consent.html", None, version)


@bp.post("")
def consent_given(slug: str) -> ResponseReturnValue:
    _, version, session = _study(slug)
    if session is None:
        headers = request.headers
        session = participation.start_session(
            get_session(),
            version,
            headers.get("User-Agent", ""),
            headers.get("Accept-Language", ""),
            current_app.config["DEFAULT_LANGUAGE"],
        )
    response = redirect(_url(slug, _progress(session)), code=303)
    response.set_cookie(
        _cookie_name(slug),
        _signer().dumps(session.public_id),
        max_age=COOKIE_MAX_AGE_S,
        path=f"/s/{slug}",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


@bp.get("/task/<int:number>")
def task(slug: str, number: int) -> ResponseReturnValue:
    session, where = _participant(slug)
    if (where.step, where.number) != ("task", number):
        return redirect(_url(slug, where))
    spec = participation.task_spec(_version(session), where)
    return _render("participant/task.html", session, _version(session), where=where, spec=spec)


@bp.post("/task/<int:number>")
def start_task(slug: str, number: int) -> ResponseReturnValue:
    session, _ = _participant(slug)
    url = participation.begin_task(get_session(), session, number, request.host_url.rstrip("/"))
    return redirect(url, code=303)


@bp.route("/task/<int:number>/seq", methods=["GET", "POST"])
def seq(slug: str, number: int) -> ResponseReturnValue:
    session, where = _participant(slug)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            participation.save_seq(get_session(), session, number, request.form.get("seq"))
            return redirect(_url(slug, _progress(session)), code=303)
        except InvalidAnswers as error:
            errors = error.errors
    elif (where.step, where.number) != ("seq", number):
        return redirect(_url(slug, where))
    question = questionnaire_text.seq_question()
    page = _render("participant/seq.html", session, _version(session), where=where, q=question, errors=errors)
    return page, 400 if errors else 200


@bp.route("/questionnaires", methods=["GET", "POST"])
def questionnaires(slug: str) -> ResponseReturnValue:
    session, where = _participant(slug)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            participation.save_responses(get_session(), session, request.form)
            return redirect(url_for("participant.thanks", slug=slug), code=303)
        except InvalidAnswers as error:
            errors = error.errors
    elif where.step != "questionnaires":
        return redirect(_url(slug, where))
    page = _render("participant/questionnaires.html", session, _version(session), errors=errors)
    return page, 400 if errors else 200


@bp.get("/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    session, where = _participant(slug)
    if where.step != "thanks":
        return redirect(_url(slug, where))
    return _render("participant/thanks.html", session, _version(session))


@bp.errorhandler(NoSession)
def _no_session(_error: NoSession) -> Response:
    return redirect(url_for("participant.consent", slug=(request.view_args or {})["slug"]))


@bp.errorhandler(OutOfStep)
def _out_of_step(error: OutOfStep) -> Response:
    return redirect(_url((request.view_args or {})["slug"], error.where), code=303)


@bp.errorhandler(Gone)
def _gone(error: Gone) -> ResponseReturnValue:
    finished = isinstance(error, participation.SessionFinished)
    return render_template(
        "participant/gone.html", page_lang=g.get("uxlab_locale", "en"), finished=finished
    ), 410


def _select_locale() -> str | None:
    """Participant pages set g.uxlab_locale; elsewhere the browser's choice among en/de/ru."""
    chosen = g.get("uxlab_locale")
    if chosen:
        return str(chosen)
    if not has_request_context():
        return None
    return participation.choose_language(
        None, request.headers.get("Accept-Language", ""), current_app.config["DEFAULT_LANGUAGE"]
    )


def duration(seconds: float) -> str:
    """Format a time limit in the page's language: whole minutes as minutes, else seconds."""
    whole = round(seconds)
    if whole >= 60 and whole % 60 == 0:
        return flask_babel.format_timedelta(timedelta(seconds=whole), threshold=1)
    return flask_babel.format_timedelta(timedelta(seconds=whole), threshold=10**9, granularity="second")


def init_app(app: Flask) -> None:
    """Bind Flask-Babel (catalogs in uxlab/translations, compiled .mo files committed)."""
    flask_babel.Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals["questionnaire_text"] = questionnaire_text
    app.add_template_filter(duration)

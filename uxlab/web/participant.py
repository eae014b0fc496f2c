"""Participant pages under /s/<slug>: consent, task prompt + Start, SEQ, questionnaires, thanks.

A participant is identified by a signed cookie per study (``participant_cookie.py``)
holding the session's public id. Every page asks ``sessions.progress``
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
from werkzeug.wrappers import Response

from uxlab import studies
from uxlab.db import get_session
from uxlab.errors import Gone, InvalidAnswers, NotFound, StudyFull
from uxlab.models import ParticipantSession, Study, StudyVersion, utcnow
from uxlab.participants import judging, recruiting, sessions, task_open, task_questions
from uxlab.participants.browsers import device_class
from uxlab.participants.sessions import Progress
from uxlab.scenarios import Scenario
from uxlab.web import participant_errors, questionnaire_text, recruit_pages
from uxlab.web.participant_cookie import read_public_id, with_cookie

bp = Blueprint("participant", __name__, url_prefix="/s/<slug>")
bp.register_error_handler(StudyFull, recruit_pages.full)
bp.register_error_handler(Gone, participant_errors.gone)
bp.register_error_handler(NotFound, participant_errors.not_found)


def _set_language(language: str) -> None:
    g.uxlab_locale = language
    flask_babel.refresh()


def _study(slug: str) -> tuple[Study, StudyVersion, ParticipantSession | None]:
    """Find the study and this browser's session, set the page language, refuse a closed study."""
    db = get_session()
    study, version = sessions.find_study(db, slug)
    session = sessions.find_session(db, study, read_public_id(slug))
    if session is not None:
        _set_language(session.language)
    else:
        scenario = studies.scenario_of(version)
        _set_language(
            sessions.choose_language(
                scenario.language,
                request.headers.get("Accept-Language", ""),
                current_app.config["DEFAULT_LANGUAGE"],
            )
        )
    sessions.ensure_open(study)
    if session is None:  # a newcomer starts only while recruiting is open (close_at, quota)
        recruiting.admit(db, study, device_class(request.headers.get("User-Agent", "")))
    return study, version, session


def _after_answers(slug: str, session: ParticipantSession) -> str:
    """Where a post of answers leads: the next step, or the panel's completion URL once finished."""
    target = recruiting.completion_target(_version(session), session)
    return target or _url(slug, _progress(session))


def _participant(slug: str) -> tuple[ParticipantSession, Progress] | None:
    """This browser's session and where it is; None when it has none (the view sends it to consent)."""
    session = _study(slug)[2]
    return None if session is None else (session, _progress(session))


def _to_consent(slug: str) -> Response:
    return redirect(url_for("participant.consent", slug=slug))


def _progress(session: ParticipantSession) -> Progress:
    return sessions.progress(get_session(), session)


def _url(slug: str, where: Progress) -> str:
    if where.step in ("task", "seq"):
        return url_for(f"participant.{where.step}", slug=slug, number=where.number)
    return url_for(f"participant.{where.step}", slug=slug)


def _render(template: str, session: ParticipantSession | None, version: StudyVersion, **context: Any) -> str:
    scenario = studies.scenario_of(version)
    return render_template(
        template, page_lang=g.uxlab_locale, scenario=scenario, session=session, slug=scenario.slug, **context
    )


def _version(session: ParticipantSession) -> StudyVersion:
    version = get_session().get(StudyVersion, session.study_version_id)
    assert version is not None
    return version


@bp.get("")
def consent(slug: str) -> ResponseReturnValue:
    study, version, session = _study(slug)
    if session is not None:
        return redirect(_url(slug, _progress(session)))
    if (screening := recruit_pages.to_screener(slug, study, read_public_id(slug))) is not None:
        return screening
    page = current_app.make_response(_render("participant/consent.html", None, version))
    return with_cookie(page, slug, read_public_id(slug) or sessions.new_public_id())


@bp.post("")
def consent_given(slug: str) -> ResponseReturnValue:
    study, version, session = _study(slug)
    screening = None if session else recruit_pages.to_screener(slug, study, read_public_id(slug))
    if screening is not None:
        return screening
    if session is None:
        user_agent, languages = (
            request.headers.get("User-Agent", ""),
            request.headers.get("Accept-Language", ""),
        )
        session = sessions.start_session(get_session(), version, user_agent, languages, read_public_id(slug))
        recruiting.keep_link_params(get_session(), session, request.args)
    return with_cookie(redirect(_url(slug, _progress(session)), code=303), slug, session.public_id)


@bp.get("/task/<int:number>")
def task(slug: str, number: int) -> ResponseReturnValue:
    if (found := _participant(slug)) is None:
        return _to_consent(slug)
    session, where = found
    if (where.step, where.number) != ("task", number):
        return redirect(_url(slug, where))
    spec = sessions.task_spec(_version(session), where)
    left_s = judging.time_left_s(where.attempt, spec, utcnow())
    unopened = task_open.did_not_open(get_session(), where.attempt)
    return _render(
        "participant/task.html",
        session,
        _version(session),
        where=where,
        spec=spec,
        left_s=left_s,
        unopened=unopened,
    )


@bp.post("/task/<int:number>")
def start_task(slug: str, number: int) -> ResponseReturnValue:
    if (found := _participant(slug)) is None:
        return _to_consent(slug)
    session, where = found
    # PUBLIC_URL, never the request's Host: the URL carries the attempt token to the site.
    url = sessions.begin_task(
        get_session(), session, number, str(current_app.config["PUBLIC_URL"]).rstrip("/")
    )
    return redirect(url or _url(slug, where), code=303)


@bp.post("/task/<int:number>/skip")
def skip_task(slug: str, number: int) -> ResponseReturnValue:
    """'Skip this task' after a task that did not open (uxlab/participants/task_open.py)."""
    if (found := _participant(slug)) is None:
        return _to_consent(slug)
    session, _ = found
    task_open.skip_unopened(get_session(), session, number)
    return redirect(_url(slug, _progress(session)), code=303)


@bp.route("/task/<int:number>/seq", methods=["GET", "POST"])
def seq(slug: str, number: int) -> ResponseReturnValue:
    if (found := _participant(slug)) is None:
        return _to_consent(slug)
    session, where = found
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            task_questions.save_seq_and_questions(get_session(), session, number, request.form)
            return redirect(_after_answers(slug, session), code=303)
        except InvalidAnswers as error:
            errors = error.errors
    elif (where.step, where.number) != ("seq", number):
        return redirect(_url(slug, where))
    question = questionnaire_text.seq_question()
    page = _render("participant/seq.html", session, _version(session), where=where, q=question, errors=errors)
    return page, 400 if errors else 200


@bp.route("/questionnaires", methods=["GET", "POST"])
def questionnaires(slug: str) -> ResponseReturnValue:
    if (found := _participant(slug)) is None:
        return _to_consent(slug)
    session, where = found
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            sessions.save_responses(get_session(), session, request.form)
            return redirect(_after_answers(slug, session), code=303)  # thanks, or the step they are at
        except InvalidAnswers as error:
            errors = error.errors
    elif where.step != "questionnaires":
        return redirect(_url(slug, where))
    page = _render("participant/questionnaires.html", session, _version(session), errors=errors)
    return page, 400 if errors else 200


@bp.get("/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    if (found := _participant(slug)) is None:
        return _to_consent(slug)
    session, where = found
    if where.step != "thanks":
        return redirect(_url(slug, where))
    completion = recruiting.completion_target(_version(session), session)
    filled = completion is None and recruiting.finished_over_quota(get_session(), session)
    return _render(
        "participant/thanks.html", session, _version(session), completion=completion, filled=filled
    )


@bp.after_request
def _never_from_the_page_cache(response: Response) -> Response:
    """Study pages are never served from an HTTP cache, and reload when Back restores them.

    Back from the site must show the task as it is now (running, its time left), not the
    page with "Start" from before it began (issue 11, point 6). no-store keeps them out of
    HTTP caches; Chromium (156) still keeps no-store pages in its back/forward cache, so the
    layout's pageshow check (``event.persisted``) is what reloads a restored page.
    """
    response.headers["Cache-Control"] = "no-store"
    return response


def _select_locale() -> str | None:
    """Participant pages set g.uxlab_locale; elsewhere the browser's choice among en/de/ru."""
    chosen = g.get("uxlab_locale")
    if chosen:
        return str(chosen)
    if not has_request_context():
        return None
    return sessions.choose_language(
        None, request.headers.get("Accept-Language", ""), current_app.config["DEFAULT_LANGUAGE"]
    )


def duration(seconds: float) -> str:
    """Format a time limit in the page's language: whole minutes as minutes, else seconds."""
    whole = round(seconds)
    if whole >= 60 and whole % 60 == 0:
        return flask_babel.format_timedelta(timedelta(seconds=whole), threshold=1)
    return flask_babel.format_timedelta(timedelta(seconds=whole), threshold=10**9, granularity="second")


def study_lang(scenario: Scenario) -> str:
    """The language of the researcher's own text (consent, prompts, questions) where the page speaks
    another, for its ``lang``: the study's ``language``, else ``DEFAULT_LANGUAGE`` (a study without
    one is written in the server's language); "" when it is the page's own."""
    text = scenario.language or str(current_app.config["DEFAULT_LANGUAGE"])
    return "" if text == g.get("uxlab_locale") else text


def init_app(app: Flask) -> None:
    """Bind Flask-Babel (catalogs in uxlab/translations, compiled .mo files committed)."""
    flask_babel.Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals["questionnaire_text"] = questionnaire_text
    app.jinja_env.globals["link_args"] = recruit_pages.link_args
    app.jinja_env.globals["study_lang"] = study_lang
    participant_errors.init_app(app)
    app.add_template_filter(duration)

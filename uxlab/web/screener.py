"""The screener under /s/<slug>/screener: questions a newcomer answers before consent.

Each answer is stored as a ``Screening`` of the browser's public id (its cookie): one the
screener lets in goes on to consent; one it turns away is counted, sees a polite page,
and never becomes a participant session.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from uxlab.db import get_session
from uxlab.errors import InvalidAnswers, NotFound, StudyFull
from uxlab.participants import recruiting, sessions
from uxlab.participants.browsers import device_class
from uxlab.web import participant, participant_cookie, participant_errors, recruit_pages
from uxlab.web.recruit_pages import link_args

bp = Blueprint("screener", __name__, url_prefix="/s/<slug>/screener")
bp.register_error_handler(StudyFull, recruit_pages.full)
bp.register_error_handler(NotFound, participant_errors.not_found)
# A study page like the others: never from an HTTP cache, reloaded when Back restores it.
bp.after_request(participant._never_from_the_page_cache)


@bp.route("", methods=["GET", "POST"])
def ask(slug: str) -> ResponseReturnValue:
    study, version, session = participant._study(slug)
    public_id = participant_cookie.read_public_id(slug) or sessions.new_public_id()
    db, errors = get_session(), {}
    if session is not None or not recruiting.screens(db, study):
        return redirect(url_for("participant.consent", slug=slug))
    out = recruiting.is_screened_out(db, study, public_id)  # a browser turned away does not try again
    if request.method == "POST" and not out:
        device = device_class(request.headers.get("User-Agent", ""))
        try:
            if recruiting.screen(db, study, public_id, device, request.form.to_dict(flat=False)):
                return _let_in(slug, public_id)
            out = True
        except InvalidAnswers as error:
            errors = error.errors
    if out:
        page = participant._render("participant/screened_out.html", None, version)
    else:
        questions = recruiting.recruit_of(db, study).screener  # type: ignore[union-attr]
        page = participant._render(
            "participant/screener.html", None, version, questions=questions, errors=errors
        )
    response = current_app.make_response((page, 400 if errors else 200))
    return participant_cookie.with_cookie(response, slug, public_id)


def _let_in(slug: str, public_id: str) -> Response:
    to_consent = redirect(url_for("participant.consent", slug=slug, **link_args()), code=303)
    return participant_cookie.with_cookie(to_consent, slug, public_id)

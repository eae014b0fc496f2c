"""The error pages a participant sees, in their language: a closed study (410), a study link
that leads nowhere (404), and a browser that dropped uxlab's cookies (400).

uxlab's own error page (``uxlab.web.errors``) is English, for researchers and API clients; a
participant gets these instead on the study pages (blueprints ``participant`` and ``screener``).
"""

from __future__ import annotations

import flask_babel
from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from uxlab import auth
from uxlab.db import get_session
from uxlab.errors import Gone, NotFound, Unauthorized
from uxlab.web import errors, study_access

PARTICIPANT_BLUEPRINTS = frozenset({"participant", "screener"})
NO_SESSION_COOKIE = "The CSRF session token is missing."  # Flask-WTF's reason: no session cookie came


def _language() -> str:
    """The participant's language, as the page's words get it (``participant._select_locale``)."""
    return str(flask_babel.get_locale() or "en")


def gone(_error: Gone) -> ResponseReturnValue:
    return render_template("participant/gone.html", page_lang=_language()), 410


def not_found(error: NotFound) -> ResponseReturnValue:
    """An unknown study or task in a study link: say so in the participant's language."""
    return render_template("participant/not_found.html", page_lang=_language()), 404


def cookie_refused(error: CSRFError) -> ResponseReturnValue:
    """A form posted without a valid CSRF token. A participant's without the session cookie
    (blocked or cleared) is told so in their language, not Flask-WTF's English "The CSRF
    session token is missing"; a researcher's sent after sign-out is told to sign in again."""
    researchers = study_access.STUDY_BLUEPRINTS
    needs_sign_in = request.blueprint in researchers and request.endpoint != "researcher.login"
    if needs_sign_in and auth.current_user(get_session()) is None:
        # A researcher's form sent after sign-out (or from a browser that dropped the cookie).
        signed_out = Unauthorized("you are signed out: sign in again, then go back and send the form again")
        return errors.handle_uxlab_error(signed_out)
    if request.blueprint not in PARTICIPANT_BLUEPRINTS or error.description != NO_SESSION_COOKIE:
        return errors.handle_http_exception(error)
    slug = (request.view_args or {}).get("slug")
    page = render_template("participant/no_cookie.html", slug=slug, page_lang=_language())
    return page, 400, {"Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    """The CSRF check runs before any blueprint's view, so its page is bound to the app."""
    app.register_error_handler(CSRFError, cookie_refused)

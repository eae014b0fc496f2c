"""App-wide CSRF protection (Flask-WTF), session cookie defaults and security headers.

Every form POST must carry ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``.
JSON APIs are exempt: anything under ``/api/`` and the blueprints named in
``CSRF_EXEMPT_BLUEPRINTS`` (they authenticate with attempt or API tokens, not cookies),
plus whatever is passed to ``app.extensions["csrf"].exempt(...)``. The probe upload API
(``POST /api/v1/probes``, a bearer token) is exempt by its path; the researcher's token
form in the same blueprint is not.

Who may see which study, and admin-only pages, are checked next, before any view
(``uxlab.web.study_access``).

JSON bodies under ``/api/`` are bounded in ``uxlab.web.request_bodies`` (size on the bytes
read, nesting, strings, numbers) before any view runs; the probe upload's view reads its
body the same way once its token is checked.

Werkzeug's routing redirects (a missing trailing slash, doubled slashes) are answered with
a path (``_relative_redirect``): Werkzeug builds them from the request's Host header.

Every response gets ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy:
same-origin`` (share pages: ``no-referrer``, so the secret in their URL never leaves).
Researcher pages (``RESEARCHER_BLUEPRINTS``, their JSON and exports included) and share
pages also get ``Cache-Control: no-store`` and a Content-Security-Policy: scripts only
from this server or inline with this request's nonce (``nonce="{{ csp_nonce }}"`` in
templates), no framing (``frame-ancestors 'none'``).
Participant and demo-site pages get no CSP: the demo site carries the tracker snippet
inline, as a customer's site does, and participant pages may be framed by a study's site.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import RequestRedirect

from uxlab.web import request_bodies, study_access

CSRF_EXEMPT_BLUEPRINTS = frozenset({"api"})
RESEARCHER_BLUEPRINTS = frozenset({"researcher", "reports", "probes", "studio", "studio_preview"})
# Inline styles stay allowed: templates and the SVG charts set a few style attributes, and
# CSS cannot run code in current browsers.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _is_exempt() -> bool:
    return (
        request.endpoint is None
        or request.path.startswith("/api/")
        or (request.blueprint or "") in CSRF_EXEMPT_BLUEPRINTS
    )


def _relative_redirect() -> ResponseReturnValue | None:
    """Answer Werkzeug's routing redirect with a path on this server instead of its absolute URL.

    Werkzeug builds that URL from the request's Host before any view runs, and its 308 may
    be cached: a forged Host would send later visitors to another site.
    """
    moved = request.routing_exception
    if not isinstance(moved, RequestRedirect):
        return None
    parts = urlsplit(moved.new_url)
    path = "/" + parts.path.lstrip("/\\")  # a leading "//" or "/\" names another site
    return redirect(urlunsplit(("", "", path, parts.query, "")), code=moved.code)


def _check_csrf() -> None:
    config = current_app.config
    if not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"] or _is_exempt():
        return
    csrf: CSRFProtect = current_app.extensions["csrf"]
    csrf.protect(apply_exemptions=True)  # also honours csrf.exempt(view or blueprint)


def csp_nonce() -> str:
    """This request's nonce for inline scripts (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    shared = request.endpoint in study_access.PUBLIC_ENDPOINTS  # share links
    headers["Referrer-Policy"] = "no-referrer" if shared else headers.get("Referrer-Policy", "same-origin")
    if shared or (request.blueprint or "") in RESEARCHER_BLUEPRINTS:
        headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
        # They show participants' answers: no copy stays in a shared computer's cache or a proxy.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Bind a CSRFProtect to this app (kept in ``app.extensions["csrf"]``) and set cookie defaults."""
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if str(app.config.get("PUBLIC_URL", "")).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    # Tokens live as long as the browser session, not Flask-WTF's default hour: a participant
    # who leaves a questionnaire open over lunch must not lose the answers to a 400.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Our own hook decides what is exempt, so Flask-WTF's default check stays off.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    CSRFProtect().init_app(app)
    request_bodies.init_app(app)  # first: a body over its limit is refused before any hook reads it
    app.before_request(_relative_redirect)
    # Access first: it only reads, so a forged form still changes nothing, and a signed-out
    # editor's check gets the documented 401 rather than the CSRF check's 400 (its session,
    # and with it the CSRF token, went at sign-out).
    study_access.init_app(app)
    app.before_request(_check_csrf)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"csp_nonce": csp_nonce()})

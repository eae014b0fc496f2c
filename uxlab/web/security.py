"""App-wide CSRF protection (Flask-WTF) and session cookie defaults.

Every form POST must carry ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``.
JSON APIs are exempt: anything under ``/api/`` and the blueprints named in
``CSRF_EXEMPT_BLUEPRINTS`` (they authenticate with attempt or API tokens, not cookies),
plus whatever is passed to ``app.extensions["csrf"].exempt(...)``.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFProtect

CSRF_EXEMPT_BLUEPRINTS = frozenset({"api", "probes"})


def _is_exempt() -> bool:
    return (
        request.endpoint is None
        or request.path.startswith("/api/")
        or (request.blueprint or "") in CSRF_EXEMPT_BLUEPRINTS
    )


def _check_csrf() -> None:
    config = current_app.config
    if not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"] or _is_exempt():
        return
    csrf: CSRFProtect = current_app.extensions["csrf"]
    csrf.protect(apply_exemptions=True)  # also honours csrf.exempt(view or blueprint)


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
    app.before_request(_check_csrf)

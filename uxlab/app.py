"""The application factory: the only place an app (and its engine) is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, current_app, g
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import ProgrammingError
from werkzeug.middleware.proxy_fix import ProxyFix

from uxlab import config, db
from uxlab.errors import ServiceUnavailable, UxlabError
from uxlab.participants import snippet, sweep
from uxlab.web import errors, security


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create a uxlab app: settings table, then UXLAB_* variables, then ``test_config``.

    An app without a secret key can run commands but cannot sign or read a session; the
    entry points that serve requests call ``require_secret_key`` first.
    """
    try:
        settings = config.load_settings()
    except config.SettingError as error:  # one line from every entry point, not a traceback
        raise UxlabError(str(error)) from None
    settings.update(test_config or {})
    app = Flask(
        __name__,
        instance_path=config.instance_folder(settings["INSTANCE_PATH"]),
        instance_relative_config=True,
        template_folder=str(config.TEMPLATES_DIR),
        static_folder="static",
    )
    app.config.from_mapping(settings)
    # Commands run without a key; a request never does, whatever server an app was handed to.
    # First of the request hooks, so the CSRF check never meets an app without a key.
    app.before_request(_refuse_without_secret_key)
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # for the default SQLite file
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # Behind a proxy the peer is the proxy: take the client's address (the sign-in
        # limit's key) and the scheme and host from the headers of this many proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    app.session_interface = _Sessions()
    db.init_app(app)
    errors.init_app(app)
    for error_type in (*db.DATABASE_UNAVAILABLE, ProgrammingError):
        app.register_error_handler(error_type, _database_unavailable)
    app.after_request(_note_database_answered)
    security.init_app(app)
    sweep.init_app(app)
    app.jinja_env.globals["tracker_snippet"] = snippet.render
    from uxlab.web import register_blueprints

    register_blueprints(app)
    return app


# The tracker's API: cross-origin, without cookies (its token is its credential).
COOKIELESS_PATHS = ("/api/v1/events", "/api/v1/attempts/")


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except on the tracker's API, which has none to read.

    Reading one costs a signing serializer per request, a measurable part of an events
    request (``bench/bench_ingest.py``); there the session is Flask's null session.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(COOKIELESS_PATHS):
            return None  # Flask then uses its null session
        return super().open_session(app, request)


def _database_unavailable(error: Exception) -> ResponseReturnValue:
    """Answer 503 with Retry-After (JSON under /api/, a page elsewhere); log only a change of state.

    A table or column missing (SQLite's "no such table", PostgreSQL's undefined_table) is
    no outage that waiting mends: the 503 says to run ``uxlab db upgrade``, as /readyz does.
    Any other statement error (a ProgrammingError) is a bug: 500.
    """
    if db.is_schema_error(error):
        db.availability().failed(error)
        return errors.handle_uxlab_error(
            ServiceUnavailable(
                "uxlab cannot serve this yet: its database lacks tables of this version; "
                "whoever runs the server must run `uxlab db upgrade`."
            )
        )
    if not isinstance(error, db.DATABASE_UNAVAILABLE):
        return errors.handle_unexpected(error)
    db.availability().failed(error)
    retry_after_s = int(current_app.config["DB_RETRY_AFTER_S"])
    return errors.handle_uxlab_error(
        ServiceUnavailable(
            f"The database is unavailable; try again in {retry_after_s} seconds.", retry_after_s=retry_after_s
        )
    )


def _note_database_answered(response: Response) -> Response:
    if "db_session" in g and response.status_code != 503:
        db.availability().answered()
    return response


def _refuse_without_secret_key() -> None:
    require_secret_key(current_app)


def require_secret_key(app: Flask) -> Flask:
    """Return ``app`` if it has a secret key, else refuse: anyone could sign a session cookie.

    The old built-in default was public, so an app that serves requests must be given its
    own key (``uxlab demo`` generates one per instance, see ``uxlab.demo.setup``).
    """
    if not app.config.get("SECRET_KEY"):
        raise UxlabError(
            "UXLAB_SECRET_KEY is not set; set it to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    return app

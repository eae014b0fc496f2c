"""Render UxlabError (and HTTP errors) as JSON under /api/ and as an HTML page elsewhere."""

from __future__ import annotations

from flask import Flask, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from jinja2 import TemplateNotFound
from werkzeug.exceptions import HTTPException

from uxlab.errors import UxlabError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, message: str, field: str | None = None) -> ResponseReturnValue:
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    if _wants_json():
        body: dict[str, object] = {"status": status, "message": message}
        if field:
            body["field"] = field
        return jsonify(error=body), status
    try:
        return render_template(f"errors/{status}.html", message=message, status=status), status
    except TemplateNotFound:
        return render_template("errors/error.html", message=message, status=status), status


def handle_uxlab_error(error: UxlabError) -> ResponseReturnValue:
    response = make_response(_render(error.status, error.message, error.field))
    retry_after_s = getattr(error, "retry_after_s", None)
    if retry_after_s:
        response.headers["Retry-After"] = str(retry_after_s)
    return response


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    return _render(error.code or 500, error.description or error.name)


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    # Never show a traceback to a user; the log keeps it.
    from flask import current_app

    current_app.logger.exception("unhandled error")
    return _render(500, "Something went wrong on our side. The error has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(UxlabError, handle_uxlab_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

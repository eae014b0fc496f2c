"""Render every error from the one base, UxlabError: JSON where the endpoint answers JSON, else HTML.

An endpoint answers JSON when its path is under ``/api/`` or ends in ``.json``, or it is
one of ``JSON_ENDPOINTS``; its errors are JSON whatever the Accept header, since its
client reads JSON (elsewhere an ``Accept: application/json`` asks for them).

Werkzeug's HTTP errors (404 for an unknown URL, 405 ...) and unexpected exceptions become
a UxlabError of their status first, so every error page and body has the same shape:
``UxlabError.to_dict()`` as JSON, or ``templates/errors/<status>.html`` (else
``errors/error.html``). The command line's face of the same errors is
``UxlabError.cli_lines()``, printed by ``uxlab.cli.command``.
"""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from jinja2 import TemplateNotFound
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from uxlab.errors import UxlabError

UNEXPECTED = "Something went wrong on our side. The error has been logged."
# Endpoints that answer JSON although their path does not say so.
JSON_ENDPOINTS = frozenset({"studio.check", "health.healthz", "health.readyz"})


def answers_json() -> bool:
    """Whether this request's endpoint answers JSON (and so its errors too)."""
    json_path = request.path.startswith("/api/") or request.path.endswith(".json")
    return json_path or _endpoint() in JSON_ENDPOINTS


def _endpoint() -> str | None:
    """The request's endpoint; for a method the URL does not take (405), the URL's own."""
    refused = request.routing_exception
    if request.endpoint or not isinstance(refused, MethodNotAllowed) or not refused.valid_methods:
        return request.endpoint
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _ = adapter.match(method=next(iter(refused.valid_methods)))
    except HTTPException:
        return None
    return str(endpoint)


def _wants_json() -> bool:
    return answers_json() or request.accept_mimetypes.best == "application/json"


def _with_status(message: str, status: int) -> UxlabError:
    error = UxlabError(message)
    error.status = status
    return error


def handle_uxlab_error(error: UxlabError) -> ResponseReturnValue:
    """Roll the request's session back and answer with the error's JSON body or page."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    if _wants_json():
        response = make_response(jsonify(error.to_dict()), error.status)
    else:
        context = {"message": error.message, "status": error.status}
        try:
            page = render_template(f"errors/{error.status}.html", **context)
        except TemplateNotFound:
            page = render_template("errors/error.html", **context)
        response = make_response(page, error.status)
    retry_after_s = getattr(error, "retry_after_s", None)
    if retry_after_s:
        response.headers["Retry-After"] = str(retry_after_s)
    return response


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    response = make_response(
        handle_uxlab_error(_with_status(error.description or error.name, error.code or 500))
    )
    if isinstance(error, MethodNotAllowed) and error.valid_methods:  # RFC 9110: a 405 names them
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    # Never show a traceback to a user; the log keeps it.
    current_app.logger.exception("unhandled error")
    return handle_uxlab_error(_with_status(UNEXPECTED, 500))


def init_app(app: Flask) -> None:
    app.register_error_handler(UxlabError, handle_uxlab_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

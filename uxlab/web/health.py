"""Health and readiness for load balancers and monitors.

``/healthz`` says whether the process and each dependency (the database) answer: 200, or
503 naming the one that does not. ``/readyz`` is the load balancer's question, "send
requests here?": 200 when the database answers within the configured timeouts, else 503
with Retry-After, so that a balancer takes the server out until it is back.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from uxlab.db import DATABASE_UNAVAILABLE, availability, get_session

bp = Blueprint("health", __name__)


def _database_answers() -> bool:
    try:
        get_session().execute(text("SELECT 1"))
    except DATABASE_UNAVAILABLE as error:
        get_session().rollback()
        availability().failed(error)
        return False
    return True


def _unavailable(body: dict[str, str]) -> ResponseReturnValue:
    return jsonify(body), 503, {"Retry-After": str(current_app.config["DB_RETRY_AFTER_S"])}


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    if not _database_answers():
        return _unavailable({"status": "unavailable", "database": "unavailable"})
    return jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    if not _database_answers():
        return _unavailable({"status": "unavailable", "database": "unavailable"})
    return jsonify(status="ready")

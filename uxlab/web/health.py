"""Health and readiness for load balancers and monitors.

``/healthz`` says whether the process and each dependency (the database) answer: 200, or
503 naming the one that does not. ``/readyz`` is the load balancer's question, "send
requests here?": 200 when the database answers within the configured timeouts, else 503
with Retry-After, so that a balancer takes the server out until it is back. A database
without this uxlab's tables, or behind its latest migration, answers every page with an
error until someone runs ``uxlab db upgrade``: both say so (503, ``"database": "needs
upgrade"`` and the reason), without Retry-After, as waiting does not mend it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from uxlab.db import DATABASE_UNAVAILABLE, availability, get_session, schema_problem

bp = Blueprint("health", __name__)


def _database_problem() -> ResponseReturnValue | None:
    """The 503 to answer when the database does not answer or lacks this uxlab's schema, else None."""
    try:
        problem = schema_problem(get_session().connection())
    except DATABASE_UNAVAILABLE as error:
        get_session().rollback()
        availability().failed(error)
        body = {"status": "unavailable", "database": "unavailable"}
        return jsonify(body), 503, {"Retry-After": str(current_app.config["DB_RETRY_AFTER_S"])}
    availability().schema_checked(problem)
    if problem:
        reason = f"the database {problem}; run `uxlab db upgrade`"
        return jsonify(status="unavailable", database="needs upgrade", reason=reason), 503
    return None


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return _database_problem() or jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    return _database_problem() or jsonify(status="ready")

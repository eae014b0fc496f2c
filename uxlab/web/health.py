"""Liveness endpoint for load balancers and tests."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from uxlab.db import get_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    get_session().execute(text("SELECT 1"))
    return jsonify(status="ok")

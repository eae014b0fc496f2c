"""The baseline of bench_ingest.py: a bare Flask app that stores a tracker batch with one INSERT.

Same body as uxlab's events API, parsed with ``json.loads``; its events go into
``bench_event`` of the same database with one INSERT statement (executemany) in one
transaction, through an engine made by ``uxlab.db.make_engine`` (the same SQLite pragmas
and pool). No validation, no attempt lookup, no judging: what any ingestion endpoint pays.

    BENCH_DATABASE_URL=sqlite:///x.sqlite gunicorn --pythonpath bench ingest_bare_app:app
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import JSON, Column, DateTime, Float, Integer, MetaData, String, Table

from uxlab.db import make_engine

METADATA = MetaData()
BENCH_EVENT = Table(
    "bench_event",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("data", JSON, nullable=False),
    Column("client_ms", Float, nullable=False),
    Column("received_at", DateTime, nullable=False),
)


def create_bare_app(database_url: str) -> Flask:
    """The bare app over ``database_url`` (``bench_event`` is created if missing)."""
    app = Flask(__name__)
    engine = make_engine(database_url)
    METADATA.create_all(engine)

    @app.post("/api/v1/events")
    def events() -> ResponseReturnValue:
        body = json.loads(request.get_data())
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [
            {
                "token": body["token"],
                "client_id": event["id"],
                "kind": event["type"],
                "url": event.get("url", ""),
                "data": {k: event[k] for k in ("selectors", "tag", "text") if k in event},
                "client_ms": event["t"],
                "received_at": now,
            }
            for event in body["events"]
        ]
        with engine.begin() as connection:
            connection.execute(BENCH_EVENT.insert(), rows)
        return jsonify(accepted=[row["client_id"] for row in rows], ended=False, outcome=None, next=None)

    return app


def __getattr__(name: str) -> Flask:
    # gunicorn's "ingest_bare_app:app": made on first access, so importing makes nothing.
    if name == "app":
        return create_bare_app(os.environ["BENCH_DATABASE_URL"])
    raise AttributeError(name)

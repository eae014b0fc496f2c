"""A database without uxlab's tables, or behind its latest migration, is not healthy.

Every page needs the tables, so ``/healthz`` and ``/readyz`` say the database needs
``uxlab db upgrade`` (503) instead of ``ok``; the log says it once, and once when it is mended.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask

from uxlab import db
from uxlab.app import create_app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app over an empty database: a new SQLite file, or an empty PostgreSQL schema."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    app = create_app({"SECRET_KEY": "test", "DATABASE_URL": url or f"sqlite:///{tmp_path / 'new.sqlite'}"})
    yield app
    app.extensions["uxlab.engine"].dispose()


def _needs_upgrade(app: Flask, path: str) -> str:
    response = app.test_client().get(path)
    body = response.get_json()
    assert response.status_code == 503, body
    assert (body["status"], body["database"]) == ("unavailable", "needs upgrade")
    assert body["reason"].endswith("; run `uxlab db upgrade`")
    assert "Retry-After" not in response.headers  # waiting does not mend it
    return str(body["reason"])


def test_health_and_readiness_say_an_empty_database_needs_upgrade(
    unmigrated_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for path in ("/healthz", "/readyz", "/healthz"):
        assert _needs_upgrade(unmigrated_app, path).startswith("the database has no uxlab tables")
    # A page meets the missing tables: on SQLite and PostgreSQL alike a 503 that says what to
    # do (was "try again in 5 seconds" on SQLite, a 500 on PostgreSQL), in JSON for the API.
    page = unmigrated_app.test_client().get("/s/helpdesk")
    assert page.status_code == 503 and "run `uxlab db upgrade`" in page.get_data(as_text=True)
    api = unmigrated_app.test_client().post("/api/v1/events", json={"token": "x" * 32, "events": []})
    assert api.status_code == 503 and "run `uxlab db upgrade`" in api.get_json()["error"]["message"]
    with unmigrated_app.app_context():
        db.upgrade(db.get_engine())
    assert unmigrated_app.test_client().get("/readyz").get_json() == {"status": "ready"}
    assert unmigrated_app.test_client().get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("database ")]
    assert logged == [
        "database schema: has no uxlab tables; run `uxlab db upgrade`",
        "database schema is up to date again",
    ]


def test_readiness_says_a_database_behind_the_latest_migration_needs_upgrade(unmigrated_app: Flask) -> None:
    scripts = ScriptDirectory(str(db.MIGRATIONS_DIR))
    (head,) = scripts.get_heads()
    before = scripts.get_revision(head).down_revision
    assert isinstance(before, str)
    with unmigrated_app.app_context():
        db.upgrade(db.get_engine(), before)
    reason = _needs_upgrade(unmigrated_app, "/readyz")
    assert (
        reason
        == f"the database is behind the latest migration (at {before}; latest {head}); run `uxlab db upgrade`"
    )
